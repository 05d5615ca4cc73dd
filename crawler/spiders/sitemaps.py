"""XML sitemaps, news sitemaps and sitemap indexes (also gzipped, also plain-text lists)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

from crawler.items import Link
from crawler.spiders._xml import (NotXML, child_text, children, local, maybe_gunzip, norm_lang,
                                  parse_date, parse_xml)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit


class NotASitemap(ValueError):
    """The document is not a sitemap."""


@dataclass
class Sitemap:
    kind: str  # "urlset" or "index"
    links: list[Link] = field(default_factory=list)  # articles (urlset)
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps (index)


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    try:
        body = maybe_gunzip(body, MAX_SITEMAP_BYTES)
    except NotXML as exc:
        raise NotASitemap(str(exc)) from exc
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:4].lower() in (b"http",):
        return _text_sitemap(stripped)
    try:
        root = parse_xml(body)
    except NotXML as exc:
        raise NotASitemap(str(exc)) from exc
    kind = local(root)
    if kind == "sitemapindex":
        locs = [child_text(s, "loc") for s in children(root, "sitemap")]
        return Sitemap("index", sitemaps=[urljoin(base_url, u) for u in locs if u])
    if kind != "urlset":
        raise NotASitemap(f"root element is <{kind or '?'}>, not <urlset> or <sitemapindex>")
    out = Sitemap("urlset")
    for url in children(root, "url"):
        loc = child_text(url, "loc")
        if not loc:
            continue
        title = published = lang = None
        for news in children(url, "news"):  # Google News sitemap extension
            title = child_text(news, "title")
            published = parse_date(child_text(news, "publication_date"))
            for publication in children(news, "publication"):
                lang = norm_lang(child_text(publication, "language"))
        out.links.append(Link(urljoin(base_url, loc), title=title, published=published, lang=lang,
                              modified=parse_date(child_text(url, "lastmod"))))
    # Newest first, so a per-source cap keeps the recent articles of a long sitemap.
    dated = [link for link in out.links if link.published or link.modified]
    if dated:
        epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
        out.links.sort(key=lambda link: link.published or link.modified or epoch, reverse=True)
    return out


def _text_sitemap(body: bytes) -> Sitemap:
    text = body.decode("utf-8", "replace")
    links = [Link(line.strip()) for line in text.splitlines()
             if line.strip().startswith(("http://", "https://"))]
    return Sitemap("urlset", links=links)
