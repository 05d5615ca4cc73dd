"""From demo to browser: `scamscope --data-dir DIR demo` (what `make demo` runs) keeps its
index in DIR/demo and ends with the exact command that serves it; that command, run as
printed, shows the demo articles in Chromium (Debian's, driven by Playwright; no browser
download). A rerun starts the demo dir afresh; a dir the demo did not make is never emptied."""
from __future__ import annotations

import shlex
from pathlib import Path

import httpx

from tests.fixtures.cli import clean_env
from tests.fixtures.smtp import free_port
from tests.fixtures.web import serving_command
from tests.test_web_browser import ARTIFACTS, chromium_page


def articles(index: Path) -> int:
    from indexer.base import open_index

    opened = open_index(f"tantivy://{index}")
    try:
        return opened.count()
    finally:
        opened.close()


def test_demo_keeps_its_index_in_the_data_dir_and_prints_the_command_that_serves_it(
        cli, data_dir):
    demo = cli("demo", timeout=300)  # cli passes --data-dir data_dir, as `make demo` does
    assert demo.code == 0, demo.err
    index = data_dir / "demo" / "index.tantivy"  # the embedded default
    assert index.is_dir()
    assert not (data_dir / "index.tantivy").exists()  # the user's own index is not touched
    command = demo.out.rstrip().splitlines()[-1].strip()
    argv = shlex.split(command)
    assert argv[-3:] == ["--data-dir", str(data_dir / "demo"), "serve"], command
    count = articles(index)
    assert count >= 20

    # Served exactly as printed (only the port comes from the environment: the default
    # 8000 may be taken on a shared machine), the page lists the demo's articles.
    env = clean_env(SCAMSCOPE_WEB_PORT=str(free_port()))
    with serving_command(argv, env, data_dir) as url:
        api = httpx.get(f"{url}/api/search", params={"q": "scam"}, trust_env=False).json()
        assert api["total"] >= 10
        problems: list[str] = []
        with chromium_page(problems) as page:
            page.goto(url + "/")
            assert page.locator("li.hit").count() > 0
            titles = page.locator("li.hit h2 a").all_inner_texts()
            page.screenshot(path=str(ARTIFACTS / "demo-browse.png"), full_page=True)
        assert problems == []
        every = httpx.get(f"{url}/api/search", params={"limit": count},
                          trust_env=False).json()
        assert titles and set(titles) <= {h["title"] for h in every["hits"]}

    # Again: the sample site gets a new port, yet the demo index is not doubled.
    again = cli("demo", "--json", timeout=300)
    assert again.code == 0, again.err
    assert again.json()["data_dir"] == str(data_dir / "demo")
    assert articles(index) == count


def test_the_demo_never_empties_a_dir_it_did_not_make(cli, tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("months of work")
    result = cli("demo", "--keep", str(mine))
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert "holds files the demo did not make" in line and "--keep" in line
    assert (mine / "thesis.txt").read_text() == "months of work"


def test_an_empty_index_page_suggests_the_demo(cli, data_dir):
    import sys

    env = clean_env(SCAMSCOPE_WEB_PORT=str(free_port()))
    cmd = [sys.executable, "-m", "scamscope", "--data-dir", str(data_dir), "serve"]
    with serving_command(cmd, env, data_dir) as url:
        page = httpx.get(url + "/", trust_env=False).text
    assert "The index is empty" in page and "scamscope demo" in page
