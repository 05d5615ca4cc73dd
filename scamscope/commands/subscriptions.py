"""`scamscope subscriptions list [--json]` and `scamscope subscriptions remove ID`."""
from __future__ import annotations

import argparse
import json
import sys

from alerts.errors import UnknownSubscription
from alerts.subscriptions import Subscriptions
from scamscope.config import Settings
from scamscope.errors import UserError


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("subscriptions", parents=parents,
                                   help="list or remove e-mail subscriptions",
                                   description="List or remove e-mail subscriptions.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    listing = actions.add_parser("list", parents=parents, help="every subscription")
    listing.add_argument("--json", action="store_true",
                         help="print [{id, email, query, frequency, active, pending, ...}]")
    remove = actions.add_parser("remove", parents=parents,
                                help="delete a subscription and its unsent digests")
    remove.add_argument("id", type=int, metavar="ID")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    with Subscriptions(settings.ensure_data_dir()) as subs:
        if args.action == "remove":
            try:
                sub = subs.remove(args.id)
            except UnknownSubscription as exc:
                raise UserError(str(exc)) from None
            print(f"removed subscription {sub.id} ({sub.email}: {sub.describe_query()})")
            return 0
        rows = subs.list()
        pending = subs.pending_counts()
    if args.json:
        out = [{**sub.to_json(), "pending": pending.get(sub.id, 0)} for sub in rows]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("No subscriptions. Add one with: scamscope subscribe EMAIL [QUERY] [filters]")
        return 0
    for sub in rows:
        state = "active" if sub.active else f"suspended: {sub.suspended or 'inactive'}"
        waiting = pending.get(sub.id, 0)
        if waiting:
            state += f", {waiting} digest(s) pending"
        print(f"{sub.id:>4}  {sub.email}  {sub.frequency:<7}  {sub.describe_query()}  [{state}]")
    return 0
