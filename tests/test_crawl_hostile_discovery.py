"""Feeds, sitemaps and listing pages as the real web serves them: odd links, entity
bombs, documents cut off mid-entry, redirects that go nowhere, and discovery
documents that fail. Each is skipped or reported with its own reason; nothing else
of the crawl is lost."""
from __future__ import annotations

import pytest

from crawler.links import link_problem
from crawler.spiders._xml import UnsafeXML
from crawler.spiders.feeds import parse_feed
from crawler.spiders.sitemaps import parse_sitemap
from nlp.identity import canonical_url
from scamscope.demo.server import ODD_LINKS


@pytest.mark.parametrize("kind, path, rules", [
    ("feed", "/feed-odd-links.xml", {}),
    ("sitemap", "/sitemap-odd-links.xml", {}),
    ("listing", "/list-odd-links.html", {"link_css": "a.story"}),
])
def test_links_that_cannot_be_fetched_are_counted_and_every_article_is_fetched(
        crawl, test_site, kind, path, rules):
    run = crawl({"name": "odd", "type": kind, "url": test_site.url(path), **rules})
    assert sorted(run.urls()) == sorted(test_site.article_urls())
    assert run.summary["bad_links"] == len(ODD_LINKS)
    assert run.summary["by_source"]["odd"]["bad_links"] == len(ODD_LINKS)
    assert run.failed == {} and run.code == 0
    assert "Traceback" not in run.err


@pytest.mark.parametrize("url", [*ODD_LINKS, "http:///x", "http://a..b/", "http://x.org:0/",
                                 "ftp://x.org/y", "http://x.org/a\nb", "http://[zz]/", ""])
def test_one_test_says_which_links_cannot_be_fetched_and_identity_never_raises(url):
    assert link_problem(url)
    assert isinstance(canonical_url(url), str)


@pytest.mark.parametrize("url", ["https://example.org/a?b=1#c", "http://[::1]:8080/x",
                                 "http://bücher.de/", "HTTP://X.ORG", "http://x.org./a"])
def test_ordinary_links_pass(url):
    assert link_problem(url) is None


XXE = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title><link>https://x.example/a</link></item></channel></rss>"""


def test_entity_declarations_are_refused_unread():
    with pytest.raises(UnsafeXML):
        parse_feed(XXE, "https://x.example/feed")
    with pytest.raises(UnsafeXML):
        parse_sitemap(XXE.replace(b"rss", b"urlset"), "https://x.example/sitemap.xml")


def test_entity_bombs_are_failures_with_a_reason_and_other_sources_go_on(crawl, test_site):
    run = crawl({"name": "bomb-feed", "type": "feed", "url": test_site.url("/feed-bomb.xml")},
                {"name": "bomb-map", "type": "sitemap", "url": test_site.url("/sitemap-bomb.xml")},
                {"name": "good", "type": "feed", "url": test_site.url("/feed.xml")})
    assert run.failed == {"unsafe_xml": 2} and run.summary["failed_total"] == 2
    assert {p["source"] for p in run.pages} == {"good"}
    assert sorted(run.urls()) == sorted(test_site.article_urls())
    assert "failed: unsafe_xml" in run.err


@pytest.mark.parametrize("kind, path", [("feed", "/feed-truncated.xml"),
                                        ("sitemap", "/sitemap-truncated.xml")])
def test_a_cut_off_document_gives_its_complete_entries_and_never_the_home_page(
        crawl, test_site, kind, path):
    test_site.reset()
    run = crawl({"name": "cut", "type": kind, "url": test_site.url(path)})
    # The cut falls in the third entry, just after "http://host:port/": the home page.
    assert sorted(run.urls()) == sorted(test_site.article_urls()[:2])
    assert test_site.log.entries("/") == []
    assert run.summary["truncated"] == 1 and run.failed == {}
    assert "cut off" in run.err
    # Its validators were not kept: the next crawl reads it whole again, not a 304.
    again = crawl({"name": "cut", "type": kind, "url": test_site.url(path)})
    assert again.summary["documents"] == 1 and again.summary["documents_not_modified"] == 0


def test_failing_discovery_documents_say_why_and_never_stop_other_sources(crawl, test_site):
    run = crawl({"name": "gone", "type": "feed", "url": test_site.url("/status/404")},
                {"name": "broken", "type": "sitemap", "url": test_site.url("/status/500")},
                {"name": "slow", "type": "feed", "url": test_site.url("/slow?seconds=3")},
                {"name": "pdf", "type": "feed", "url": test_site.url("/binary.pdf")},
                {"name": "png", "type": "sitemap", "url": test_site.url("/image.png")},
                {"name": "pdf-list", "type": "listing", "url": test_site.url("/binary.pdf"),
                 "link_css": "a"},
                {"name": "huge", "type": "feed",
                 "url": test_site.url("/huge-stream.html?bytes=60000000")},
                {"name": "good", "type": "sitemap", "url": test_site.url("/sitemap.xml")},
                timeout=1.0)
    assert run.failed == {"http_404": 1, "http_500": 1, "timeout": 1, "not_a_feed": 1,
                          "not_a_sitemap": 1, "not_html": 1, "too_large": 1}
    for name, reason in [("gone", "http_404"), ("broken", "http_500"), ("slow", "timeout"),
                         ("pdf", "not_a_feed"), ("png", "not_a_sitemap"),
                         ("pdf-list", "not_html"), ("huge", "too_large")]:
        assert run.summary["by_source"][name] == {f"failed:{reason}": 1}
    assert sorted(run.urls()) == sorted(test_site.article_urls())


@pytest.mark.parametrize("path", ["/feed-latin1.xml", "/feed-utf16.xml"])
def test_feeds_in_another_encoding_than_declared_or_expected_are_read(crawl, test_site, path):
    run = crawl({"name": "enc", "type": "feed", "url": test_site.url(path)})
    titles = {test_site.url(a.path): a.title for a in test_site.articles()}
    assert sorted(run.urls()) == sorted(titles) and run.failed == {}
    assert {p["url"]: p["hint_title"] for p in run.pages} == titles
