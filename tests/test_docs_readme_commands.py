"""README's command lines work verbatim (Datasette's tests/test_docs.py habit).

Every line of every ```sh block is either run here, exactly as written (`.venv/bin/scamscope`
and `scamscope` become this Python's `-m scamscope`), or listed in NOT_RUN with the reason
and the test that covers it instead; a new README line fails this test until it is one or
the other. The tour runs in a temporary directory: `demo` first (SCAMSCOPE_DATA_DIR=root, so
it fills root/demo), then every other line against the demo's data dir, the way a reader who
followed the demo's last line would. Servers are started, asked for their page and stopped;
only the port comes from the environment (8000 may be taken on a shared machine)."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from tests.fixtures.cli import REPO, clean_env
from tests.fixtures.smtp import free_port
from tests.fixtures.web import serving_command

NOT_RUN = {
    "make run": "installs .venv and runs the daemon until stopped "
                "(the daemon: test_scheduler_daemon.py, test_daemon_quiet_output.py)",
    "make test": "is the whole suite",
    "crawl --feed https://example.org/rss.xml": "needs the internet (test_crawl_cli.py)",
    "sources check": "needs the internet (test_crawl_catalogue.py)",
    "crawl": "needs the internet (test_crawl_cli.py)",
    "run": "the daemon runs until stopped (test_scheduler_daemon.py)",
    "--smtp smtp+starttls://alerts@mail.example.org:587 run": "a daemon and a real mail server "
                                                               "(test_scheduler_daemon.py)",
    "make cluster": "starts OpenSearch (the contract suite runs on the shared cluster)",
    "make cluster NODES=3": "starts OpenSearch (test_index_elastic_scale_out.py)",
    "--index http://127.0.0.1:PORT crawl --feed https://example.org/rss.xml":
        "PORT is the reader's cluster (test_index_elastic.py)",
    "--index http://127.0.0.1:PORT search --country MM --json":
        "PORT is the reader's cluster (test_index_contract.py)",
    "--index tantivy:///srv/scamscope/index.tantivy search scam":
        "a reader's own absolute path (URL forms: test_index_url_forms.py)",
    "--index tantivy://index.tantivy search scam": "URL forms: test_index_url_forms.py",
    "--index sqlite:///srv/scamscope/index.db search scam":
        "a reader's own absolute path (URL forms: test_index_url_forms.py)",
    "reindex --from sqlite:///srv/scamscope/index.db --to tantivy:///srv/scamscope/index.tantivy":
        "a reader's own indexes (test_index_reindex.py)",
    "reindex --from tantivy:///srv/scamscope/index.tantivy --to http://127.0.0.1:9200":
        "a reader's cluster (test_index_reindex.py)",
    "make cluster-stop": "stops OpenSearch",
}
PROGRAMS = (".venv/bin/scamscope", "scamscope")


def readme_commands() -> list[tuple[dict[str, str], list[str], str]]:
    """(environment assignments, argv, line) of every line in README's sh blocks."""
    text = (REPO / "README.md").read_text()
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            env = {}
            while "=" in words[0] and not words[0].startswith("-"):
                name, value = words.pop(0).split("=", 1)
                env[name] = value
            out.append((env, words, line))
    return out


def key(argv: list[str]) -> str:
    """The line without its program, as NOT_RUN names it."""
    rest = argv[1:] if argv[0] in PROGRAMS else argv
    return " ".join(rest) if argv[0] in PROGRAMS else " ".join(argv)


def test_every_readme_command_works_verbatim(tmp_path):
    commands = readme_commands()
    keys = [key(argv) for _, argv, _ in commands]
    assert set(NOT_RUN) <= set(keys), f"NOT_RUN names lines README no longer has: " \
                                      f"{set(NOT_RUN) - set(keys)}"
    runnable = [(env, argv, line) for env, argv, line in commands if key(argv) not in NOT_RUN]
    assert all(argv[0] in PROGRAMS for _, argv, _ in runnable), \
        [line for _, argv, line in runnable if argv[0] not in PROGRAMS]
    assert key(runnable[0][1]) == "demo", "the tour starts with the demo"

    root = tmp_path / "reader"
    root.mkdir()
    shutil.copy(REPO / "tests" / "data" / "html" / "article_fr.html", root / "article.html")
    ran = []
    for env, argv, line in runnable:
        data_dir = root if key(argv) == "demo" else root / "demo"
        full_env = clean_env(SCAMSCOPE_DATA_DIR=str(data_dir),
                             SCAMSCOPE_WEB_PORT=str(free_port()), **env)
        cmd = [sys.executable, "-m", "scamscope", *argv[1:]]
        if argv[-1] == "serve":
            with serving_command(cmd, full_env, root) as url:
                page = httpx.get(url + "/", trust_env=False)
            assert page.status_code == 200, line
        else:
            done = subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                                  cwd=str(root), timeout=300, stdin=subprocess.DEVNULL)
            assert done.returncode == 0, f"{line}\n{done.stderr}"
            assert "Traceback" not in done.stderr, line
        ran.append(key(argv))
    assert len(ran) + len(NOT_RUN) == len(keys)
