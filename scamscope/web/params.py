"""Web request parameters <-> a search: the URL holds the whole search.

The names are the CLI flags' (q, the list filters of indexer.fields: country,
place, org, lang, source...; min_usd, since, until, min_relevance, sort, page
(the CLI's --page), limit), and the conversion to a Query
is the CLI's own (scamscope.filters.query_from_mapping), so `/api/search?q=...`
and `scamscope search ... --json` mean the same thing.

SearchParams keeps the raw values as the user typed them, so a page can echo a
search back into its form and links even when part of it is invalid.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

from indexer.errors import QuerySyntaxError
from indexer.fields import FIELDS
from indexer.query import MAX_WINDOW, Query
from scamscope.errors import UserError
from scamscope.filters import query_from_mapping, resolved
from scamscope.names import RESOLVED_FIELDS, FilterNames

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Multi-valued filters (one per field of indexer.fields), in the order they appear in URLs.
LIST_FILTERS = tuple(f.name for f in FIELDS)
SCALAR_FILTERS = ("min_usd", "min_relevance", "since", "until")


class BadSearch(ValueError):
    """A search request that cannot run; the message is one line for the user."""


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    country: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    person: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    min_usd: str = ""
    min_relevance: str = ""
    since: str = ""
    until: str = ""
    sort: str = ""
    page: int = 1
    limit: int = DEFAULT_LIMIT
    all_languages: str = ""  # "1"/"0"; "" = the caller's default (to_query)
    # raw page/limit text that did not parse, reported by to_query()
    problems: tuple[str, ...] = field(default=(), compare=False)

    # ------------------------------------------------------------ parsing
    @classmethod
    def from_multi(cls, get_list, *, max_limit: int = MAX_LIMIT) -> "SearchParams":
        """Build from a getter name -> list of raw strings (Starlette's QueryParams.getlist)."""

        def one(name: str) -> str:
            values = [v for v in get_list(name) if v is not None and str(v).strip() != ""]
            return str(values[-1]).strip() if values else ""

        def many(name: str) -> tuple[str, ...]:
            # repeated and comma-separated values both work, as on the command line
            out: dict[str, None] = {}  # ordered, and linear in the number of values
            for value in get_list(name):
                for part in str(value or "").split(","):
                    part = part.strip()
                    if name in ("country", "lang"):
                        part = part.upper() if name == "country" else part.lower()
                    if part:
                        out[part] = None
            return tuple(out)

        problems: list[str] = []
        page = _int(one("page"), 1, "page", problems)
        limit = _int(one("limit"), DEFAULT_LIMIT, "limit", problems)
        if page < 1:
            problems.append("page must be 1 or more")
            page = 1
        if limit < 1 or limit > max_limit:
            problems.append(f"limit must be between 1 and {max_limit}")
            limit = min(max(limit, 1), max_limit)
        last_page = MAX_WINDOW // limit + 1
        if page > last_page:
            problems.append(f"page must be at most {last_page:,}")
            page = last_page
        return cls(q=one("q"), **{name: many(name) for name in LIST_FILTERS},
                   min_usd=one("min_usd"),
                   min_relevance=one("min_relevance"), since=one("since"), until=one("until"),
                   sort=one("sort"), page=page, limit=limit,
                   all_languages=one("all_languages"), problems=tuple(problems))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], **kw) -> "SearchParams":
        """From a plain dict whose values are strings or lists of strings."""

        def get_list(name: str) -> list[str]:
            value = data.get(name)
            if value is None:
                return []
            if isinstance(value, (list, tuple)):
                return [str(v) for v in value]
            return [str(value)]

        return cls.from_multi(get_list, **kw)

    def to_query(self, *, facets: bool = True, limit: int | None = None,
                 offset: int | None = None, all_languages: bool = False,
                 names: FilterNames | None = None) -> Query:
        """The Query this search means; BadSearch with a one-line message if it cannot run.
        all_languages: the default when the parameter is not given. Names are resolved by
        `names` (scamscope.names; the alias tables alone if None)."""
        if self.problems:
            raise BadSearch(self.problems[0])
        limit = self.limit if limit is None else limit
        offset = (self.page - 1) * self.limit if offset is None else offset
        try:
            query = query_from_mapping(
                {"q": self.q, **{name: list(getattr(self, name)) for name in LIST_FILTERS},
                 **{name: getattr(self, name) for name in SCALAR_FILTERS},
                 "all_languages": self.all_languages},
                limit=limit, offset=offset, sort=self.sort or None, all_languages=all_languages,
                names=names)
            query.parsed()  # a syntax error is reported before the index sees it
        except (UserError, QuerySyntaxError) as exc:
            raise BadSearch(str(exc)) from None
        query.facets = facets
        return query

    def canonical(self, names: FilterNames | None = None) -> "SearchParams":
        """The same search with countries, places, organisations and people as the index
        names them ("ONUDC" -> "UNODC"), so facets, chips and links compare like with like."""
        try:
            return replace(self, **{field: tuple(resolved(names, field, getattr(self, field)))
                                    for field in RESOLVED_FIELDS})
        except UserError as exc:
            raise BadSearch(str(exc)) from None

    # ----------------------------------------------------------- linking
    def items(self, *, with_page: bool = True) -> list[tuple[str, str]]:
        """The search as ordered URL parameters, defaults left out."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in LIST_FILTERS:
            out.extend((name, v) for v in getattr(self, name))
        for name in SCALAR_FILTERS:
            if getattr(self, name):
                out.append((name, getattr(self, name)))
        if self.sort:
            out.append(("sort", self.sort))
        if self.limit != DEFAULT_LIMIT:
            out.append(("limit", str(self.limit)))
        if self.all_languages:
            out.append(("all_languages", self.all_languages))
        if with_page and self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def querystring(self, *, with_page: bool = True) -> str:
        return urlencode(self.items(with_page=with_page))

    def url(self, path: str = "/", *, with_page: bool = True) -> str:
        qs = self.querystring(with_page=with_page)
        return f"{path}?{qs}" if qs else path

    def with_page(self, page: int) -> "SearchParams":
        return replace(self, page=max(1, page))

    def has(self, name: str, value: str) -> bool:
        return value in getattr(self, name)

    def toggled(self, name: str, value: str) -> "SearchParams":
        """Add value to filter name, or remove it if present; back to page 1."""
        current = getattr(self, name)
        if name in LIST_FILTERS:
            new = tuple(v for v in current if v != value) if value in current else (*current, value)
        else:
            new = "" if current == value else value
        return replace(self, page=1, **{name: new})

    def without(self, name: str, value: str | None = None) -> "SearchParams":
        current = getattr(self, name)
        if name in LIST_FILTERS:
            new: Any = tuple(v for v in current if value is not None and v != value)
        else:
            new = ""
        return replace(self, page=1, **{name: new})

    def active_filters(self) -> list[tuple[str, str]]:
        """(parameter, value) for every filter set, to show as removable chips."""
        out: list[tuple[str, str]] = []
        for name in LIST_FILTERS:
            out.extend((name, v) for v in getattr(self, name))
        for name in SCALAR_FILTERS:
            if getattr(self, name):
                out.append((name, getattr(self, name)))
        return out

    def is_empty(self) -> bool:
        return not self.q and not self.active_filters()


def _int(text: str, default: int, name: str, problems: list[str]) -> int:
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        problems.append(f"{name} must be a whole number, not {shown!r}")
        return default


def iter_pages(page: int, last: int, *, around: int = 2) -> Iterable[int | None]:
    """Page numbers to link: first, last, and a window around the current one; None is a gap."""
    shown = sorted({1, last, *range(max(1, page - around), min(last, page + around) + 1)})
    previous = 0
    for number in shown:
        if number - previous > 1:
            yield None
        yield number
        previous = number
