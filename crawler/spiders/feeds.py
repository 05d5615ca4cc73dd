"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds → article Links with title/date/language hints.

News-search feeds are feeds too; Bing's click-tracking links are unwrapped to
the article's own URL.
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from crawler.links import Found
from crawler.spiders._xml import (XML_NS, BadDocument, NotXML, XMLDoc, child_text, children, local, norm_lang,
                                  parse_date, parse_xml)


class NotAFeed(BadDocument):
    """The document is not an RSS or Atom feed."""

    reason = "not_a_feed"


def parse_feed(body: bytes, base_url: str) -> Found:
    """The feed's article links; an entry the document was cut off in is left out."""
    try:
        doc = parse_xml(body, records=("item", "entry"))
    except NotXML as exc:
        raise NotAFeed(str(exc)) from exc
    root = doc.root
    kind = local(root)
    found = Found(truncated=doc.truncated)
    if kind == "rss":
        channel = next(iter(children(root, "channel")), root)
        _rss_items(found, doc, channel.iter(), channel, base_url)
    elif kind == "rdf":
        channel = next(iter(children(root, "channel")), root)
        _rss_items(found, doc, root, channel, base_url)
    elif kind == "feed":
        _atom_entries(found, doc, base_url)
    else:
        raise NotAFeed(f"root element is <{kind or '?'}>, not <rss> or <feed>")
    return found


def _rss_items(found: Found, doc: XMLDoc, elements, channel, base_url: str) -> None:
    channel_lang = norm_lang(child_text(channel, "language"))
    for item in elements:
        if local(item) != "item" or not doc.complete(item):
            continue
        url = child_text(item, "link")
        if not url:
            for guid in children(item, "guid"):
                if guid.get("isPermaLink", "true").lower() != "false" and guid.text:
                    url = guid.text.strip()
        if not url:
            url = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        if not url:
            continue
        found.add(base_url, url, rewrite=unwrap,
                  title=clean_title(child_text(item, "title")),
                  published=parse_date(child_text(item, "pubdate", "date", "published",
                                                  "issued")),
                  lang=norm_lang(child_text(item, "language")) or channel_lang)


def _atom_entries(found: Found, doc: XMLDoc, base_url: str) -> None:
    feed = doc.root
    feed_lang = norm_lang(feed.get(XML_NS + "lang"))
    for entry in feed.iter():
        if local(entry) != "entry" or not doc.complete(entry):
            continue
        href = None
        for link in children(entry, "link"):
            rel = (link.get("rel") or "alternate").lower()
            if rel == "alternate" and link.get("href"):
                href = link.get("href")
                break
        if not href:
            continue
        found.add(base_url, href, rewrite=unwrap,
                  title=clean_title(child_text(entry, "title"),
                                    markup=_title_type(entry) in ("html", "xhtml")),
                  published=parse_date(child_text(entry, "published", "issued", "updated")),
                  lang=norm_lang(entry.get(XML_NS + "lang")) or feed_lang)


_TAG = re.compile(r"<[^>]{0,500}>")


def _title_type(entry) -> str:
    for child in children(entry, "title"):
        return (child.get("type") or "text").lower()
    return "text"


def clean_title(text: str | None, markup: bool = False) -> str | None:
    """Feed titles are often escaped twice ("AT&amp;amp;T"); Atom type="html" titles
    are markup. Either way the hint is the plain text."""
    if not text:
        return None
    if markup:
        text = _TAG.sub("", html.unescape(text))
    text = " ".join(html.unescape(text).split())
    return text or None


def unwrap(url: str) -> str:
    """Bing News wraps article links in a click tracker: return the article's own URL."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith("bing.com") and "apiclick" in parts.path.lower():
        target = parse_qs(parts.query).get("url", [""])[0]
        if target.startswith(("http://", "https://")):
            return target
    return url
