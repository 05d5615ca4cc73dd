"""`search` on a large embedded index says, once a day and on stderr only, where the
engine stops and how to move (scamscope/scale_hint.py). Real SQLite and Tantivy indexes
in the data dir; "large" is lowered through the setting so a few articles are enough."""
from __future__ import annotations

import os
import re
import shlex
import time
from pathlib import Path

import pytest

from indexer.sample import sample_articles
from indexer.sqlite import SQLiteIndex
from scamscope.scale_hint import BENCH_1M, STAMP
from tests.fixtures.cli import REPO, Cli, cli, data_dir  # noqa: F401

ARTICLES = 30
LARGE = {"SCAMSCOPE_SCALE_HINT_ARTICLES": "20"}


@pytest.fixture
def sqlite_data_dir(data_dir: Path) -> Path:  # noqa: F811
    """A data dir whose index is SQLite (an index.db and no index.tantivy)."""
    index = SQLiteIndex(data_dir / "index.db")
    try:
        index.upsert(sample_articles(ARTICLES, seed=3))
    finally:
        index.close()
    return data_dir


def _hints(err: str) -> list[str]:
    return [line for line in err.splitlines() if "hint:" in line]


def test_a_large_sqlite_index_gets_one_hint_on_stderr_with_the_move_and_the_figures(
        cli, sqlite_data_dir):  # noqa: F811
    result = cli("search", "scam", env=LARGE)
    assert result.code == 0, result.err
    assert "article(s); showing" in result.out and "hint" not in result.out
    [hint] = _hints(result.err)
    db = sqlite_data_dir / "index.db"
    assert hint.startswith(f"scamscope: hint: this SQLite index holds {ARTICLES} articles")
    assert f"scamscope reindex --from sqlite://{db} --to tantivy://{sqlite_data_dir}/index.tantivy" \
        in hint
    for engine in ("sqlite", "tantivy", "cluster"):
        assert f"p95 {BENCH_1M[engine].p95_ms} ms at 1M articles" in hint
    assert (sqlite_data_dir / STAMP).exists()

    again = cli("search", "scam", env=LARGE)  # shown once a day per data dir
    assert again.code == 0 and _hints(again.err) == []
    day_ago = time.time() - 25 * 3600
    os.utime(sqlite_data_dir / STAMP, (day_ago, day_ago))
    assert len(_hints(cli("search", "--country", "MM", env=LARGE).err)) == 1


def test_json_quiet_and_a_small_index_stay_silent_and_leave_no_stamp(cli, sqlite_data_dir):  # noqa: F811
    as_json = cli("search", "scam", "--json", env=LARGE)
    assert as_json.code == 0 and as_json.json()["total"] > 0
    assert _hints(as_json.err) == []
    quiet = cli("search", "scam", "-q", env=LARGE)
    assert quiet.code == 0 and _hints(quiet.err) == []
    small = cli("search", "scam", env={"SCAMSCOPE_SCALE_HINT_ARTICLES": str(ARTICLES + 1)})
    assert small.code == 0 and _hints(small.err) == []
    off = cli("search", "scam", env={"SCAMSCOPE_SCALE_HINT_ARTICLES": "0"})
    assert off.code == 0 and _hints(off.err) == []
    assert not (sqlite_data_dir / STAMP).exists()
    default = cli("search", "scam")  # 300,000 by default
    assert default.code == 0 and _hints(default.err) == []


def test_the_hinted_reindex_works_and_tantivy_then_hints_at_the_cluster_when_slow(
        cli, sqlite_data_dir):  # noqa: F811
    [hint] = _hints(cli("search", "scam", env=LARGE).err)
    command = re.search(r"Move it to Tantivy: scamscope (reindex .*?) \(", hint).group(1)
    moved = cli(*shlex.split(command))
    assert moved.code == 0, moved.err
    (sqlite_data_dir / STAMP).unlink()

    # the data dir now searches Tantivy; a fast search on it says nothing ...
    fast = cli("search", "scam", "--json", env={**LARGE, "SCAMSCOPE_SCALE_HINT_SLOW_MS": "60000"})
    assert fast.json()["total"] > 0
    assert _hints(cli("search", "scam", env={**LARGE, "SCAMSCOPE_SCALE_HINT_SLOW_MS": "60000"})
                  .err) == []
    # ... and a slow one (every search is slower than 0 ms) names the cluster
    [tantivy] = _hints(cli("search", "scam", env={**LARGE, "SCAMSCOPE_SCALE_HINT_SLOW_MS": "0"}).err)
    assert tantivy.startswith(f"scamscope: hint: this Tantivy index holds {ARTICLES} articles")
    assert "--to http://HOST:9200" in tantivy
    assert f"p95 {BENCH_1M['cluster'].p95_ms} ms at 1M articles" in tantivy


def test_a_cluster_index_never_gets_the_hint(cli):  # noqa: F811
    from scamscope.scale_hint import maybe_hint

    class Counted:
        def count(self):
            raise AssertionError("a cluster is not counted")

    assert maybe_hint(Counted(), "http://127.0.0.1:9200", cli.data_dir, 10_000.0,
                      min_articles=1, slow_ms=0) is None


def test_negative_thresholds_are_a_configuration_error(cli):  # noqa: F811
    result = cli("search", "scam", env={"SCAMSCOPE_SCALE_HINT_ARTICLES": "-1"})
    assert result.code == 2 and "scale_hint_articles" in result.err


def test_readme_quotes_the_figures_the_hint_prints():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### When the embedded index is too small", 1)[1].split("\n## ", 1)[0]
    for engine, figures in BENCH_1M.items():
        row = {"sqlite": "| SQLite FTS5 |", "tantivy": "| Tantivy (the default) |",
               "cluster": "| search cluster"}[engine]
        line = next(line for line in section.splitlines() if line.startswith(row))
        assert f"| {figures.p50_ms} ms | {figures.p95_ms} ms | {figures.index_rate:,} articles/s |" \
            in line, line
