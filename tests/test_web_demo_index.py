"""The issue's acceptance check: `scamscope --index sqlite:///… serve` on an index of news
(the bundled demo site, crawled and understood by `scamscope demo`): `/?q=scam` shows the
same first hit as `/api/search?q=scam`."""
from __future__ import annotations

import re

import httpx

from tests.fixtures.web import serving


def test_served_demo_index_page_and_api_agree(cli, tmp_path):
    keep = tmp_path / "demo"
    demo = cli("demo", "--keep", str(keep), "--json")
    assert demo.code == 0, demo.err
    assert demo.json()["indexed"] >= 20
    with serving(f"sqlite://{keep / 'index.db'}", tmp_path / "served-data") as url:
        with httpx.Client(base_url=url, trust_env=False) as client:
            api = client.get("/api/search", params={"q": "scam"}).json()
            page = client.get("/", params={"q": "scam"}).text
            hit = api["hits"][0]
            article = client.get(f"/articles/{hit['id']}").text
    assert api["total"] >= 10
    first = re.search(r'<h2><a href="/articles/([0-9a-f]+)[?"]', page).group(1)
    assert first == hit["id"]
    assert '<mark class="ent ent-place"' in article and '<dl class="prov">' in article
