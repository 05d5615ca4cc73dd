"""`scamscope serve`: the web UI and JSON API on 127.0.0.1:8000 (or --host/--port)."""
from __future__ import annotations

import argparse
import sys

from scamscope.config import Settings


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "serve", parents=parents, help="serve the web UI and JSON API",
        description="Serve the search UI and JSON API. Binds 127.0.0.1 unless --host says "
                    "otherwise; saved searches need SCAMSCOPE_WEB_TOKEN.")
    parser.add_argument("--host", default=None, metavar="H",
                        help="address to bind (settings web_host, default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, metavar="P",
                        help="port (settings web_port, default 8000; 0 picks a free one)")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    from scamscope.indexing import open_configured_index
    from scamscope.webserver import warnings, web_server

    notes = warnings(settings)  # before opening the index creates an empty file
    index = open_configured_index(settings)  # a bad --index fails before anything listens
    try:
        server = web_server(settings, args.host, args.port, index, notes=notes)
        print(f"scamscope: serving {server.url} (Ctrl-C to stop)", flush=True)
        for line in server.warnings:
            sys.stderr.write(f"scamscope serve: {line}\n")
        server.run()
    finally:
        index.close()
    return 0
