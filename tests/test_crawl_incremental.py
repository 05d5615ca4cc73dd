"""Re-crawls are cheap and re-process nothing: conditional GETs, content hashes, known URLs."""
from __future__ import annotations

import shutil

import pytest

from scamscope.demo.server import SiteServer
from tests.fixtures.site import SITE_DIR


def test_second_crawl_of_a_sitemap_fetches_nothing_unconditionally(crawl, test_site):
    first = crawl({"name": "maps", "type": "sitemap", "url": test_site.url("/sitemap.xml")})
    assert first.summary["passed"] == len(test_site.articles())
    test_site.reset()
    second = crawl({"name": "maps", "type": "sitemap", "url": test_site.url("/sitemap.xml")})
    fetched = [e for e in test_site.log.entries() if e.path != "/robots.txt"]
    assert fetched, "the sitemap itself is asked for again"
    assert all(e.conditional for e in fetched), [e.path for e in fetched if not e.conditional]
    assert [e.status for e in fetched] == [304]
    assert second.pages == [] and second.summary["passed"] == 0
    assert second.summary["documents_not_modified"] == 1


def test_pages_answer_304_to_conditional_gets(crawl, test_site):
    urls = test_site.article_urls()[:2]
    targets = [{"name": f"page{i}", "type": "url", "url": u} for i, u in enumerate(urls)]
    assert len(crawl(*targets).pages) == 2
    test_site.reset()
    again = crawl(*targets)
    pages = [e for e in test_site.log.entries() if e.path.startswith("/articles/")]
    assert len(pages) == 2
    assert all(e.if_none_match and e.if_modified_since and e.status == 304 for e in pages)
    assert again.summary["not_modified"] == 2 and again.pages == []


def test_unchanged_content_is_not_passed_on_even_without_validators(crawl, test_site):
    # /plain/ serves the same article with no ETag or Last-Modified: the crawler
    # must fetch it in full, and recognises it by its content hash.
    url = test_site.url("/plain" + test_site.articles()[0].path)
    assert len(crawl({"name": "plain", "type": "url", "url": url}).pages) == 1
    test_site.reset()
    again = crawl({"name": "plain", "type": "url", "url": url})
    assert [e.status for e in test_site.log.entries(prefix="/plain/")] == [200]
    assert again.summary["unchanged"] == 1 and again.pages == []


def test_items_the_sink_already_has_are_not_fetched(crawl, test_site):
    known = tuple(test_site.article_urls()[:4])
    test_site.reset()
    run = crawl({"name": "wire", "type": "feed", "url": test_site.url("/feed.xml")}, known=known)
    requested = {test_site.url(e.path) for e in test_site.log.entries()}
    assert not requested & set(known)
    assert run.summary["skipped_known"] == 4
    assert run.summary["fetched"] == len(test_site.articles()) - 4


@pytest.fixture
def growing_site(tmp_path):
    """A site of three articles that can publish a fourth."""
    site_dir = tmp_path / "site"
    (site_dir / "articles").mkdir(parents=True)
    files = sorted((SITE_DIR / "articles").glob("*.html"))
    for path in files[:3]:
        shutil.copy(path, site_dir / "articles" / path.name)
    with SiteServer(site_dir) as site:
        site.publish = lambda: shutil.copy(files[3], site_dir / "articles" / files[3].name)
        site.new_article = files[3].name
        yield site


def test_a_changed_feed_brings_only_the_new_article(crawl, growing_site):
    site = growing_site
    assert len(crawl({"name": "grow", "type": "feed", "url": site.url("/feed.xml")}).pages) == 3
    site.publish()
    site.reset()
    run = crawl({"name": "grow", "type": "feed", "url": site.url("/feed.xml")})
    assert [p["url"] for p in run.pages] == [site.url("/articles/" + site.new_article)]
    assert run.summary["not_modified"] == 3
    unconditional = [e.path for e in site.log.entries()
                     if e.path.startswith("/articles/") and not e.conditional]
    assert unconditional == ["/articles/" + site.new_article]


def test_pages_a_failing_sink_lost_are_fetched_in_full_next_time(crawl, test_site):
    url = test_site.article_urls()[0]
    lost = crawl({"name": "one", "type": "url", "url": url}, fail_close=True)
    assert lost.summary["failed"] == {"sink_error": 1} and lost.summary["not_stored"] == 1
    test_site.reset()
    again = crawl({"name": "one", "type": "url", "url": url})
    [entry] = test_site.log.entries(prefix="/articles/")
    assert not entry.conditional and entry.status == 200
    assert again.urls() == [url]


def test_a_long_sitemap_asks_the_sink_only_until_the_cap_is_reached(crawl, tmp_path):
    (tmp_path / "big" / "articles").mkdir(parents=True)
    template = (SITE_DIR / "articles").glob("*.html").__next__().read_text(encoding="utf-8")
    for i in range(250):
        (tmp_path / "big" / "articles" / f"story-{i:03d}.html").write_text(
            template.replace("<title>", f"<title>{i} "), encoding="utf-8")
    with SiteServer(tmp_path / "big") as site:
        run = crawl({"name": "big", "type": "sitemap", "url": site.url("/sitemap.xml"),
                     "max_pages": 3})
    assert run.summary["fetched"] == 3 and run.summary["capped"] == 247
    assert run.summary["sink"]["asked_known"] == 100  # one chunk of lookups, not 250


def test_a_page_the_pipeline_lost_is_fetched_again_though_its_feed_is_unchanged(crawl, test_site):
    feed = {"name": "wire", "type": "feed", "url": test_site.url("/feed.xml")}
    lost = test_site.article_urls()[1]
    first = crawl(feed, refuse=(lost,))
    assert first.summary["not_stored"] == 1 and first.summary["failed"] == {"pipeline_error": 1}
    test_site.reset()
    second = crawl(feed)
    # The feed kept no validators (one of its items was lost), so it is read in full;
    # the stored articles answer 304, the lost one is fetched in full and stored now.
    [feed_request] = test_site.log.entries("/feed.xml")
    assert not feed_request.conditional and feed_request.status == 200
    assert second.urls() == [lost]
    assert second.summary["not_modified"] == len(test_site.articles()) - 1
    assert second.summary["not_stored"] == 0
    test_site.reset()
    third = crawl(feed)
    assert [e.status for e in test_site.log.entries("/feed.xml")] == [304]
    assert third.pages == []


def test_links_over_the_per_source_cap_are_fetched_by_the_next_crawl(crawl, test_site):
    feed = {"name": "wire", "type": "feed", "url": test_site.url("/feed.xml"), "max_pages": 5}
    total = len(test_site.articles())
    seen: set[str] = set()
    for _ in range(total // 5 + 1):
        run = crawl(feed, known=tuple(seen))  # as the index knows what it stored
        assert not set(run.urls()) & seen
        seen |= set(run.urls())
    assert seen == set(test_site.article_urls())
