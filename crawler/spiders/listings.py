"""Listing pages (press-release indexes, section fronts) with per-source link rules."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.items import Link


def _select(sel: Selector, css: str, xpath: str):
    if xpath:
        return sel.xpath(xpath)
    return sel.css(css)


def _href(node) -> tuple[str | None, str | None]:
    """(href, text) of a selected node: an <a>, an element containing one, or an @href."""
    root = node.root
    if isinstance(root, str):  # an attribute or text node selected directly
        return root, None
    href = node.attrib.get("href") or node.xpath("(.//a/@href)[1]").get()
    text = " ".join(t.strip() for t in node.xpath(".//text()").getall() if t.strip())
    return href, (text or None)


def parse_listing(html: str, base_url: str, *, link_css: str = "", link_xpath: str = "",
                  next_css: str = "", next_xpath: str = "") -> tuple[list[Link], str | None]:
    """Article links (in page order, no repeats) and the next page's URL, if any."""
    sel = Selector(text=html, base_url=base_url)
    links: list[Link] = []
    seen: set[str] = set()
    for node in _select(sel, link_css, link_xpath):
        href, text = _href(node)
        url = _absolute(base_url, href)
        if url and url not in seen and url.split("#")[0] != base_url.split("#")[0]:
            seen.add(url)
            links.append(Link(url, title=text))
    next_url = None
    if next_css or next_xpath:
        for node in _select(sel, next_css, next_xpath):
            next_url = _absolute(base_url, _href(node)[0])
            if next_url:
                break
    return links, next_url


def _absolute(base_url: str, href: str | None) -> str | None:
    if not href:
        return None
    url = urljoin(base_url, href.strip())
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url.split("#")[0]
