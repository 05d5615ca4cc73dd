"""Search filters shared by `search`, `subscribe` and the web: flags in, a Query out."""
from __future__ import annotations

import argparse
import math
import re
from datetime import datetime, time, timedelta, timezone
from typing import Any, Mapping

from indexer.fields import ALL_FACETS, FIELDS
from indexer.query import SORTS, Query
from nlp.language import normalise_tag
from scamscope.errors import UserError
from scamscope.names import RESOLVED_FIELDS, FilterNames

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
        try:
            return now - int(match.group(1)) * _UNITS[match.group(2)]
        except (OverflowError, ValueError):  # before year 1, or too many digits for int()
            raise UserError(f"date {text!r} is too far back: the oldest date is "
                            "0001-01-01") from None
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").date()
            return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=timezone.utc)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"date {text!r} is not understood: use YYYY-MM-DD, an ISO timestamp, "
                        "or an age such as 7d") from None
    if not value.tzinfo:
        return value.replace(tzinfo=timezone.utc)
    try:  # in UTC here, so no later comparison or conversion can leave the calendar
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise UserError(f"date {text!r} is out of range: use a date from 0001-01-01 "
                        "to 9999-12-31") from None


def language_code(text: str) -> str:
    """A language filter value as the index stores it ('en-GB' -> 'en'); extract's rule
    (nlp.language.normalise_tag), so a code search refuses is one extract refuses too."""
    code = normalise_tag(text)
    if code is None:
        raise UserError(f"language {text!r} is not a language code: use a two-letter code "
                        "such as en, fr, th or zh")
    return code


def _number(params: Mapping[str, Any], name: str) -> float | None:
    """A finite number from a flag or web parameter, None when absent."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise UserError(f"{name.replace('_', '-')} must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise UserError(f"{name.replace('_', '-')} must be a finite number, not {raw!r}")
    return value


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default=None, metavar="QUERY",
                        help='full text: words, "phrases", OR, -exclude, (groups), prefix*')
    for f in FIELDS:  # --country, --place, --org, --lang, --source...
        parser.add_argument(f"--{f.name}", action="append", default=[], metavar=f.metavar,
                            help=f.help)
    parser.add_argument("--min-usd", type=float, default=None, metavar="N",
                        help="mentions at least this many US dollars")
    parser.add_argument("--min-relevance", type=float, default=None, metavar="R",
                        help="relevance to scam centres, 0..1")
    parser.add_argument("--since", default=None, metavar="D", help="from date (YYYY-MM-DD or 7d)")
    parser.add_argument("--until", default=None, metavar="D", help="to date, inclusive")
    parser.add_argument("--all-languages", action="store_true", default=None,
                        help="also match the query's topic words and entity names in the "
                             "other catalogue languages (a multilingual thesaurus)")


def _split(values: Any) -> list[str]:
    """Repeated flags and comma-separated values both work: --country MM,TH --country KH."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for part in (part.strip() for part in str(value).split(",")):
            if out and part.lower().rstrip(".") in _LEGAL_TAILS:
                out[-1] += ", " + part  # "Acme Co., Ltd." is one company, not two names
            elif part:
                out.append(part)
    return out


# Legal forms written after a comma in a company's name ("Co., Ltd.", "Grupo X, S.A.")
_LEGAL_TAILS = frozenset("ltd limited inc llc s.a s.l jsc plc corp sarl sdn bhd pte".split())


def resolved(names: FilterNames | None, field: str, values: Any) -> list[str]:
    """A filter's values as the index stores them (aliases resolved), in order, once each.
    A value with commas is first tried whole ("Washington, D.C."), then as a list."""
    names = names or FilterNames()
    out: list[str] = []
    for value in [values] if isinstance(values, str) else (values or []):
        value = str(value).strip()
        whole = names.meanings(field, value) if "," in value and field != "country" else []
        if whole:
            out.extend(whole)
            continue
        for part in _split(value):
            out.extend(names.resolve_all(field, part))
    return list(dict.fromkeys(out))


def flag(value: Any, name: str) -> bool | None:
    """A yes/no parameter: True/False, 1/0, true/false, on/off, yes/no; None when unset."""
    if value is None or value == "" or isinstance(value, bool):
        return value if value != "" else None
    answer = _FLAGS.get(str(value).strip().lower())
    if answer is None:
        raise UserError(f"{name} must be 1 or 0 (true or false), not {str(value)[:40]!r}")
    return answer


_FLAGS = {"1": True, "true": True, "on": True, "yes": True,
          "0": False, "false": False, "off": False, "no": False}


def query_from_mapping(params: Mapping[str, Any], *, limit: int = 20, offset: int = 0,
                       sort: str | None = None, all_languages: bool = False,
                       names: FilterNames | None = None) -> Query:
    """Build a Query from flag-named values (CLI namespace as dict, or web parameters).

    Countries, places, organisations and people go through `names` (scamscope.names):
    any alias in any language becomes the canonical value; pass a resolver bound to the
    index so that a name nothing knows is refused with the closest known names.
    """
    names = names or FilterNames()
    lists = {f.attr: resolved(names, f.name, params.get(f.name))
             if f.name in RESOLVED_FIELDS
             else _split(params.get(f.name)) for f in FIELDS}
    lists["langs"] = list(dict.fromkeys(language_code(code) for code in lists["langs"]))
    min_usd = _number(params, "min_usd")
    min_relevance = _number(params, "min_relevance")
    if min_usd is not None and min_usd < 0:
        raise UserError(f"min-usd must be 0 or more, not {params.get('min_usd')!r}")
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
    return Query(text=text or None, **lists, min_usd=min_usd, min_relevance=min_relevance,
                 since=since, until=until, sort=sort, limit=limit, offset=offset,
                 facet_names=ALL_FACETS,
                 all_languages=_default(flag(params.get("all_languages"), "all-languages"),
                                        all_languages))


def _default(value: bool | None, default: bool) -> bool:
    return default if value is None else value
