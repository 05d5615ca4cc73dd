"""Safe, forgiving XML parsing shared by the feed and sitemap parsers."""
from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from lxml import etree

XML_NS = "{http://www.w3.org/XML/1998/namespace}"


class BadDocument(ValueError):
    """A feed, sitemap or listing page that cannot be used; reason is the summary's word."""

    reason = "malformed"


class NotXML(BadDocument):
    pass


class UnsafeXML(BadDocument):
    """The document declares XML entities: a billion-laughs bomb or an XXE probe.

    No feed or sitemap needs them, so the document is refused rather than read
    with its entities left unexpanded (which would pass "&lol9;" off as a title).
    """

    reason = "unsafe_xml"


def maybe_gunzip(body: bytes, limit: int) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            data = fh.read(limit + 1)
    except (OSError, EOFError) as exc:
        raise NotXML(f"bad gzip data: {exc}") from exc
    if len(data) > limit:
        raise NotXML(f"more than {limit} bytes once decompressed")
    return data


@dataclass
class XMLDoc:
    """A parsed document and which of its records (items, entries, <url>s) were whole.

    A document cut off mid-way (a dropped connection the server did not signal,
    a full disk at the publisher) is recovered up to the cut, but the record the
    cut fell into is a fragment: its <link> may hold half a URL, or none at all.
    """

    root: etree._Element
    truncated: bool  # the root element was never closed
    closed: set = field(default_factory=set)  # records whose end tag was read

    def complete(self, el: etree._Element) -> bool:
        return not self.truncated or el in self.closed


def parse_xml(body: bytes, records: tuple[str, ...] = ()) -> XMLDoc:
    """Parse without entities, network or DTDs (no XXE, no billion laughs).

    records: local names of the elements complete() answers for.
    """
    parser = etree.XMLPullParser(events=("end",), recover=True, resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=False,
                                 remove_comments=True, remove_pis=True)
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = body  # UTF-16 with its byte-order mark, which libxml2 reads
    else:
        text = body.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"<"):
            raise NotXML("not XML")
    closed: set = set()
    root_closed = False
    try:
        parser.feed(text)
        # Events read before close() are for end tags really in the document;
        # close() then ends, by recovery, whatever a cut left open.
        for _event, el in parser.read_events():
            if el.getparent() is None:
                root_closed = True
            elif records and local(el) in records:
                closed.add(el)
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise NotXML(f"not well-formed XML: {exc}") from exc
    if root is None:
        raise NotXML("empty XML document")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and (any(True for _ in dtd.iterentities()) or b"<!ENTITY" in text):
        raise UnsafeXML("declares XML entities (refused unread: entity expansion)")
    return XMLDoc(root, truncated=not root_closed, closed=closed)


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c) == name]


def child_text(el: etree._Element, *names: str) -> str | None:
    for name in names:
        for c in el:
            if local(c) == name:
                text = "".join(c.itertext()).strip()
                if text:
                    return text
    return None


def parse_date(text: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 / W3C (Atom, sitemaps), always timezone-aware."""
    if not text:
        return None
    text = text.strip()
    value: datetime | None = None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def norm_lang(text: str | None) -> str | None:
    """'en-US' -> 'en'; None for nothing usable."""
    if not text:
        return None
    code = text.strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None
