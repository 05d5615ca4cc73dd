"""The web UI over news crawled end to end: the test site's Regional Wire articles go
through the real `scamscope crawl` (fetch, extract, entities, stories, index)."""
from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from tests.fixtures.cli import Cli
from tests.fixtures.web import SECRET_KEY, WEB_TOKEN, make_client

FAST = "download_delay = 0.0\nautothrottle = false\ndownload_timeout = 5.0\nretry_times = 0\n"
TITLE = 'Police find "<b>bonus</b>" scripts at compound'


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, test_site):
    from indexer.tantivy_index import TantivyIndex
    from scamscope.config import Settings

    root = tmp_path_factory.mktemp("crawled")
    data_dir = root / "data"
    data_dir.mkdir()
    config = root / "config.toml"
    config.write_text(FAST, encoding="utf-8")
    result = Cli(data_dir)("--config", str(config), "crawl", "--sitemap",
                           test_site.url("/sitemap.xml"), "--json")
    assert result.code == 0, result.err
    index = TantivyIndex(data_dir / "index.tantivy")  # the crawl's default index
    settings = Settings(data_dir=str(root / "web-data"),
                        index=f"tantivy://{data_dir}/index.tantivy",
                        web_token=WEB_TOKEN, secret_key=SECRET_KEY)
    with make_client(settings, index) as client:
        yield client, index
    index.close()


def first_hit(page: str) -> str:
    return re.search(r'<h2><a href="/articles/([0-9a-f]+)[?"]', page).group(1)


def test_search_page_and_api_agree_on_crawled_news(crawled):
    web, _ = crawled
    api = web.get("/api/search?q=scam").json()
    assert api["total"] >= 7  # every scam-related English article says "scam"
    assert first_hit(web.get("/?q=scam").text) == api["hits"][0]["id"]
    myanmar = web.get("/api/search?q=scam&country=MM").json()
    assert 0 < myanmar["total"] < api["total"]


def test_a_title_with_markup_stays_text_everywhere(crawled):
    web, index = crawled
    hit = next(h for h in web.get("/api/search?q=bonus").json()["hits"] if "bonus" in h["title"])
    assert hit["title"] == TITLE
    escaped = "Police find &#34;&lt;b&gt;bonus&lt;/b&gt;&#34; scripts at compound"
    assert escaped in web.get("/?q=bonus").text
    page = web.get(f"/articles/{hit['id']}").text
    assert f'<h1 class="title" lang="en">{escaped}</h1>' in page and "<b>bonus" not in page
    rows = csv.DictReader(io.StringIO(web.get("/api/export.csv?q=bonus").text))
    assert TITLE in {row["title"] for row in rows}


def test_article_page_shows_extracted_entities_and_provenance(crawled):
    web, index = crawled
    hit = web.get("/api/search?q=scam&country=MM").json()["hits"][0]
    article = index.get(hit["id"])
    page = web.get(f"/articles/{article.id}").text
    assert '<mark class="ent ent-place"' in page
    assert f'href="/?country=MM"' in page
    prov = unescape(page.split('<dl class="prov">', 1)[1].split("</dl>", 1)[0])
    assert article.final_url.startswith("http://127.0.0.1:") and article.final_url in prov
    assert article.content_hash and article.content_hash in prov


def test_the_syndicated_copy_is_listed_as_the_same_story(crawled):
    web, index = crawled
    hits = web.get("/api/search", params={"q": "1,460 foreigners", "limit": "50"}).json()["hits"]
    by_url = {h["url"].rsplit("/", 1)[-1].removesuffix(".html"): h for h in hits}
    original = by_url["myawaddy-bgf-hands-over-foreigners"]
    copy = by_url["partner-foreign-workers-freed-myawaddy"]
    page = web.get(f"/articles/{original['id']}").text
    section = page.split('class="copies"', 1)[1].split("</section>", 1)[0]
    assert f'href="/articles/{copy["id"]}"' in section
    data = web.get(f"/api/articles/{original['id']}").json()
    assert copy["id"] in [c["id"] for c in data["same_story"]]
