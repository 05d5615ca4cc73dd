"""`scamscope sources list|check`: the effective source catalogue, and whether each answers."""
from __future__ import annotations

import argparse
import json
import math
import sys

from scamscope.config import Settings
from scamscope.crawling import all_sources, choose_sources, crawl_options


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "sources", parents=parents, help="list the sources, or check that they answer",
        description="The effective sources: the bundled catalogue (or sources_file) with "
                    "the [[sources]] tables of your config merged over it by name.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", parents=parents, help="list every source")
    listing.add_argument("--json", action="store_true",
                         help="a JSON list of {name, type, url, lang, country, "
                              "interval_minutes, enabled, ...}")
    listing.add_argument("--enabled", action="store_true", help="only enabled sources")
    check = actions.add_parser("check", parents=parents,
                               help="fetch each source once and report OK or why not")
    check.add_argument("--source", action="extend", nargs="+", default=[], metavar="NAME",
                       help="check only these (default: every enabled source)")
    check.add_argument("--timeout", type=float, default=None, metavar="S",
                       help="seconds per request (default: download_timeout)")
    check.add_argument("--json", action="store_true", help="a JSON list of results")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "list":
        return list_sources(args, settings)
    return check_sources(args, settings)


def list_sources(args: argparse.Namespace, settings: Settings) -> int:
    sources = all_sources(settings)
    if args.enabled:
        sources = [s for s in sources if s.enabled]
    if args.json:
        print(json.dumps([s.to_json() for s in sources], ensure_ascii=False, indent=2))
        return 0
    width = max((len(s.name) for s in sources), default=4)
    for s in sources:
        flag = "" if s.enabled else "  (disabled)"
        print(f"{s.name:<{width}}  {s.type:<7} {s.lang or '--':<3} {s.country or '--':<2} "
              f"{s.interval_minutes:>5}m  {s.url}{flag}")
    langs = sorted({s.lang for s in sources if s.lang})
    print(f"{len(sources)} sources ({sum(s.enabled for s in sources)} enabled) in "
          f"{len(langs)} languages: {', '.join(langs)}")
    return 0


def check_sources(args: argparse.Namespace, settings: Settings) -> int:
    from crawler.runner import check_sources as fetch_each

    sources = choose_sources(settings, args.source)
    if not sources:
        print("no enabled sources to check")
        return 0
    overrides = {"state_path": None}
    if args.timeout is not None:
        if not 0 < args.timeout < math.inf:  # nan compares false both ways
            from scamscope.errors import UserError

            raise UserError("--timeout must be a finite number of seconds, more than 0")
        overrides["timeout"] = args.timeout
    results = fetch_each(sources, crawl_options(settings, **overrides))
    if args.json:
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
    else:
        width = max(len(r.name) for r in results)
        for r in results:
            status = "OK  " if r.ok else "FAIL"
            what = r.detail if r.ok else f"{r.reason}: {r.detail}"
            print(f"{status} {r.name:<{width}}  {what}")
        bad = sum(not r.ok for r in results)
        print(f"{len(results) - bad} of {len(results)} sources OK", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1
