"""`scamscope reindex --from URL --to URL`: copy every stored article between two indexes.

Any two backends (sqlite:, tantivy:, a cluster), without fetching anything again.
Articles keep their indexed_at where the target can keep it (SQLite, Tantivy), so
alert watermarks stay valid after the move. Progress goes to stderr; at the end the
target must hold every article of the source, or the job failed (exit 1).
"""
from __future__ import annotations

import argparse
import dataclasses
import inspect
import sys
import time
from pathlib import Path
from typing import Iterator

from indexer import base
from scamscope.config import Settings
from scamscope.errors import JobFailed, UserError
from scamscope.indexing import index_options


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "reindex", parents=parents, help="copy every article from one index to another",
        description="Copy every stored article from one index to another (sqlite:///file.db, "
                    "tantivy:///dir, http(s)://cluster), e.g. to move the embedded index to "
                    "another engine without crawling again.")
    parser.add_argument("--from", dest="source", required=True, metavar="URL",
                        help="the index to read (must exist)")
    parser.add_argument("--to", dest="target", required=True, metavar="URL",
                        help="the index to write (created when missing)")
    parser.add_argument("--batch", type=int, default=1000, metavar="N",
                        help="articles per read and write (1000)")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch < 1:
        raise UserError("--batch must be at least 1")
    if args.source == args.target:
        raise UserError("--from and --to name the same index: give two different ones")
    path = base.embedded_path(args.source)
    if path is not None and not Path(path).exists():
        raise UserError(f"--from {args.source!r}: no index at {path}")
    source = _open(args.source, settings)
    try:
        target = _open(args.target, settings)
        try:
            return copy(source, target, args.batch)
        finally:
            target.close()
    finally:
        source.close()


def _open(url: str, settings: Settings) -> base.Index:
    return base.open_index(url, **index_options(dataclasses.replace(settings, index=url)))


def copy(source: base.Index, target: base.Index, batch: int) -> int:
    scan = getattr(source, "scan", None)
    if scan is None:
        raise UserError(f"{source!r} cannot list its articles: reindex reads sqlite:, "
                        "tantivy: and cluster indexes")
    total = source.count()
    before = target.count()
    keep = "keep_indexed_at" in inspect.signature(target.upsert).parameters
    options = {"keep_indexed_at": True} if keep else {}
    copied = added = 0
    started = last_report = time.monotonic()

    def articles(page: list) -> Iterator:
        nonlocal copied, added, last_report
        ids = [a.id for a in page]
        added += len(set(ids) - target.has(ids))
        yield from page
        copied += len(page)
        now = time.monotonic()
        if now - last_report >= 2 or copied == total:
            last_report = now
            rate = copied / max(now - started, 1e-9)
            sys.stderr.write(f"reindex: {copied:,} / {total:,} articles ({rate:,.0f}/s)\n")

    if getattr(target, "bulk_upsert", False):
        # one call for the whole copy: the target commits and spreads analysis over
        # processes itself, in bounded memory (it reads the stream as it goes)
        target.upsert((a for page in scan(batch) for a in articles(page)), **options)
    else:
        for page in scan(batch):
            target.upsert(list(articles(page)), **options)
    after = target.count()
    if copied != total or after != before + added:
        raise JobFailed(f"count check failed: the source holds {total:,} articles, "
                        f"{copied:,} were read, the target holds {after:,} "
                        f"(expected {before + added:,}): run reindex again")
    print(f"copied {copied:,} articles ({added:,} new to the target, which now holds "
          f"{after:,}){'' if keep else '; indexed_at assigned anew by the target'}")
    return 0
