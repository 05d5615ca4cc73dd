"""Which listed links can be fetched at all: the one test feeds, sitemaps, listing
pages, redirects and configured sources share.

A feed that lists `javascript:…`, `mailto:`, a port past 65535 or a broken IPv6
literal next to its real articles is common on the real web; such a link is
skipped (and counted), never allowed to stop the rest of the document.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

from crawler.items import Link

SCHEMES = ("http", "https")
MAX_URL_LENGTH = 8192  # longer than any server accepts; such a "link" is junk
_TAB_NEWLINE = str.maketrans("", "", "\t\r\n")


def link_problem(url: str) -> str | None:
    """Why url is not a fetchable http(s) URL with a valid host and port; None if it is."""
    if not isinstance(url, str) or not url.strip():
        return "empty link"
    if len(url) > MAX_URL_LENGTH:
        return f"longer than {MAX_URL_LENGTH} characters"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url.strip()):
        # urlsplit silently drops tabs and newlines: a link containing them was mangled.
        return "control characters in the link"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # "Port out of range", "Invalid IPv6 URL"
        return f"malformed URL ({exc})"
    if parts.scheme.lower() not in SCHEMES:
        return f"scheme {parts.scheme or 'none'}: is not fetched"
    if port == 0:
        return "port 0"
    host = parts.hostname or ""
    if not host:
        return "no host"
    return _host_problem(host, bracketed="[" in parts.netloc)


def _host_problem(host: str, bracketed: bool) -> str | None:
    if bracketed:
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return f"bad IPv6 address {host!r}"
        return None
    name = host.rstrip(".")
    try:
        # The codec refuses empty or over-long labels and what cannot be a host name.
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return f"bad host name {host!r}"
    if not ascii_name or not all(ch.isalnum() or ch in "-_." for ch in ascii_name):
        return f"bad host name {host!r}"
    return None


def absolute_link(base_url: str, href: str) -> tuple[str | None, str | None]:
    """(absolute URL, None) for a fetchable href, (None, why) otherwise; never raises."""
    # As browsers do (WHATWG URL parsing): a link wrapped across lines in the markup
    # is the same link without its tabs and newlines.
    href = (href or "").strip().translate(_TAB_NEWLINE)
    try:
        url = urljoin(base_url, href)
    except ValueError as exc:
        return None, f"malformed URL ({exc})"
    problem = link_problem(url)
    if problem:
        return None, problem
    return url, None


@dataclass
class Found:
    """What one feed, sitemap or listing page lists: the links worth fetching, the
    ones that cannot be fetched (listed href -> why), and whether the document was
    cut off before its end."""

    links: list[Link] = field(default_factory=list)
    bad: dict[str, str] = field(default_factory=dict)
    truncated: bool = False

    def resolve(self, base_url: str, href: str,
                rewrite: Callable[[str], str] | None = None) -> str | None:
        """The absolute URL of href, or None (remembered in bad) if it cannot be fetched."""
        url, problem = absolute_link(base_url, href)
        if url is not None and rewrite is not None:
            url = rewrite(url)
            problem = link_problem(url)
        if problem:
            self.bad.setdefault(href.strip(), problem)
            return None
        return url

    def add(self, base_url: str, href: str, rewrite: Callable[[str], str] | None = None,
            **hints: Any) -> Link | None:
        url = self.resolve(base_url, href, rewrite)
        if url is None:
            return None
        link = Link(url, **hints)
        self.links.append(link)
        return link
