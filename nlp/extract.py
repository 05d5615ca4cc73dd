"""Article extraction: a fetched page's bytes -> clean text, title, date, language.

The body is decoded here, not by lxml or trafilatura, because pages lie about
their charset: valid UTF-8 is taken as UTF-8 whatever the page declares, and a
declared charset is only believed when charset_normalizer finds it plausible.
The decoded text is parsed once with lxml (which then cannot re-read a wrong
<meta charset>), the page's own metadata is read from that tree, and the tree
goes to trafilatura in fast mode (no readability/jusText fallbacks); the slow
path with fallbacks runs only when fast mode finds no article text.

Every failure is an ExtractionError with a short reason; nothing else escapes.
"""
from __future__ import annotations

import codecs
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import (HtmlComment, HtmlElement, HtmlEntity, HTMLParser,
                       HtmlProcessingInstruction, document_fromstring)

from nlp.errors import ExtractionError
from nlp.gazetteer import casekey
from nlp.language import detect_language, normalise_tag
from nlp.records import Page

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 200

_HTML_TYPES = ("text/html", "application/xhtml", "application/xml", "text/xml")
_TEXT_TYPES = ("text/plain",)
# [^<>]: one <meta tag's attributes never run into the next tag, so scanning is linear.
_META_CHARSET = re.compile(rb"""<meta[^<>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_LOOKS_LIKE_MARKUP = re.compile(r"<\s*(!doctype|html|head|body|p|div|article|title|meta|br|h[1-6])\b",
                                re.I)
_FEED_ROOT = re.compile(r"<(?:rss|feed|urlset|sitemapindex|rdf:RDF)\b")
# A feed's root element comes within this many characters of the start, after the
# XML declaration, comments and processing instructions.
_FEED_PROLOGUE_CHARS = 64_000
# huge_tree lifts libxml2's limit of 256 nested elements, past which it silently drops
# the rest of the page (real pages nest that deep); pages are already capped at
# max_page_bytes, which is what that limit otherwise guards.
_PARSER = HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8", huge_tree=True)
# lxml.html picks each element's class in Python (form fields get classes of their own),
# a call per element touched; nothing here uses those classes, and picking in C saves
# about 4% of extraction on real pages (same text, titles and dates).
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))

_DATE_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@property='og:published_time' or @property='article:published'"
    " or @name='og:published_time']/@content",
    "//meta[@name='pubdate' or @name='publishdate' or @name='publish-date' or @name='date'"
    " or @name='DC.date.issued' or @name='DC.date' or @name='dc.date' or @name='DC.Date'"
    " or @name='dcterms.date' or @name='dcterms.issued' or @name='dcterms.created'"
    " or @name='parsely-pub-date' or @name='sailthru.date' or @name='date.release']/@content",
    "//meta[@itemprop='datePublished' or @itemprop='dateCreated']/@content",
    "//time[@itemprop='datePublished']/@datetime",
    "//article//time[@datetime][1]/@datetime",
)
_LANG_XPATHS = (
    "/html/@lang",
    "/html/@xml:lang",
    "//meta[translate(@http-equiv,'CONTENLAGU','contenlagu')='content-language']/@content",
    "//meta[@property='og:locale']/@content",
    "//meta[@name='language' or @name='Language' or @name='dc.language' "
    "or @name='DC.language']/@content",
)


@dataclass
class Extracted:
    text: str
    title: str
    published: datetime | None
    lang: str | None
    declared_lang: str | None = None  # what the page said, before checking it
    encoding: str = "utf-8"
    description: str = ""


# --- decoding --------------------------------------------------------------

def _charset_from_headers(headers: dict[str, str]) -> str | None:
    ctype = _header(headers, "content-type")
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.\-]+)", ctype, re.I)
    return match.group(1) if match else None


def _header(headers: dict[str, str] | None, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value or ""
    return ""


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def decode_body(body: bytes, declared: list[str | None] | tuple = ()) -> tuple[str, str]:
    """(text, encoding) of body; declared charsets are hints, tried only when plausible."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            try:
                return body.decode(enc).lstrip("\ufeff"), enc
            except UnicodeDecodeError:
                break
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    hints = [c for c in dict.fromkeys(_codec(d) for d in declared) if c and c != "utf-8"]
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    sample = body if len(body) <= 40_000 else body[:20_000] + body[-20_000:]
    best = from_bytes(sample).best()
    best_chaos = best.chaos if best is not None else 1.0
    for enc in hints:
        # The page's claim holds if it decodes and reads no worse than the best guess.
        try:
            decoded = sample.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if mess_ratio(decoded, 0.5) <= max(best_chaos + 0.02, 0.05):
            try:
                return body.decode(enc), enc
            except (UnicodeDecodeError, LookupError):
                continue
    if best is not None:
        enc = _codec(best.encoding) or best.encoding
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    # Mostly UTF-8 with a few broken bytes: keep what is readable.
    text = body.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 50):
        raise ExtractionError("bad_encoding", "cannot tell how the page is encoded")
    return text, "utf-8"


# --- metadata --------------------------------------------------------------

def _first(tree: HtmlElement, xpaths) -> str | None:
    for xp in xpaths:
        try:
            values = tree.xpath(xp)
        except etree.XPathError:
            continue
        for value in values:
            value = str(value).strip()
            if value:
                return value
    return None


def parse_date(value: str | None) -> datetime | None:
    """An ISO-ish date or datetime string -> aware datetime (UTC when no zone)."""
    if not value:
        return None
    value = value.strip()
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?"
                     r"(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?", value)
    if not match:
        match8 = re.match(r"(\d{4})(\d{2})(\d{2})$", value)
        if not match8:
            return None
        match_groups = (*match8.groups(), None, None, None, None)
    else:
        match_groups = match.groups()
    year, month, day, hour, minute, second, zone = match_groups
    try:
        dt = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                      int(second or 0))
    except ValueError:
        return None
    if dt.year < _OLDEST_YEAR:  # "0001-01-01T00:00:00" placeholders in CMS metadata
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        from datetime import timedelta

        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return dt.replace(tzinfo=timezone(sign * offset)).astimezone(timezone.utc)
    return dt.replace(tzinfo=timezone.utc)


_OLDEST_YEAR = 1990

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def text_size(text: str) -> int:
    """Length in Latin-alphabet characters: a Chinese, Japanese or Korean character carries
    about as much as a word, so it counts three (200 characters of Chinese is an article)."""
    return len(text) + 2 * len(_CJK.findall(text))


def _valid_unicode(text: str) -> str:
    """text with lone surrogates (which no encoder, index or JSON writer accepts) as U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", _valid_unicode(text))
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " • ", " / ")
_TITLE_XPATHS = {
    "title": "//head/title/text()",
    "og": "//meta[@property='og:title' or @name='og:title' or @name='twitter:title']/@content",
    "h1": "//h1",
    "site": "//meta[@property='og:site_name' or @name='application-name' "
            "or @name='apple-mobile-web-app-title' or @name='og:site_name']/@content",
}
_HOST_NOISE = {"www", "m", "amp", "mobile", "news", "edition", "com", "co", "net", "org", "gov"}


def _squash(text: str) -> str:
    """Letters and digits only, case- and accent-folded: "Seznam Zprávy" -> "seznamzpravy"."""
    folded = unicodedata.normalize("NFKD", casekey(text))
    return "".join(c for c in folded if c.isalnum())


def _host_names(url: str | None) -> set[str]:
    """The distinctive labels of a page's host: www.seznamzpravy.cz -> {"seznamzpravy"}."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return set()
    labels = host.split(".")[:-1]  # the top-level domain names no site
    return {label for label in labels if len(label) >= 3 and label not in _HOST_NOISE}


def _is_site_name(tail: str, sites: set[str], hosts: set[str]) -> bool:
    key = _squash(tail)
    if not key or len(tail) > 80:
        return False
    # "Remember 80/90 - Memorabilia anni 80/90" where og:site_name is "Remember 80/90"
    if any(key == site or len(site) >= 4 and key.startswith(site) for site in sites):
        return True
    # "CBC News" on cbc.ca, "Kompas.com" on kompas.com: a short name led by the host's;
    # "comwrap auf der DMEXCO 2018" on comwrap.com is a headline, not a site name.
    return len(tail.split()) <= 3 and any(key.startswith(host) for host in hosts)


def _separators(title: str):
    """(head, tail) at every separator in title, the longest tail first."""
    for sep in _TITLE_SEPARATORS:
        pos = title.find(sep)
        while pos > 0:
            yield title[:pos], title[pos + len(sep):]
            pos = title.find(sep, pos + 1)


def _clean_title(title: str | None, site: str | None = None, *, url: str | None = None,
                 others: tuple[str, ...] = (), sites: tuple[str | None, ...] = ()) -> str:
    """Whitespace normalised, without the site's name before or after a separator.

    The cut part must be the site's name: og:site_name (site, sites), the host's
    name, or what is left when the same headline appears bare elsewhere in the page
    (others: og:title, h1). A title that merely contains a dash is left whole.
    """
    title = " ".join(_valid_unicode(title or "").split())[:1000]
    site_keys = {key for key in map(_squash, (site or "", *(s or "" for s in sites))) if key}
    hosts = _host_names(url)
    bare = {" ".join(o.split()) for o in others if o} - {title}  # og:title often repeats it
    parts = list(_separators(title))
    for head, tail in parts:
        if _is_site_name(tail, site_keys, hosts):
            return head
        if _is_site_name(head, site_keys, hosts) and len(tail) > len(head):
            return tail
    # No name to go by: the headline printed bare elsewhere (a blog's h1 may be its
    # name, so the site-name evidence above goes first).
    for head, tail in parts:
        if head in bare:
            return head
        if tail in bare and len(tail) > len(head):
            return tail
    return title


def _page_titles(tree: HtmlElement) -> dict[str, str]:
    out = {}
    for key, xpath in _TITLE_XPATHS.items():
        try:
            values = tree.xpath(xpath)[:3]
        except etree.XPathError:
            continue
        for value in values:
            text = value.text_content() if isinstance(value, HtmlElement) else str(value)
            text = " ".join(text[:1000].split())
            if text:
                out[key] = text
                break
    return out


# --- dates from the page's own metadata ------------------------------------

_JSONLD_MAX_BLOCKS = 20
_JSONLD_MAX_CHARS = 200_000
_JSONLD_MAX_NODES = 5_000
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting",
                  "analysisnewsarticle", "webpage", "liveblogposting", "report"}


def _jsonld_date(tree: HtmlElement) -> datetime | None:
    """datePublished of the page's JSON-LD, an article's first; blocks and nodes bounded."""
    try:
        scripts = tree.xpath("//script[@type='application/ld+json']")[:_JSONLD_MAX_BLOCKS]
    except etree.XPathError:
        return None
    fallback = None
    for script in scripts:
        raw = (script.text or "")[:_JSONLD_MAX_CHARS]
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack, seen = [data], 0
        while stack and seen < _JSONLD_MAX_NODES:
            node = stack.pop()
            seen += 1
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                value = node.get("datePublished")
                date = parse_date(value) if isinstance(value, str) else None
                if date is not None:
                    kinds = node.get("@type")
                    kinds = kinds if isinstance(kinds, list) else [kinds]
                    if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                        return date
                    fallback = fallback or date
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return fallback


# --- extraction ------------------------------------------------------------

# libxml2 stops nesting at 2048 levels even with huge_tree and drops what lies deeper;
# such a page is re-parsed with the nesting beyond half this depth flattened.
_DEEPEST = 1800
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,30})\b[^<>]*>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def _flatten(html: str, limit: int) -> str:
    """html without the tags opened deeper than limit (and their end tags), in one pass.

    Counting is approximate (HTML closes some elements implicitly), which is why
    this runs only on pages whose parsed tree hit libxml2's depth limit.
    """
    out, last, depth = [], 0, 0
    for tag in _TAG_TOKEN.finditer(html):
        if tag.group(2).lower() in _VOID or tag.group(0).endswith("/>"):
            continue
        if tag.group(1):
            depth = max(depth - 1, 0)
            drop = depth >= limit
        else:
            drop = depth >= limit
            depth += 1
        if drop:
            out.append(html[last:tag.start()])
            last = tag.end()
    out.append(html[last:])
    return "".join(out)


def _parse(html: str) -> HtmlElement:
    try:
        tree = document_fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError("no_text", f"unparseable HTML ({exc})") from exc
    if tree is None:
        raise ExtractionError("no_text", "unparseable HTML")
    return tree


def parse_html(html: str) -> HtmlElement:
    html = _XML_DECL.sub("", html, count=1)
    tree = _parse(html)
    # libxml2 logs the nesting it refused; walking every tree to measure its depth
    # would cost a tenth of the extraction of every page.
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
        tree = _parse(_flatten(html, _DEEPEST // 2))
    return tree


_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def _trafilatura(tree: HtmlElement, url: str | None, fast: bool):
    import trafilatura

    document = trafilatura.bare_extraction(
        tree, url=url, fast=fast, with_metadata=False, include_comments=False,
        include_images=False, include_links=False, include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if document is not None:
        meta = _metadata(tree, url)
        for name in ("title", "sitename", "date", "description"):
            setattr(document, name, getattr(meta, name))
    return document


def _metadata(tree: HtmlElement, url: str | None):
    """trafilatura's extract_metadata, minus what the nlp stage never reads (authors,
    categories, tags, licence: a third of trafilatura's time on real pages)."""
    from trafilatura.metadata import (META_URL, examine_meta, extract_meta_json,
                                      extract_sitename, extract_title, extract_url, find_date)

    metadata = examine_meta(tree)
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as exc:  # trafilatura's JSON-LD reader on hostile markup
        log.debug("JSON-LD metadata failed on %s: %r", url, exc)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    metadata.date = find_date(tree, **_DATE_PARAMS, url=metadata.url)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename \
                and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        found = META_URL.match(metadata.url)
        if found:
            metadata.sitename = found[1]
    metadata.clean_and_trim()
    return metadata


def extract_html(html: str, *, url: str | None = None, declared_lang: str | None = None,
                 min_chars: int = MIN_TEXT_CHARS, lang: str | None = None,
                 hint_title: str | None = None,
                 hint_published: datetime | None = None) -> Extracted:
    """Extract an article from decoded HTML."""
    tree = parse_html(html)
    page_lang = _first(tree, _LANG_XPATHS)
    declared_lang = normalise_tag(page_lang) or normalise_tag(declared_lang)
    # The page's own metadata first: trafilatura's guesses come from the whole page.
    meta_date = _jsonld_date(tree) or parse_date(_first(tree, _DATE_XPATHS))
    titles = _page_titles(tree)

    document = None
    try:
        document = _trafilatura(tree, url, fast=True)
        text = _clean_text(document.text or "") if document is not None else ""
        if text_size(text) < min_chars:
            # Fast mode found little; the fallbacks sometimes do better.
            slow = _trafilatura(tree, url, fast=False)
            slow_text = _clean_text(slow.text or "") if slow is not None else ""
            if len(slow_text) > len(text):
                document, text = slow, slow_text
    except ExtractionError:
        raise
    except Exception as exc:  # trafilatura/lxml on hostile markup: never crash the crawl
        log.debug("trafilatura failed on %s: %r", url, exc)
        raise ExtractionError("no_text", f"extraction failed ({type(exc).__name__})") from exc

    if not text:
        raise ExtractionError("no_text", "no article text found")
    if text_size(text) < min_chars:
        raise ExtractionError("too_short", f"{len(text)} characters of text")
    site = titles.get("site") or getattr(document, "sitename", None)
    others = tuple(t for t in (titles.get("og"), titles.get("h1")) if t)
    title = _clean_title(getattr(document, "title", None) or titles.get("title"), site, url=url,
                         others=others, sites=(getattr(document, "sitename", None),)) \
        or _clean_title(hint_title)
    published = meta_date or parse_date(getattr(document, "date", None)) or hint_published
    language = normalise_tag(lang) or detect_language(text, declared_lang)
    return Extracted(text=text, title=title, published=published, lang=language,
                     declared_lang=declared_lang,
                     description=" ".join((getattr(document, "description", "") or "").split()))


def extract_plain(text: str, *, min_chars: int = MIN_TEXT_CHARS, lang: str | None = None,
                  declared_lang: str | None = None, hint_title: str | None = None,
                  hint_published: datetime | None = None) -> Extracted:
    """A plain-text article: the first short line is its title when no title is given."""
    text = _clean_text(text)
    title = _clean_title(hint_title)
    if not title:
        first, _, rest = text.partition("\n")
        if 0 < len(first) <= 200 and rest.strip():
            title, text = first.strip(), rest.strip()
    if not text:
        raise ExtractionError("no_text", "the text is empty")
    if text_size(text) < min_chars:
        raise ExtractionError("too_short", f"{len(text)} characters of text")
    return Extracted(text=text, title=title, published=hint_published,
                     lang=normalise_tag(lang) or detect_language(text, declared_lang),
                     declared_lang=normalise_tag(declared_lang))


def is_feed(text: str) -> bool:
    """Whether text is a feed or sitemap: its first element, after the prologue, is one.

    The prologue is skipped with str.find, one step per comment or declaration,
    because a regex over "(<!--.*?-->\\s*)*" backtracks without end on pages that
    open with many comments.
    """
    pos, limit = 0, min(len(text), _FEED_PROLOGUE_CHARS)
    while pos < limit:
        while pos < limit and text[pos].isspace():
            pos += 1
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4, limit)
            pos = end + 3
        elif text.startswith("<?", pos):
            end = text.find("?>", pos + 2, limit)
            pos = end + 2
        else:
            return bool(_FEED_ROOT.match(text, pos))
        if end < 0:
            return False
    return False


def looks_like_markup(text: str) -> bool:
    return bool(_LOOKS_LIKE_MARKUP.search(text[:5000]))


def extract_page(page: Page, *, min_chars: int = MIN_TEXT_CHARS,
                 lang: str | None = None) -> Extracted:
    """Extract the article in a fetched page; raises ExtractionError with a reason."""
    if page.status and page.status >= 400:
        raise ExtractionError("http_status", f"HTTP {page.status}")
    body = page.body or b""
    if not body.strip():
        raise ExtractionError("empty", "empty response body")
    ctype = _header(page.headers, "content-type").split(";")[0].strip().lower()
    if ctype and not ctype.startswith(_HTML_TYPES + _TEXT_TYPES) and not ctype.endswith("+xml"):
        raise ExtractionError("not_html", f"content type {ctype}")
    if b"\x00" in body[:2048] and not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExtractionError("not_html", "binary content")
    meta = _META_CHARSET.search(body[:4096])
    declared = [_charset_from_headers(page.headers), page.encoding,
                meta.group(1).decode("ascii", "ignore") if meta else None]
    html, encoding = decode_body(body, declared)
    header_lang = _header(page.headers, "content-language") or page.hint_lang
    url = page.final_url or page.url
    if ctype.startswith(_TEXT_TYPES) or (not ctype and not looks_like_markup(html)):
        result = extract_plain(html, min_chars=min_chars, lang=lang, declared_lang=header_lang,
                               hint_title=page.hint_title, hint_published=page.hint_published)
    else:
        if is_feed(html):
            raise ExtractionError("not_html", "a feed or sitemap, not a page")
        result = extract_html(html, url=url, declared_lang=header_lang, min_chars=min_chars,
                              lang=lang, hint_title=page.hint_title,
                              hint_published=page.hint_published)
    result.encoding = encoding
    return result
