"""`scamscope config`: print the effective settings, where each came from, and what it does."""
from __future__ import annotations

import argparse
import json

from scamscope.config import Settings, describe


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("config", parents=parents,
                                   help="print the effective settings")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    rows = describe(settings)
    if args.json:
        print(json.dumps({row["name"]: row["value"] for row in rows}, indent=2, default=str))
        return 0
    for row in rows:
        value = json.dumps(row["value"], ensure_ascii=False)
        print(f"# {row['help']}  [{row['env']}]")
        print(f"{row['name']} = {value}" + ("" if row["from"] == "default" else f"  # from {row['from']}"))
    print(f"# effective index: {settings.index_url}")
    return 0
