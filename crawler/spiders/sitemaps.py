"""XML sitemaps, news sitemaps and sitemap indexes (also gzipped, also plain-text lists)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from crawler.links import Found
from crawler.spiders._xml import (BadDocument, NotXML, child_text, children, local, maybe_gunzip,
                                  norm_lang, parse_date, parse_xml)

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit


class NotASitemap(BadDocument):
    """The document is not a sitemap."""

    reason = "not_a_sitemap"


@dataclass
class Sitemap(Found):
    kind: str = "urlset"  # "urlset" or "index"
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps (index)


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    """Article links (urlset) or child sitemaps (index); a <url> or <sitemap> the
    document was cut off in is left out."""
    try:
        body = maybe_gunzip(body, MAX_SITEMAP_BYTES)
    except NotXML as exc:
        raise NotASitemap(str(exc)) from exc
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:4].lower() in (b"http",):
        return _text_sitemap(stripped, base_url)
    try:
        doc = parse_xml(body, records=("url", "sitemap"))
    except NotXML as exc:
        raise NotASitemap(str(exc)) from exc
    root = doc.root
    kind = local(root)
    if kind == "sitemapindex":
        out = Sitemap(kind="index", truncated=doc.truncated)
        for child in children(root, "sitemap"):
            loc = child_text(child, "loc") if doc.complete(child) else None
            url = out.resolve(base_url, loc) if loc else None
            if url:
                out.sitemaps.append(url)
        return out
    if kind != "urlset":
        raise NotASitemap(f"root element is <{kind or '?'}>, not <urlset> or <sitemapindex>")
    out = Sitemap(kind="urlset", truncated=doc.truncated)
    for url in children(root, "url"):
        loc = child_text(url, "loc")
        if not loc or not doc.complete(url):
            continue
        title = published = lang = None
        for news in children(url, "news"):  # Google News sitemap extension
            title = child_text(news, "title")
            published = parse_date(child_text(news, "publication_date"))
            for publication in children(news, "publication"):
                lang = norm_lang(child_text(publication, "language"))
        out.add(base_url, loc, title=title, published=published, lang=lang,
                modified=parse_date(child_text(url, "lastmod")))
    # Newest first, so a per-source cap keeps the recent articles of a long sitemap.
    dated = [link for link in out.links if link.published or link.modified]
    if dated:
        epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
        out.links.sort(key=lambda link: link.published or link.modified or epoch, reverse=True)
    return out


def _text_sitemap(body: bytes, base_url: str) -> Sitemap:
    out = Sitemap(kind="urlset")
    for line in body.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.lower().startswith(("http://", "https://")):
            out.add(base_url, line)
        elif line:  # the protocol wants one absolute URL a line; a relative one is a typo
            out.bad.setdefault(line[:200], "not an absolute http(s) URL")
    return out
