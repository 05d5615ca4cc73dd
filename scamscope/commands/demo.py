"""`scamscope demo`: the whole chain, offline, on the bundled sample news site.

Serves scamscope/demo/site on 127.0.0.1, crawls its feed and sitemap into an index
of its own in DATA_DIR/demo (or --keep DIR), runs a few searches a researcher would
run, prints what happened and, last, the exact command that serves the demo index
in a browser. The user's own index is never touched. Each run starts the demo dir
afresh: the sample site is served on a new port each time, so its articles would
otherwise be indexed again under new URLs.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import shutil
import sys
from pathlib import Path

from indexer.query import Query
from scamscope.config import Settings
from scamscope.errors import JobFailed, UserError

DEMO_DIR = "demo"  # under the data dir
MARK = ".scamscope-demo"  # so a rerun only ever wipes a dir the demo made

# What a researcher would ask first; each is a Query over the demo corpus.
SEARCHES = [
    ("scam", Query(text="scam")),
    ("articles about Myanmar", Query(countries=["MM"])),
    ('"scam centre" OR "scam compound"', Query(text='"scam centre" OR "scam compound"')),
    ("escroquerie OR estafa (fr, es)", Query(text="escroquerie OR estafas OR estafa")),
    ("mentions of the UNODC", Query(orgs=["UNODC"])),
    ("sums of at least US$100 million", Query(min_usd=100_000_000)),
]


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("demo", parents=parents,
                                   help="offline end to end on the bundled sample site")
    parser.add_argument("--json", action="store_true",
                        help="print {crawled, indexed, search_hits, searches, ...}")
    parser.add_argument("--keep", metavar="DIR",
                        help="the demo's own data dir (index included); default DATA_DIR/demo. "
                             "Emptied at each run; explore it afterwards with --data-dir DIR")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    from crawler.runner import run_crawl
    from crawler.sources import Source
    from crawler.summary import Progress
    from scamscope.crawling import crawl_options
    from scamscope.demo.server import DEMO_SITE, SiteServer
    from scamscope.indexing import open_configured_index
    from scamscope.pipeline import build_sink

    data_dir = Path(args.keep).expanduser() if args.keep else settings.data_path / DEMO_DIR
    data_dir = fresh_demo_dir(data_dir.absolute())
    demo_settings = dataclasses.replace(settings, data_dir=str(data_dir), index="")
    with SiteServer(DEMO_SITE, site_name="Mekong Monitor") as site:
        targets = [
            Source(name="mekong-monitor", type="feed", url=site.url("/feed.xml"), lang=""),
            Source(name="mekong-monitor-sitemap", type="sitemap",
                   url=site.url("/sitemap.xml"), lang=""),
        ]
        # Our own server on loopback: no need to be gentle with it.
        options = crawl_options(demo_settings, download_delay=0.0, autothrottle=False)
        quiet = bool(getattr(args, "quiet", False)) or args.json
        progress = Progress(sys.stderr, enabled=not quiet and sys.stderr.isatty())
        summary = run_crawl(targets, options, lambda: build_sink(demo_settings),
                            progress=progress)

    index = open_configured_index(demo_settings)
    try:
        total = index.count()
        searches = []
        for label, query in SEARCHES:
            results = index.search(dataclasses.replace(query, limit=3))
            searches.append({"label": label, "query": query.to_json(),
                             "total": results.total,
                             "top": [h.title for h in results.hits]})
    finally:
        index.close()

    crawl = summary.to_json()
    report = {
        "crawled": crawl.get("fetched", 0),
        "indexed": total,
        "search_hits": sum(s["total"] for s in searches),
        "searches": searches,
        "summary": crawl,
        "data_dir": str(data_dir),
        "serve": serve_command(data_dir),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"Demo: served the sample site on 127.0.0.1, crawled {report['crawled']} pages, "
              f"{report['indexed']} articles in the index.\n")
        for line in summary.lines():
            print("  " + line)
        print()
        for s in searches:
            print(f"search {s['label']}: {s['total']} article(s)")
            for title in s["top"]:
                print(f"    - {title}")
    if summary.not_stored:
        raise JobFailed(f"{summary.not_stored} fetched page(s) could not be stored: run with -v "
                        "to see why")
    if not total:
        raise JobFailed("the demo indexed nothing: run with -v to see why")
    if not args.json:
        print(f"\nThe demo index is in {data_dir}. Browse it with (then open the address "
              "it prints):\n")
        print(f"  {report['serve']}")
    return 0


def fresh_demo_dir(path: Path) -> Path:
    """path, emptied if an earlier demo made it; a dir with anything else in it is refused."""
    if path.exists():
        if not path.is_dir():
            raise UserError(f"{path} is not a directory: choose another with --keep DIR")
        if any(path.iterdir()) and not (path / MARK).exists():
            raise UserError(f"{path} holds files the demo did not make; the demo will not "
                            "empty it: choose another with --keep DIR")
        shutil.rmtree(path)
    try:
        path.mkdir(parents=True)
        (path / MARK).write_text("made by 'scamscope demo'; emptied at each run\n")
    except OSError as exc:
        raise UserError(f"cannot create the demo's data dir {path}: {exc.strerror}; "
                        "choose another with --data-dir or --keep") from exc
    return path


def serve_command(data_dir: Path) -> str:
    """The command, as this one was started, that serves the demo index."""
    program = sys.argv[0]
    if Path(program).name == "scamscope":  # the console script, as it was typed
        parts = [program]
    else:  # python -m scamscope
        parts = [sys.executable, "-m", "scamscope"]
    return shlex.join([*parts, "--data-dir", str(data_dir), "serve"])
