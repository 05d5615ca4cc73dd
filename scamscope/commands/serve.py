"""`scamscope serve`: the web UI and JSON API on 127.0.0.1:8000 (or --host/--port)."""
from __future__ import annotations

import argparse
import dataclasses
import errno
import socket
import sys

from scamscope.config import Settings
from scamscope.errors import JobFailed, UserError


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


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a one-line JobFailed when the address is taken."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UserError(f"cannot bind {host!r}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise JobFailed(f"port {port} on {host} is already in use: stop the other server "
                            "or choose another with --port") from None
        raise JobFailed(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from scamscope.indexing import open_configured_index, sqlite_path
    from scamscope.web.app import create_app

    host = args.host or settings.web_host
    port = settings.web_port if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UserError(f"--port {port} is not a port number (0-65535)")
    path = sqlite_path(settings)
    missing = path is not None and not path.exists()
    index = open_configured_index(settings)  # a bad --index fails before anything listens
    try:
        sock = bind(host, port)
        try:
            actual = sock.getsockname()[1]
            app = create_app(dataclasses.replace(settings, web_host=host, web_port=actual),
                             index)
            shown = f"[{host}]" if ":" in host else host
            print(f"scamscope: serving http://{shown}:{actual}/ (Ctrl-C to stop)", flush=True)
            if missing:
                sys.stderr.write(f"scamscope serve: no index at {path} yet; serving an empty "
                                 "one (scamscope crawl fills it)\n")
            if not settings.web_token:
                sys.stderr.write("scamscope serve: SCAMSCOPE_WEB_TOKEN is not set, so saved "
                                 "searches cannot be created or removed\n")
            # log_config=None: logging is configured by the CLI, not by uvicorn.
            config = uvicorn.Config(app, log_config=None, access_log=True, server_header=False,
                                    proxy_headers=False, lifespan="on")
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            sock.close()
    finally:
        index.close()
    return 0
