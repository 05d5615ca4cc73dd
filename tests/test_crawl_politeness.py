"""A polite guest: robots.txt (Disallow and Crawl-delay) and Retry-After are obeyed.

The gaps checked here are lower bounds measured by the server as requests
arrive: a slow machine only makes them longer, never fails them.
"""
from __future__ import annotations

import uuid

from scamscope.demo.server import SiteServer
from tests.fixtures.site import SITE_DIR


def test_sitemap_listing_a_disallowed_url_never_fetches_it(crawl, test_site):
    test_site.reset()
    run = crawl({"name": "site", "type": "sitemap", "url": test_site.url("/sitemap-private.xml")})
    assert test_site.log.entries(prefix="/private/") == []
    assert run.summary["robots_denied"] == 1
    assert run.summary["fetched"] == 2 and run.summary["failed_total"] == 0
    assert len(test_site.log.entries("/robots.txt")) == 1  # asked once, before anything else
    assert test_site.log.paths()[0] == "/robots.txt"


def test_robots_can_be_ignored_only_when_configured(crawl, test_site):
    test_site.reset()
    run = crawl({"name": "site", "type": "sitemap", "url": test_site.url("/sitemap-private.xml")},
                obey_robots=False)
    assert run.summary["robots_denied"] == 0
    assert len(test_site.log.entries(prefix="/private/")) == 1


def test_crawl_delay_holds_even_with_autothrottle(crawl, slow_site):
    # AutoThrottle would bring the delay down towards the (tiny) latency of
    # 127.0.0.1; robots.txt asks for 1.5 s between requests and gets it.
    run = crawl({"name": "slow", "type": "listing", "url": slow_site.url("/list/1.html"),
                 "link_css": "a.story", "max_pages": 3}, autothrottle=True)
    assert run.summary["fetched"] == 3
    entries = slow_site.log.entries()
    assert entries[0].path == "/robots.txt"
    times = [e.time for e in entries[1:]]
    assert len(times) == 4  # the listing page and three articles
    gaps = [b - a for a, b in zip(times, times[1:])]
    # Requests leave exactly 1.5 s apart; arrival also includes connection set-up,
    # which may differ by a little between two requests. Without the floor,
    # AutoThrottle would start at 1.0 s and go down from there.
    assert min(gaps) >= 1.5 - 0.25, gaps


def test_retry_after_is_waited_out_and_too_long_a_wait_gives_up(crawl, test_site):
    k1, k2, k3 = (uuid.uuid4().hex for _ in range(3))
    run = crawl(
        {"name": "busy", "type": "url", "url": test_site.url(f"/retry-after?key={k1}&seconds=2")},
        {"name": "down", "type": "url",
         "url": test_site.url(f"/retry-after?key={k2}&seconds=1&status=503")},
        {"name": "gone", "type": "url",
         "url": test_site.url(f"/retry-after?key={k3}&seconds=3600")},
        max_retry_after=60, retries=2)
    busy = [e.time for e in test_site.log.entries() if k1 in e.path]
    down = [e.time for e in test_site.log.entries() if k2 in e.path]
    gone = [e for e in test_site.log.entries() if k3 in e.path]
    assert len(busy) == 2 and busy[1] - busy[0] >= 2 - 0.05
    assert len(down) == 2 and down[1] - down[0] >= 1 - 0.05
    assert len(gone) == 1  # an hour is more than max_retry_after: no retry at all
    assert sorted(p["source"] for p in run.pages) == ["busy", "down"]
    assert run.summary["retried_after"] == 2
    assert run.failed == {"http_429": 1}


def test_at_most_two_requests_at_once_to_a_site(crawl, tmp_path):
    # Every answer takes 0.3 s, so a crawler without a per-site cap would have
    # many requests in flight; ours has exactly the two it is allowed.
    with SiteServer(SITE_DIR, latency=0.3) as site:
        run = crawl({"name": "wire", "type": "feed", "url": site.url("/feed.xml")},
                    concurrent_per_domain=2, concurrent_requests=16)
        assert run.summary["fetched"] == len(site.articles())
        assert site.max_in_flight == 2


def test_robots_txt_missing_allows_and_failing_forbids(crawl):
    # RFC 9309: a 4xx robots.txt allows everything; a 5xx means "come back later".
    for status, fetched in ((404, True), (503, False)):
        with SiteServer(SITE_DIR, robots_status=status) as site:
            run = crawl({"name": "site", "type": "url", "url": site.article_urls()[0]})
            assert (run.summary["fetched"] == 1) is fetched
            assert run.summary["robots_denied"] == (0 if fetched else 1)
            assert bool(site.log.entries(prefix="/articles/")) is fetched
