"""`scamscope crawl`: one crawl pass over sources (all enabled ones by default) or given URLs."""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys

from scamscope.config import Settings
from scamscope.crawling import adhoc_targets, choose_sources, crawl_options
from scamscope.errors import JobFailed


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "crawl", parents=parents, help="crawl sources once and index what is new",
        description="Crawl every enabled source once (or the ones named with --source, or "
                    "single feeds, sitemaps and pages), extract and index new articles, and "
                    "print a summary. Exit 1 when nothing at all could be fetched, or when a "
                    "fetched page could not be stored (the next crawl fetches it again).")
    parser.add_argument("--source", action="extend", nargs="+", default=[], metavar="NAME",
                        help="crawl these catalogue sources (see 'scamscope sources list')")
    parser.add_argument("--url", action="extend", nargs="+", default=[], metavar="URL",
                        help="fetch these article pages")
    parser.add_argument("--feed", action="extend", nargs="+", default=[], metavar="URL",
                        help="crawl these RSS/Atom feeds")
    parser.add_argument("--sitemap", action="extend", nargs="+", default=[], metavar="URL",
                        help="crawl these XML sitemaps (news sitemaps and indexes too)")
    parser.add_argument("--shard", metavar="i/N",
                        help="only the i-th of N parts of the sources (1 <= i <= N), split by a "
                             "stable hash of their names, so N workers can share the work")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the sources that would be crawled and exit")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    adhoc = adhoc_targets(args.url, args.feed, args.sitemap)
    sources = []
    if args.source or args.shard or not adhoc:
        sources = choose_sources(settings, args.source, args.shard)
    targets = sources + adhoc
    if args.dry_run:
        if args.json:
            print(json.dumps([t.to_json() for t in targets], ensure_ascii=False, indent=2))
        else:
            for t in targets:
                print(f"{t.name}\t{t.type}\t{t.url}")
        return 0
    if not targets:
        print("nothing to crawl: no enabled source" + (f" in shard {args.shard}" if args.shard
                                                       else ""))
        return 0

    from scamscope.pipeline import build_sink, early_analysis

    settings.ensure_data_dir()
    # First of all, before Scrapy is even imported: the models load meanwhile.
    with early_analysis(settings) as zygote:
        from crawler.runner import run_crawl
        from crawler.summary import Progress

        quiet = bool(getattr(args, "quiet", False))
        progress = Progress(sys.stderr, enabled=not quiet and sys.stderr.isatty())
        with _log_lines_clear(progress):
            summary = run_crawl(targets, crawl_options(settings),
                                lambda: build_sink(settings, zygote=zygote),
                                progress=progress)
    label = _label(targets)
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in summary.lines(label):
            print(line)
    if summary.not_stored:
        raise JobFailed(f"{summary.not_stored} fetched page(s) could not be stored (see the "
                        "log above); the next crawl fetches them again")
    if not summary.anything_fetched:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(summary.failed.items(),
                                                          key=lambda kv: -kv[1]))
        raise JobFailed(f"nothing could be fetched from {label}"
                        + (f" ({reasons})" if reasons else ""))
    return 0


def _label(targets) -> str:
    """Names for the summary, so a log full of crawls says which one this was."""
    if len(targets) <= 3:
        return ", ".join(t.name for t in targets)
    return f"{len(targets)} sources"


@contextlib.contextmanager
def _log_lines_clear(progress):
    """Log lines on stderr first wipe the progress line, which redraws on the next update."""
    def clear(record: logging.LogRecord) -> bool:
        progress.finish()
        return True

    handlers = [h for h in logging.getLogger().handlers
                if getattr(h, "stream", None) is sys.stderr] if progress.enabled else []
    for handler in handlers:
        handler.addFilter(clear)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(clear)
