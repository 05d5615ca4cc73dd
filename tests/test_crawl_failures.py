"""Pages that fail are counted by reason and logged; the crawl goes on."""
from __future__ import annotations


def test_failures_are_counted_by_reason_while_the_crawl_goes_on(crawl, test_site):
    test_site.reset()
    run = crawl({"name": "specials", "type": "sitemap",
                 "url": test_site.url("/sitemap-specials.xml")},
                timeout=1.0, retries=1, max_page_bytes=1_000_000)
    assert run.failed == {"http_404": 1, "http_500": 1, "timeout": 1, "not_html": 2,
                          "too_large": 1, "blocked_address": 1}
    assert run.summary["robots_denied"] == 1
    first = test_site.article_urls()[0]
    # The article, the redirect to it and the page with the wrong charset still come through.
    assert sorted(run.urls()) == sorted([first, test_site.url("/redirect"),
                                         test_site.url("/wrong-charset.html")])
    # Retries: a 500 and a timeout are tried twice; a 404 once.
    assert len(test_site.log.entries("/status/500")) == 2
    assert len(test_site.log.entries("/slow")) == 2
    assert len(test_site.log.entries("/status/404")) == 1
    # Each failure is logged once, with its reason.
    for reason in ("http_404", "http_500", "timeout", "not_html", "too_large",
                   "blocked_address"):
        assert f"failed: {reason}" in run.err
    assert "Traceback" not in run.err


def test_declared_charset_is_passed_on_as_declared(crawl, test_site):
    run = crawl({"name": "latin", "type": "url", "url": test_site.url("/wrong-charset.html")})
    [page] = run.pages
    assert page["encoding"] == "iso-8859-1"  # what the server said; extraction decides
    assert page["content_type"] == "text/html; charset=iso-8859-1"


def test_a_huge_streamed_page_is_cut_off(crawl, test_site):
    run = crawl({"name": "huge", "type": "url", "url": test_site.url("/huge-stream.html")},
                {"name": "ok", "type": "url", "url": test_site.article_urls()[0]},
                max_page_bytes=300_000)
    assert run.failed == {"too_large": 1}
    assert [p["source"] for p in run.pages] == ["ok"]


def test_unreachable_hosts_are_counted_not_raised(crawl, test_site, closed_port):
    run = crawl({"name": "closed", "type": "feed", "url": f"http://127.0.0.1:{closed_port}/feed"},
                {"name": "nowhere", "type": "feed", "url": "http://no-such-host.invalid/feed"})
    assert run.failed == {"connection_refused": 1, "dns": 1}
    assert run.pages == []
    assert "Traceback" not in run.err
