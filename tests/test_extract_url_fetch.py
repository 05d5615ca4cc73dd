"""`scamscope extract URL` fetches the way a crawl does (scamscope.crawling.fetch_page):
robots.txt is obeyed, the private-address guard holds through redirects, max_page_bytes
caps the body, and the page is filed under the site's host name, as `crawl --url` files
it. Each refusal is one line, exit 1. Against the real local test site; the test site
itself is on 127.0.0.1, which a target may be (the guard is for where it leads)."""
from __future__ import annotations

import pytest

from scamscope.demo.server import SiteServer
from tests.fixtures.site import SITE_DIR


def one_line(result) -> str:
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    [line] = result.err.strip().splitlines()
    return line


def test_a_page_robots_txt_disallows_is_not_fetched(cli, test_site):
    url = test_site.url("/private/secret.html")
    before = len(test_site.log.entries("/private/secret.html"))
    line = one_line(cli("extract", url))
    assert line == (f"scamscope extract: cannot fetch {url}: robots_denied — the site's "
                    "robots.txt does not allow it (setting obey_robots)")
    assert len(test_site.log.entries("/private/secret.html")) == before


def test_a_page_over_max_page_bytes_is_refused(cli, test_site):
    url = test_site.url("/huge-stream.html?bytes=300000")  # no Content-Length: cut mid-way
    line = one_line(cli("extract", url, env={"SCAMSCOPE_MAX_PAGE_BYTES": "100000"}))
    assert line == (f"scamscope extract: cannot fetch {url}: too_large — larger than "
                    "max_page_bytes (100000 bytes)")


@pytest.fixture
def canary():
    """Another local service: a request reaching it would be a leak."""
    with SiteServer(SITE_DIR) as site:
        yield site


def test_a_redirect_to_another_local_service_never_reaches_it(cli, test_site, canary):
    target = canary.url(canary.articles()[0].path)
    url = test_site.url(f"/redirect-private?to={target}")
    line = one_line(cli("extract", url))
    assert line.startswith(f"scamscope extract: cannot fetch {url}: blocked_address — ")
    assert "allow_private_addresses" in line
    assert canary.log.entries() == []


def test_a_fetched_page_is_filed_under_its_host_like_crawl_url(cli, test_site):
    url = test_site.article_urls()[0]
    result = cli("extract", url, "--json")
    assert result.code == 0, result.err
    data = result.json()
    host = test_site.base_url.split("://", 1)[1].rstrip("/")
    assert data["source"] == host and data["source"] != "adhoc"
    assert data["fetched_url"] == url and data["text"]
