"""Safe, forgiving XML parsing shared by the feed and sitemap parsers."""
from __future__ import annotations

import gzip
import io
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from lxml import etree

XML_NS = "{http://www.w3.org/XML/1998/namespace}"


class NotXML(ValueError):
    pass


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


def parse_xml(body: bytes) -> etree._Element:
    """Parse without entities, network or DTDs (no XXE, no billion laughs)."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    text = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        raise NotXML("not XML")
    try:
        root = etree.fromstring(text, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise NotXML(f"not well-formed XML: {exc}") from exc
    if root is None:
        raise NotXML("empty XML document")
    return root


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
