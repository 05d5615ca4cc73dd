"""`scamscope subscribe (EMAIL | --webhook URL) [QUERY] [filters] [--every ...]`."""
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
        "subscribe", parents=parents, help="e-mail (or POST to a webhook) new matching articles",
        description="Save a search and receive new matching articles by e-mail, or as signed "
                    "JSON POSTed to a webhook URL (--webhook). The query and filters are those "
                    "of 'scamscope search'.")
    parser.add_argument("email", metavar="EMAIL", nargs="?", default=None,
                        help="where digests go (leave out with --webhook)")
    add_filter_arguments(parser)
    parser.add_argument("--webhook", metavar="URL", default=None,
                        help="POST each digest as signed JSON to this http(s) URL instead of "
                             "e-mailing it")
    parser.add_argument("--every", choices=FREQUENCIES, default="daily",
                        help="instant (every few minutes), hourly or daily (default)")
    parser.add_argument("--json", action="store_true", help="print the subscription as JSON")
    return parser


def channel_and_target(args: argparse.Namespace) -> tuple[str, str]:
    """With --webhook the first positional is the QUERY, not an address."""
    if args.webhook is None:
        if args.email is None:
            raise UserError("say where digests go: an e-mail address, or --webhook URL")
        return "email", args.email
    if args.email is not None and args.query is not None:
        raise UserError(f"give an e-mail address or --webhook URL, not both "
                        f"(got {args.email!r} and --webhook)")
    args.query = args.email if args.query is None else args.query
    return "webhook", args.webhook


def run(args: argparse.Namespace, settings: Settings) -> int:
    channel, target = channel_and_target(args)
    query = query_from_mapping(vars(args))
    with Subscriptions(settings.ensure_data_dir()) as subs:
        try:
            sub, created = subs.subscribe(target, query, args.every, channel=channel)
        except InvalidSubscription as exc:
            raise UserError(str(exc)) from None
    if args.json:
        json.dump({**sub.to_json(), "created_now": created}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    elif created:
        who = sub.target if channel == "email" else f"webhook {sub.target}"
        print(f"subscription {sub.id}: {who} gets {sub.frequency} digests for "
              f"{sub.describe_query()}")
    else:
        print(f"subscription {sub.id} already exists: {sub.target} is already subscribed to "
              f"{sub.describe_query()} ({sub.frequency}); nothing was added")
    return 0
