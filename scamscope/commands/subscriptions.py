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
                                   help="list or remove alert subscriptions",
                                   description="List or remove alert subscriptions.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    actions.required = True
    listing = actions.add_parser("list", parents=parents, help="every subscription")
    listing.add_argument("--json", action="store_true",
                         help='print {"subscriptions": [{id, channel, target, query, '
                              'frequency, active, pending, ...}]} (as GET /api/subscriptions)')
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
            print(f"removed subscription {sub.id} ({sub.target}: {sub.describe_query()})")
            return 0
        rows = subs.listing()
    if args.json:
        json.dump({"subscriptions": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("No subscriptions. Add one with: scamscope subscribe EMAIL [QUERY] [filters] "
              "(or --webhook URL)")
        return 0
    for line in table(rows):
        print(line)
    return 0


def table(rows: list[dict]) -> list[str]:
    """Aligned columns; the search, whose width varies most, goes last."""
    header = ("ID", "TARGET", "EVERY", "STATUS", "SEARCH")
    body = []
    for sub in rows:
        status = "active" if sub["active"] else f"suspended: {sub['suspended'] or 'inactive'}"
        if sub["pending"]:
            status += f", {sub['pending']} pending"
        target = sub["target"] if sub["channel"] == "email" else f"webhook {sub['target']}"
        body.append((str(sub["id"]), target, sub["frequency"], status, sub["description"]))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header) - 1)]
    return ["  ".join([r[0].rjust(widths[0])] + [c.ljust(w) for c, w in zip(r[1:-1], widths[1:])]
                      + [r[-1]]).rstrip()
            for r in [header, *body]]
