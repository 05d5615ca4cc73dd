"""Listing pages (press-release indexes, section fronts) with per-source link rules."""
from __future__ import annotations

from dataclasses import dataclass

from parsel import Selector

from crawler.items import Link
from crawler.links import Found


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


@dataclass
class Listing(Found):
    next_url: str | None = None  # the next listing page, if the rules find one


def parse_listing(html: str, base_url: str, *, link_css: str = "", link_xpath: str = "",
                  next_css: str = "", next_xpath: str = "") -> Listing:
    """Article links (in page order, no repeats) and the next page's URL, if any."""
    sel = Selector(text=html, base_url=base_url)
    out = Listing()
    seen: set[str] = set()
    page = base_url.split("#")[0]
    for node in _select(sel, link_css, link_xpath):
        href, text = _href(node)
        url = out.resolve(base_url, href) if href else None
        if url is None:
            continue
        url = url.split("#")[0]  # same page, another anchor: still one article
        if url not in seen and url != page:
            seen.add(url)
            out.links.append(Link(url, title=text))
    if next_css or next_xpath:
        for node in _select(sel, next_css, next_xpath):
            href = _href(node)[0]
            out.next_url = out.resolve(base_url, href) if href else None
            if out.next_url:
                out.next_url = out.next_url.split("#")[0]
                break
    return out
