"""The same pages and API on every index backend (embedded SQLite and the real search
cluster): the web only speaks the Index protocol."""
from __future__ import annotations

import csv
import io
import re
from html import unescape

from indexer.fields import ALL_FACETS
from indexer.query import Query
from tests.fixtures.web import SAMPLE_SIZE, SCRIPT, hostile_articles, make_client


def test_pages_and_api_on_each_backend(any_index, web_settings):
    from indexer.sample import sample_articles

    any_index.upsert(list(sample_articles(SAMPLE_SIZE, seed=6)) + hostile_articles())
    with make_client(web_settings, any_index) as web:
        api = web.get("/api/search?q=scam").json()
        # the web asks for every facet of indexer.fields, people included
        assert api == any_index.search(Query(text="scam", facet_names=ALL_FACETS)).to_json()
        page = web.get("/?q=scam").text
        ids = re.findall(r'<h2><a href="/articles/([0-9a-f]+)[?"]', page)
        assert ids == [h["id"] for h in api["hits"]]

        code = api["facets"]["country"][0]["value"]
        href = unescape(re.search(rf'<a href="([^"]+)" data-facet-value="{code}"', page).group(1))
        narrowed = web.get(href).text
        expected = any_index.count(Query(text="scam", countries=[code]))
        assert f"<strong>{expected:,}</strong>" in narrowed

        evil = hostile_articles()[0]
        article = web.get(f"/articles/{evil.id}").text
        assert SCRIPT not in article and '<mark class="ent ent-place"' in article
        assert "<svg" in page and SCRIPT not in page
        chart = page.split('class="chart chart-time"', 1)[1].split("</svg>", 1)[0]
        bars = re.findall(r"<title>[^<]*: (\d+)</title>", chart)
        assert sum(int(n) for n in bars) == api["total"]

        rows = list(csv.DictReader(io.StringIO(web.get("/api/export.csv?q=scam").text)))
        assert len(rows) == api["total"]
