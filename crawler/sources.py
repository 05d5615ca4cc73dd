"""Sources: what to crawl, where, in which language, how often.

A catalogue is a TOML file of ``[[sources]]`` tables (the bundled one is
crawler/catalogue.toml). Users add sources, or override fields of bundled ones
by name, with ``[[sources]]`` tables in their own config. Every entry is
validated; a malformed one raises CatalogueError with one line naming the entry
and the problem.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from crawler.errors import CatalogueError, UnknownSource
from crawler.links import link_problem

SOURCE_TYPES = ("feed", "sitemap", "listing", "search", "url")
BUNDLED_CATALOGUE = Path(__file__).with_name("catalogue.toml")
ADHOC = "adhoc"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Source:
    name: str
    type: str  # feed | sitemap | listing | search | url
    url: str
    lang: str = ""  # ISO 639-1 (or -3) code of the source's articles
    country: str = ""  # ISO 3166-1 alpha-2 the source covers; "" for international
    interval_minutes: int = 60
    enabled: bool = True
    # listing pages: which links are articles, and how to reach the next page.
    link_css: str = ""
    link_xpath: str = ""
    next_css: str = ""
    next_xpath: str = ""
    max_pages: int = 0  # article pages per run; 0 means the crawl's default
    notes: str = ""

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        return {k: v for k, v in data.items()
                if k in ("name", "type", "url", "lang", "country", "interval_minutes", "enabled")
                or v not in ("", 0)}


_FIELDS = {f.name: f for f in dataclasses.fields(Source)}
_REQUIRED = ("name", "type", "url")


def adhoc(url: str, type: str, name: str | None = None) -> Source:
    """A one-off target from the command line (--url, --feed, --sitemap).

    Its articles are filed under the site's host name (www. dropped), which is
    what a researcher filters and cites by; "adhoc" would say nothing.
    """
    problem = _check_url(url)
    if problem:
        raise CatalogueError(f"{url!r}: {problem}")
    if name is None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        name = f"{host}:{parts.port}" if parts.port else (host or ADHOC)
    return Source(name=name, type=type, url=url)


def _check_url(url: Any) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "url must be a non-empty string"
    problem = link_problem(url.strip())
    if problem:
        return f"url must be an absolute http(s) URL, got {url!r} ({problem})"
    return None


def _label(entry: Any, position: int) -> str:
    name = entry.get("name") if isinstance(entry, Mapping) else None
    if isinstance(name, str) and name:
        return f"source {name!r} (entry {position})"
    return f"source entry {position}"


def validate_entry(entry: Any, *, origin: str, position: int,
                   default_interval: int = 60) -> Source:
    """One [[sources]] table → Source, or CatalogueError naming it and the problem."""
    where = f"{origin}: {_label(entry, position)}"

    def fail(problem: str) -> CatalogueError:
        return CatalogueError(f"{where}: {problem}")

    if not isinstance(entry, Mapping):
        raise fail(f"must be a table, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known keys: {', '.join(_FIELDS)})")
    for key in _REQUIRED:
        if key not in entry:
            raise fail(f"missing required key {key!r}")
    values: dict[str, Any] = {"interval_minutes": default_interval}
    for key, raw in entry.items():
        expected = _FIELDS[key].type
        if expected in ("bool",) and not isinstance(raw, bool):
            raise fail(f"{key} must be true or false, got {raw!r}")
        if expected == "int" and (isinstance(raw, bool) or not isinstance(raw, int)):
            raise fail(f"{key} must be a whole number, got {raw!r}")
        if expected == "str" and not isinstance(raw, str):
            raise fail(f"{key} must be a string, got {raw!r}")
        values[key] = raw.strip() if isinstance(raw, str) else raw

    if not _NAME.match(values["name"]):
        raise fail("name must be letters, digits, '.', '_' or '-' (at most 80), "
                   f"got {values['name']!r}")
    if values["type"] not in SOURCE_TYPES:
        raise fail(f"type must be one of {', '.join(SOURCE_TYPES)}, got {values['type']!r}")
    problem = _check_url(values["url"])
    if problem:
        raise fail(problem)
    lang = values.get("lang", "")
    if lang:
        values["lang"] = lang = lang.lower()
        if not _LANG.match(lang):
            raise fail(f"lang must be a 2- or 3-letter ISO 639 code, got {lang!r}")
    country = values.get("country", "")
    if country:
        values["country"] = country = country.upper()
        if not _COUNTRY.match(country):
            raise fail(f"country must be a 2-letter ISO 3166 code, got {country!r}")
    if values["interval_minutes"] < 1:
        raise fail(f"interval_minutes must be at least 1, got {values['interval_minutes']}")
    if values.get("max_pages", 0) < 0:
        raise fail(f"max_pages must be 0 or more, got {values['max_pages']}")

    rules = [k for k in ("link_css", "link_xpath", "next_css", "next_xpath") if values.get(k)]
    if values["type"] == "listing":
        if not (values.get("link_css") or values.get("link_xpath")):
            raise fail("a listing source needs link_css or link_xpath to find its article links")
    elif rules:
        raise fail(f"{rules[0]} only applies to listing sources (type is {values['type']!r})")
    for key in rules:
        problem = _check_selector(key, values[key])
        if problem:
            raise fail(problem)
    return Source(**values)


def _check_selector(key: str, selector: str) -> str | None:
    if key.endswith("_css"):
        from cssselect import GenericTranslator, SelectorError

        try:
            GenericTranslator().css_to_xpath(selector)
        except SelectorError as exc:
            return f"{key} is not a valid CSS selector ({selector!r}: {exc})"
        return None
    from lxml import etree

    try:
        etree.XPath(selector)
    except etree.XPathSyntaxError as exc:
        return f"{key} is not a valid XPath expression ({selector!r}: {exc})"
    return None


def parse_catalogue(data: Mapping[str, Any], *, origin: str,
                    default_interval: int = 60) -> list[Source]:
    entries = data.get("sources", [])
    if not isinstance(entries, list):
        raise CatalogueError(f"{origin}: 'sources' must be an array of tables ([[sources]])")
    extra = sorted(set(data) - {"sources"})
    if extra:
        raise CatalogueError(f"{origin}: unexpected top-level key {extra[0]!r}; "
                             "sources go in [[sources]] tables")
    out: list[Source] = []
    seen: dict[str, int] = {}
    for position, entry in enumerate(entries, 1):
        source = validate_entry(entry, origin=origin, position=position,
                                default_interval=default_interval)
        if source.name in seen:
            raise CatalogueError(f"{origin}: {_label(entry, position)}: duplicate name, "
                                 f"already used by entry {seen[source.name]}")
        seen[source.name] = position
        out.append(source)
    return out


def read_catalogue(path: str | Path | None = None, *, default_interval: int = 60) -> list[Source]:
    """Sources of a catalogue file (the bundled one when path is empty)."""
    path = Path(path) if path else BUNDLED_CATALOGUE
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CatalogueError(f"source catalogue {path} does not exist") from exc
    except OSError as exc:
        raise CatalogueError(f"cannot read source catalogue {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"source catalogue {path} is not valid TOML: {exc}") from exc
    return parse_catalogue(data, origin=str(path), default_interval=default_interval)


def merge_sources(base: Sequence[Source], overrides: Iterable[Any], *, origin: str = "config",
                  default_interval: int = 60) -> list[Source]:
    """Overlay user [[sources]] tables on a catalogue by name.

    A table naming an existing source changes only the keys it gives (e.g.
    ``{name = "rfa-english", enabled = false}``); a new name is a new source and
    needs at least name, type and url.
    """
    by_name = {s.name: s for s in base}
    order = [s.name for s in base]
    for position, entry in enumerate(overrides, 1):
        if not isinstance(entry, Mapping):
            raise CatalogueError(f"{origin}: {_label(entry, position)}: must be a table, "
                                 f"got {type(entry).__name__}")
        name = entry.get("name")
        if isinstance(name, str) and name in by_name:
            merged = {k: v for k, v in dataclasses.asdict(by_name[name]).items()
                      if v != _FIELDS[k].default}
            merged.update(entry)
            entry = merged
        source = validate_entry(entry, origin=origin, position=position,
                                default_interval=default_interval)
        if source.name not in by_name:
            order.append(source.name)
        by_name[source.name] = source
    return [by_name[name] for name in order]


def load_sources(catalogue: str | Path | None = None, extra: Iterable[Any] = (), *,
                 default_interval: int = 60, extra_origin: str = "config") -> list[Source]:
    """The effective sources: a catalogue (bundled by default) with the user's tables merged."""
    base = read_catalogue(catalogue, default_interval=default_interval)
    return merge_sources(base, extra, origin=extra_origin, default_interval=default_interval)


def select(sources: Sequence[Source], names: Sequence[str]) -> list[Source]:
    """The named sources, in the order given; UnknownSource for a name not there."""
    by_name = {s.name: s for s in sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise UnknownSource(f"unknown source {missing[0]!r} (see 'scamscope sources list')")
    return [by_name[n] for n in dict.fromkeys(names)]


def parse_shard(text: str) -> tuple[int, int]:
    """'2/5' → (2, 5): shard 2 of 5, counted from 1."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match:
        raise ValueError(f"shard must look like i/N (e.g. 1/3), got {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard i/N needs 1 <= i <= N, got {text!r}")
    return index, count


def shard_of(name: str, count: int) -> int:
    """Which of count shards (1-based) a source belongs to: a stable hash of its name."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def shard(sources: Sequence[Source], index: int, count: int) -> list[Source]:
    """Sources of shard index of count: every source is in exactly one shard, always the same."""
    return [s for s in sources if shard_of(s.name, count) == index]
