"""Search filters shared by `search`, `subscribe` and the web: flags in, a Query out."""
from __future__ import annotations

import argparse
import re
from datetime import datetime, time, timedelta, timezone
from typing import Any, Mapping

from indexer.query import SORTS, Query
from scamscope.errors import UserError

_RELATIVE = re.compile(r"^(\d+)\s*([hdwmy])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1),
          "m": timedelta(days=30), "y": timedelta(days=365)}


def parse_when(text: str | None, *, end_of_day: bool = False,
               now: datetime | None = None) -> datetime | None:
    """YYYY-MM-DD, an ISO 8601 timestamp, or a relative age such as 7d, 12h, 2w."""
    if text is None or str(text).strip() == "":
        return None
    text = str(text).strip()
    match = _RELATIVE.match(text.lower())
    if match:
        now = now or datetime.now(timezone.utc)
        return now - int(match.group(1)) * _UNITS[match.group(2)]
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").date()
            return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=timezone.utc)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"date {text!r} is not understood: use YYYY-MM-DD, an ISO timestamp, "
                        "or an age such as 7d") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default=None, metavar="QUERY",
                        help='full text: words, "phrases", OR, -exclude, (groups), prefix*')
    parser.add_argument("--place", action="append", default=[], metavar="P",
                        help="place by canonical name, e.g. 'KK Park' (repeatable)")
    parser.add_argument("--country", action="append", default=[], metavar="CC",
                        help="ISO 3166 country code, e.g. MM (repeatable)")
    parser.add_argument("--org", action="append", default=[], metavar="O",
                        help="organisation by canonical name, e.g. 'United Nations' (repeatable)")
    parser.add_argument("--min-usd", type=float, default=None, metavar="N",
                        help="mentions at least this many US dollars")
    parser.add_argument("--min-relevance", type=float, default=None, metavar="R",
                        help="relevance to scam centres, 0..1")
    parser.add_argument("--since", default=None, metavar="D", help="from date (YYYY-MM-DD or 7d)")
    parser.add_argument("--until", default=None, metavar="D", help="to date, inclusive")
    parser.add_argument("--lang", action="append", default=[], metavar="LL",
                        help="language code, e.g. en (repeatable)")
    parser.add_argument("--source", action="append", default=[], metavar="S",
                        help="source name (repeatable)")


def _split(values: Any) -> list[str]:
    """Repeated flags and comma-separated values both work: --country MM,TH --country KH."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in str(value).split(",") if part.strip())
    return out


def query_from_mapping(params: Mapping[str, Any], *, limit: int = 20, offset: int = 0,
                       sort: str | None = None) -> Query:
    """Build a Query from flag-named values (CLI namespace as dict, or web parameters)."""
    countries = _split(params.get("country"))
    for code in countries:
        if not re.fullmatch(r"[A-Za-z]{2}", code):
            raise UserError(f"country {code!r} is not an ISO 3166 two-letter code such as MM")
    min_usd = params.get("min_usd")
    min_relevance = params.get("min_relevance")
    try:
        min_usd = float(min_usd) if min_usd not in (None, "") else None
        min_relevance = float(min_relevance) if min_relevance not in (None, "") else None
    except (TypeError, ValueError):
        raise UserError("min-usd and min-relevance must be numbers") from None
    if min_relevance is not None and not 0 <= min_relevance <= 1:
        raise UserError("min-relevance must be between 0 and 1")
    sort = sort or params.get("sort") or "relevance"
    if sort not in SORTS:
        raise UserError(f"sort must be one of {', '.join(SORTS)}")
    since = parse_when(params.get("since"))
    until = parse_when(params.get("until"), end_of_day=True)
    if since and until and since > until:
        raise UserError("--since is after --until")
    text = params.get("query")
    if text is None:
        text = params.get("q")
    return Query(text=text or None, countries=countries, places=_split(params.get("place")),
                 orgs=_split(params.get("org")), langs=_split(params.get("lang")),
                 sources=_split(params.get("source")), min_usd=min_usd,
                 min_relevance=min_relevance, since=since, until=until, sort=sort,
                 limit=limit, offset=offset)
