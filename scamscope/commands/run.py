"""`scamscope run [--once]`: the scheduler daemon (crawls, alerts, web UI)."""
from __future__ import annotations

import argparse

from scamscope.config import Settings
from scamscope.crawling import all_sources
from scamscope.scheduler import Daemon


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "run", parents=parents, help="the daemon: scheduled crawls, alerts and the web UI",
        description="Run crawls of every enabled source on its interval, alert digests "
                    "(instant, hourly, daily) and, unless web_in_daemon is off, the web UI, "
                    "until stopped with Ctrl-C or SIGTERM. The schedule is kept in the data "
                    "dir, so a restart resumes it.")
    parser.add_argument("--once", action="store_true",
                        help="run every job once (each crawl, then alerts) and exit; "
                             "exit 1 if any failed")
    return parser


def global_args(args: argparse.Namespace, settings: Settings) -> list[str]:
    """The options a crawl subprocess needs to see the same settings as the daemon."""
    out = ["--data-dir", str(settings.data_path.resolve())]
    if getattr(args, "config", None):
        out += ["--config", str(args.config)]
    if getattr(args, "index", None):
        out += ["--index", args.index]
    if getattr(args, "quiet", False):
        out.append("-q")
    out += ["-v"] * int(getattr(args, "verbose", 0) or 0)
    return out


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings.ensure_data_dir()
    daemon = Daemon(settings=settings, global_args=global_args(args, settings),
                    sources=all_sources(settings),
                    verbose=int(getattr(args, "verbose", 0) or 0))
    return daemon.run_once() if args.once else daemon.run()
