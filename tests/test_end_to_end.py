"""The whole chain through the real CLI: crawl a feed served on 127.0.0.1 → extract →
entities → embedded index → search, and the offline demo."""
from __future__ import annotations

import pytest

# Our own loopback server: politeness delays would only slow the suite down
# (they have their own tests).
FAST = {"SCAMSCOPE_DOWNLOAD_DELAY": "0", "SCAMSCOPE_AUTOTHROTTLE": "false"}

MYANMAR = {"myawaddy-bgf-hands-over-foreigners", "partner-foreign-workers-freed-myawaddy",
           "kk-park-demolition-begins", "ouganda-victimes-myawaddy", "myanmar-kk-park-zh"}
ENGLISH_SCAM = {"myawaddy-bgf-hands-over-foreigners", "partner-foreign-workers-freed-myawaddy",
                "kk-park-demolition-begins", "police-find-bonus-scripts-at-compound",
                "sihanoukville-building-owners-charged", "philippines-deports-pogo-workers-clark",
                "kenya-court-jails-recruiters"}
UNRELATED = {"durian-exports-record", "jakarta-mrt-extension-opens"}


def slug(url: str) -> str:
    return url.rsplit("/", 1)[-1].removesuffix(".html")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, test_site):
    """One data dir, the test site's feed crawled twice."""
    from tests.fixtures.cli import Cli

    cli = Cli(tmp_path_factory.mktemp("e2e"))
    feed = test_site.url("/feed.xml")
    first = cli("crawl", "--feed", feed, "--json", env=FAST)
    second = cli("crawl", "--feed", feed, "--json", env=FAST)
    return cli, first, second


def test_crawling_a_feed_indexes_every_article_exactly_once(crawled, test_site):
    cli, first, _ = crawled
    assert first.code == 0, first.err
    summary = first.json()
    expected = {slug(u) for u in test_site.article_urls()}
    assert summary["indexed"] == len(expected)
    everything = cli("search", "--json", "--limit", "100")
    assert everything.code == 0, everything.err
    hits = everything.json()["hits"]
    assert everything.json()["total"] == len(expected)
    assert sorted(slug(h["url"]) for h in hits) == sorted(expected)
    assert len({h["id"] for h in hits}) == len(hits)


def test_crawling_again_changes_nothing(crawled, test_site):
    cli, first, second = crawled
    assert second.code == 0, second.err
    again = second.json()
    assert again.get("indexed", 0) == 0 and again.get("extracted", 0) == 0
    total = cli("search", "--json").json()["total"]
    assert total == len(test_site.article_urls())


def test_search_scam_finds_the_scam_articles_and_not_the_others(crawled):
    cli, _, _ = crawled
    result = cli("search", "scam", "--json", "--limit", "100")
    assert result.code == 0, result.err
    found = {slug(h["url"]) for h in result.json()["hits"]}
    assert ENGLISH_SCAM <= found
    assert not found & UNRELATED
    assert all("<mark>" in h["snippet"] for h in result.json()["hits"])


def test_search_json_has_the_documented_shape(crawled):
    cli, _, _ = crawled
    data = cli("search", "scam", "--json", "--limit", "1").json()
    assert set(data) == {"total", "hits", "facets"}
    hit = data["hits"][0]
    assert {"id", "url", "title", "published", "lang", "source", "snippet", "entities"} <= set(hit)
    assert {"places", "orgs", "people", "money"} <= set(hit["entities"])
    assert {"country", "place", "org", "lang", "source"} <= set(data["facets"])


def test_country_filter_returns_the_myanmar_articles(crawled):
    cli, _, _ = crawled
    result = cli("search", "--country", "MM", "--json", "--limit", "100")
    found = {slug(h["url"]) for h in result.json()["hits"]}
    assert MYANMAR <= found
    assert not found & UNRELATED


def test_syndicated_copies_share_a_story(crawled):
    cli, _, _ = crawled
    hits = cli("search", "--json", "--limit", "100").json()["hits"]
    story = {slug(h["url"]): h["story_id"] for h in hits}
    assert story["myawaddy-bgf-hands-over-foreigners"] == story["partner-foreign-workers-freed-myawaddy"]
    assert story["kk-park-demolition-begins"] != story["myawaddy-bgf-hands-over-foreigners"]


def test_markup_in_a_title_stays_text(crawled):
    cli, _, _ = crawled
    hits = cli("search", "bonus", "--json").json()["hits"]
    titles = [h["title"] for h in hits]
    assert 'Police find "<b>bonus</b>" scripts at compound' in titles


def test_malformed_query_is_one_line_exit_2(crawled):
    cli, _, _ = crawled
    for bad in ('"unclosed', "(scam OR", "OR scam", "-scam"):
        result = cli("search", bad)
        assert result.code == 2, (bad, result.err)
        assert len(result.err.strip().splitlines()) == 1, result.err


def test_search_before_any_crawl_says_what_to_do(cli):
    result = cli("search", "scam")
    assert result.code == 1
    assert "crawl" in result.err and len(result.err.strip().splitlines()) == 1


def test_demo_json_crawls_indexes_and_finds(cli):
    result = cli("demo", "--json", timeout=300)
    assert result.code == 0, result.err
    data = result.json()
    assert data["crawled"] >= 10 and data["indexed"] >= 10 and data["search_hits"] >= 1
    by_label = {s["label"]: s["total"] for s in data["searches"]}
    assert by_label["articles about Myanmar"] >= 1 and by_label["scam"] >= 1


def test_articles_from_an_adhoc_feed_are_filed_under_the_site(crawled, test_site):
    cli, _, _ = crawled
    data = cli("search", "--json", "--limit", "1").json()
    host = test_site.base_url.split("://", 1)[1].rstrip("/")
    assert data["hits"][0]["source"] == host
    assert cli("search", "--source", host, "--json").json()["total"] == data["total"]
