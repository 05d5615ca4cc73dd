"""The one web server: `scamscope serve` runs it in the foreground, `scamscope run` in a
thread. Both get the same socket handling, the same uvicorn hardening and the same
warnings, so the daemon's web UI is never the weaker of the two."""
from __future__ import annotations

import dataclasses
import errno
import socket
from dataclasses import dataclass
from typing import Any

from scamscope.config import Settings
from scamscope.errors import JobFailed, UserError


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a one-line JobFailed when the address is taken."""
    if not 0 <= port <= 65535:
        raise UserError(f"--port {port} is not a port number (0-65535)")
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


def warnings(settings: Settings) -> list[str]:
    """What a user should know before opening the page (one line each)."""
    from scamscope.indexing import embedded_path

    lines = []
    path = embedded_path(settings)
    if path is not None and not path.exists():
        lines.append(f"no index at {path} yet; serving an empty one (scamscope demo or "
                     "scamscope crawl fills it)")
    if not settings.web_token:
        lines.append("SCAMSCOPE_WEB_TOKEN is not set, so saved searches cannot be created "
                     "or removed")
    return lines


@dataclass
class WebServer:
    """A bound socket and the uvicorn server that will answer on it."""
    server: Any  # uvicorn.Server
    sock: socket.socket
    url: str
    warnings: list[str]

    def run(self) -> None:
        """Serve until stop() (or, in the main thread, Ctrl-C / SIGTERM)."""
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self.sock.close()

    def stop(self) -> None:
        self.server.should_exit = True


def web_server(settings: Settings, host: str | None = None, port: int | None = None,
               index: Any = None, notes: list[str] | None = None) -> WebServer:
    """Bind host:port (the settings' web_host/web_port by default; port 0 picks a free
    one) and build the app on it. index=None: the app opens the settings' index itself.
    notes: warnings(settings) taken before the caller opened the index, if it did."""
    import uvicorn

    from scamscope.web.app import create_app

    host = host or settings.web_host
    port = settings.web_port if port is None else port
    notes = warnings(settings) if notes is None else notes
    sock = bind(host, port)
    try:
        actual = sock.getsockname()[1]
        app = create_app(dataclasses.replace(settings, web_host=host, web_port=actual), index)
        # log_config=None: logging is the CLI's. No Server header (no version to fingerprint),
        # no X-Forwarded-* trust (nothing here sits behind a proxy we know of).
        config = uvicorn.Config(app, log_config=None, access_log=True, server_header=False,
                                proxy_headers=False, lifespan="on")
    except BaseException:
        sock.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    return WebServer(uvicorn.Server(config), sock, f"http://{shown}:{actual}/", notes)
