"""`scamscope search`: full text plus entity filters over the index."""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time

from indexer.fields import ENTITY_FIELDS
from indexer.query import MAX_WINDOW, SORTS, Results
from scamscope.config import Settings
from scamscope.errors import UserError
from scamscope.filters import add_filter_arguments, query_from_mapping
from scamscope.indexing import open_configured_index
from scamscope.names import index_bound
from scamscope.scale_hint import maybe_hint


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("search", parents=parents, help="search indexed articles",
                                   description="Search indexed articles. Filters combine with AND; "
                                               "repeated values of one filter with OR.")
    add_filter_arguments(parser)
    parser.add_argument("--sort", choices=SORTS, default="relevance",
                        help="relevance (default), date (newest first) or indexed (oldest "
                             "first, the order alerts read)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="hits to show (20)")
    parser.add_argument("--page", type=int, default=None, metavar="N",
                        help="page N of --limit hits, from 1 (the API's page)")
    parser.add_argument("--offset", type=int, default=0, metavar="N",
                        help="skip the first N hits (instead of --page)")
    parser.add_argument("--json", action="store_true",
                        help="print {total, hits: [...], facets} (see README)")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit < 0 or args.offset < 0:
        raise UserError("--limit and --offset must not be negative")
    if args.page is not None:
        if args.page < 1:
            raise UserError("--page must be 1 or more")
        if args.offset:
            raise UserError("give --page or --offset, not both")
        args.offset = min((args.page - 1) * args.limit, MAX_WINDOW + 1)
    query = query_from_mapping(vars(args), limit=args.limit, offset=args.offset, sort=args.sort)
    query.parsed()  # a syntax error is reported before the index is opened
    index = open_configured_index(settings, must_exist=True)
    hint = None
    try:
        if args.place or args.org or args.person:  # does the index hold the names?
            query = query_from_mapping(vars(args), limit=args.limit, offset=args.offset,
                                       sort=args.sort, names=index_bound(index))
        started = time.perf_counter()
        results = index.search(query)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if not args.json and not args.quiet:
            hint = maybe_hint(index, settings.index_url, settings.data_path, elapsed_ms,
                              min_articles=settings.scale_hint_articles,
                              slow_ms=settings.scale_hint_slow_ms)
    finally:
        index.close()
    expansions = query.expansions()
    if args.json:
        out = results.to_json()
        if query.all_languages:
            out["expansions"] = [e.to_json() for e in expansions]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_expansions(expansions)
        print_human(results, query.offset, color=sys.stdout.isatty())
    if hint:
        sys.stdout.flush()  # the hint follows the results on a terminal showing both
        sys.stderr.write(f"scamscope: {hint}\n")
    return 0


def print_expansions(expansions) -> None:
    """One line per word the thesaurus expanded (--all-languages)."""
    for e in expansions:
        more = ", …" if e.truncated else ""
        print(f"also searched for {e.matched!r} ({e.kind} {e.name}): "
              f"{', '.join(e.added)}{more}")
    if expansions:
        print()


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def plain_snippet(snippet: str, color: bool) -> str:
    on, off = ("\033[1m", "\033[0m") if color else ("[", "]")
    return html.unescape(_MARK.sub(lambda m: on + m.group(1) + off, snippet))


def print_human(results: Results, offset: int, *, color: bool) -> None:
    shown = len(results.hits)
    if not results.total:
        print("No articles match.")
        return
    print(f"{results.total} article(s); showing {offset + 1}-{offset + shown}\n")
    for n, hit in enumerate(results.hits, start=offset + 1):
        date = (hit.published or "")[:10] or "undated"
        print(f"{n}. {hit.title or hit.url}")
        print(f"   {hit.source} · {date} · {hit.lang or '?'} · {hit.url}")
        if hit.snippet:
            print("   " + plain_snippet(hit.snippet, color).replace("\n", " "))
        bits = []
        for f in ENTITY_FIELDS:
            values = f.of(hit.entities) if f.chip else []
            if values:
                bits.append(f"{f.plural.lower()}: " + ", ".join(values[:5]))
        money = [m.text for m in hit.entities.money][:3]
        if money:
            bits.append("money: " + ", ".join(money))
        if bits:
            print("   " + " | ".join(bits))
        print()
    for name, values in results.facets.items():
        if values:
            print(f"{name}: " + ", ".join(f"{v.value} ({v.count})" for v in values))
