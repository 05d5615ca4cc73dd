"""The crawler never connects to private, loopback or link-local addresses it was not
configured for: not through a redirect, not through a link in a feed."""
from __future__ import annotations

import pytest

from crawler.middlewares import is_public
from scamscope.demo.server import SiteServer
from tests.fixtures.site import SITE_DIR


@pytest.fixture
def canary():
    """Another local server: any request reaching it would be a leak."""
    with SiteServer(SITE_DIR) as site:
        yield site


def test_redirect_to_the_metadata_address_is_refused(crawl, test_site):
    run = crawl({"name": "site", "type": "url", "url": test_site.url("/redirect-private")})
    assert run.failed == {"blocked_address": 1}
    assert run.pages == []


def test_redirect_to_another_local_service_never_reaches_it(crawl, test_site, canary):
    target = canary.url("/articles/" + canary.articles()[0].path.rsplit("/", 1)[1])
    run = crawl({"name": "site", "type": "url",
                 "url": test_site.url(f"/redirect-private?to={target}")})
    assert run.failed == {"blocked_address": 1}
    assert canary.log.entries() == []


def test_the_guard_is_what_stops_it(crawl, test_site, canary):
    # With private addresses allowed the same redirect goes through: the block
    # above is the guard's doing, not a broken redirect.
    target = canary.url(canary.articles()[0].path)
    run = crawl({"name": "site", "type": "url",
                 "url": test_site.url(f"/redirect-private?to={target}")},
                allow_private_addresses=True)
    assert [p["final_url"] for p in run.pages] == [target]
    assert len(canary.log.entries(canary.articles()[0].path)) == 1


def test_feed_links_to_private_addresses_are_refused(crawl, test_site):
    run = crawl({"name": "evil", "type": "feed", "url": test_site.url("/feed-private.xml")})
    # 169.254.169.254, 10.0.0.1, localhost (resolved to 127.0.0.1) and the redirect;
    # the guard's own lookup of a name that does not resolve is an ordinary dns failure.
    assert run.failed == {"blocked_address": 4, "dns": 1}
    assert run.summary["documents"] == 1 and run.pages == []


@pytest.mark.parametrize("ip,public", [("169.254.169.254", False), ("10.1.2.3", False),
                                       ("127.0.0.1", False), ("192.168.1.1", False),
                                       ("100.64.0.1", False), ("::1", False),
                                       ("fe80::1", False), ("::ffff:10.0.0.1", False),
                                       ("0.0.0.0", False), ("224.0.0.1", False),
                                       ("93.184.216.34", True), ("2606:4700::1111", True)])
def test_address_classes(ip, public):
    assert is_public(ip) is public
