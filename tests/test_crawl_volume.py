"""The crawl at real volume: a feed or sitemap of 216 real-length articles (more than six
analysis batches) is indexed completely by one `scamscope crawl`, and a second crawl
keeps all 216 and fetches none of them again, whatever the analysis batch size."""
from __future__ import annotations

from urllib.parse import urlsplit

from tests.fixtures.realsite import VOLUME_ARTICLES

FAST = {"SCAMSCOPE_DOWNLOAD_DELAY": "0", "SCAMSCOPE_AUTOTHROTTLE": "false",
        "SCAMSCOPE_RETRY_TIMES": "0"}
# A crawl of 216 pages with spaCy on a loaded 2-core machine takes minutes, not hours;
# past this the crawl is hung.
CRAWL_TIMEOUT = 1200


def indexed_paths(cli) -> list[str]:
    """The path of every indexed article's URL (one entry per stored article)."""
    result = cli("search", "--json", "--limit", "10000")
    assert result.code == 0, result.err
    data = result.json()
    paths = [urlsplit(hit["url"]).path for hit in data["hits"]]
    assert data["total"] == len(paths), "search --json total disagrees with its hits"
    return paths


def crawl_twice_keeps_everything(cli, site, kind: str, env: dict[str, str]) -> None:
    flag, path = {"feed": ("--feed", "/feed.xml"), "sitemap": ("--sitemap", "/sitemap.xml")}[kind]
    expected = sorted(a.path for a in site.articles())
    assert len(expected) == VOLUME_ARTICLES

    site.reset()
    first = cli("crawl", flag, site.url(path), "--json", env={**FAST, **env}, timeout=CRAWL_TIMEOUT)
    assert first.code == 0, first.err[-3000:]
    summary = first.json()
    stored = indexed_paths(cli)
    assert len(stored) == len(set(stored)), "an article is stored twice"
    missing = sorted(set(expected) - set(stored))
    assert not missing, (f"{len(missing)} of {VOLUME_ARTICLES} articles lost, e.g. "
                         f"{missing[:3]}; the crawl said: {summary}")
    assert sorted(stored) == expected
    assert summary["fetched"] == VOLUME_ARTICLES, summary
    assert summary["failed_total"] == 0, summary["failed"]

    site.reset()
    second = cli("crawl", flag, site.url(path), "--json", env={**FAST, **env}, timeout=CRAWL_TIMEOUT)
    assert second.code == 0, second.err[-3000:]
    again = second.json()
    assert again["fetched"] == 0, again
    refetched = [e.path for e in site.log.entries(prefix="/articles/") if not e.conditional]
    assert refetched == [], f"{len(refetched)} articles fetched again, e.g. {refetched[:3]}"
    assert sorted(indexed_paths(cli)) == expected


def test_one_crawl_of_a_feed_indexes_all_216_articles_and_a_second_keeps_them(cli, volume_site):
    crawl_twice_keeps_everything(cli, volume_site, "feed", {})


def test_a_batch_size_of_two_loses_nothing(cli, volume_site):
    """Batches flush mid-crawl over and over, and the articles come through a sitemap this
    time: every one must reach the index."""
    crawl_twice_keeps_everything(cli, volume_site, "sitemap", {"SCAMSCOPE_NLP_BATCH_SIZE": "2"})


def test_the_generated_articles_are_distinct_real_length_and_bilingual(volume_site):
    """The volume site is a fair test: no two articles could be taken for copies."""
    generated = volume_site.generated
    assert len({a.title for a in generated}) == len({a.text for a in generated}) == 216
    assert all(380 <= a.words <= 1000 for a in generated)
    assert 40 <= sum(a.lang == "fr" for a in generated) <= 60
    first_sentences = {a.text.split(". ")[0] for a in generated}
    assert len(first_sentences) == 216
