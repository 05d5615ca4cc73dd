"""The issue's acceptance check: `scamscope --index …  serve` on an index of news
(the bundled demo site, crawled and understood by `scamscope demo` into the default
Tantivy index, and the same moved to SQLite by `scamscope reindex`): `/?q=scam` shows
the same first hit as `/api/search?q=scam`, on both."""
from __future__ import annotations

import re

import httpx

from tests.fixtures.web import serving


def test_served_demo_index_page_and_api_agree(cli, tmp_path):
    keep = tmp_path / "demo"
    demo = cli("demo", "--keep", str(keep), "--json")
    assert demo.code == 0, demo.err
    assert demo.json()["indexed"] >= 20
    moved = cli("reindex", "--from", f"tantivy://{keep / 'index.tantivy'}",
                "--to", f"sqlite://{tmp_path / 'moved.db'}")
    assert moved.code == 0, moved.err
    totals = {url: served_total(url, tmp_path / f"served-{n}")
              for n, url in enumerate((f"tantivy://{keep / 'index.tantivy'}",
                                       f"sqlite://{tmp_path / 'moved.db'}"))}
    # the same matches on both engines (their scores, so the order, may differ)
    assert len(set(totals.values())) == 1, totals


def served_total(index_url: str, data_dir) -> int:
    """/?q=scam and /api/search?q=scam agree on the first hit; the total."""
    with serving(index_url, data_dir) as url:
        with httpx.Client(base_url=url, trust_env=False) as client:
            api = client.get("/api/search", params={"q": "scam"}).json()
            page = client.get("/", params={"q": "scam"}).text
            hit = api["hits"][0]
            article = client.get(f"/articles/{hit['id']}").text
    assert api["total"] >= 10
    first = re.search(r'<h2><a href="/articles/([0-9a-f]+)[?"]', page).group(1)
    assert first == hit["id"]
    assert '<mark class="ent ent-place"' in article and '<dl class="prov">' in article
    return api["total"]
