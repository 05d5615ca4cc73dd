"""`scamscope serve`: binds 127.0.0.1 by default; a port in use is one line and exit 1."""
from __future__ import annotations

import socket

from scamscope.cli import build_parser
from scamscope.config import Settings


def test_serve_binds_loopback_by_default():
    args = build_parser().parse_args(["serve"])
    assert args.host is None and args.port is None  # so the settings decide
    assert (Settings().web_host, Settings().web_port) == ("127.0.0.1", 8000)


def test_a_port_in_use_is_one_line_and_exit_1(cli, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = cli("--index", f"sqlite://{tmp_path / 'index.db'}", "serve", "--port", str(port))
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines == [f"scamscope serve: port {port} on 127.0.0.1 is already in use: stop the "
                     "other server or choose another with --port"]
    assert "Traceback" not in result.err


def test_served_search_page_and_api_agree_on_the_first_hit(served_web):
    import re

    import httpx

    with httpx.Client(base_url=served_web, trust_env=False) as client:
        api = client.get("/api/search", params={"q": "scam"}).json()
        page = client.get("/", params={"q": "scam"}).text
        assert client.get("/openapi.json").status_code == 200
    first = re.search(r'<h2><a href="/articles/([0-9a-f]+)[?"]', page).group(1)
    assert api["total"] > 0 and first == api["hits"][0]["id"]


def test_an_index_that_cannot_open_is_one_line_before_anything_listens(cli, tmp_path):
    result = cli("--index", f"sqlite://{tmp_path}", "serve", "--port", "0")
    assert result.code == 1
    assert "serving" not in result.out
    [line] = result.err.strip().splitlines()
    assert line.startswith("scamscope serve: ") and "is a directory" in line
