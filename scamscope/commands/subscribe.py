"""`scamscope subscribe EMAIL [QUERY] [filters] [--every instant|hourly|daily]`."""
from __future__ import annotations

import argparse
import json
import sys

from alerts.errors import InvalidSubscription
from alerts.subscriptions import FREQUENCIES, Subscriptions
from scamscope.config import Settings
from scamscope.errors import UserError
from scamscope.filters import add_filter_arguments, query_from_mapping


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "subscribe", parents=parents, help="e-mail new articles matching a search",
        description="Save a search and receive new matching articles by e-mail. The query and "
                    "filters are those of 'scamscope search'.")
    parser.add_argument("email", metavar="EMAIL", help="where digests go")
    add_filter_arguments(parser)
    parser.add_argument("--every", choices=FREQUENCIES, default="daily",
                        help="instant (every few minutes), hourly or daily (default)")
    parser.add_argument("--json", action="store_true", help="print the subscription as JSON")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    query = query_from_mapping(vars(args))
    with Subscriptions(settings.ensure_data_dir()) as subs:
        try:
            sub, created = subs.subscribe(args.email, query, args.every)
        except InvalidSubscription as exc:
            raise UserError(str(exc)) from None
    if args.json:
        json.dump({**sub.to_json(), "created_now": created}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    elif created:
        print(f"subscription {sub.id}: {sub.email} gets {sub.frequency} digests for "
              f"{sub.describe_query()}")
    else:
        print(f"subscription {sub.id}: {sub.email} is already subscribed to "
              f"{sub.describe_query()} ({sub.frequency})")
    return 0
