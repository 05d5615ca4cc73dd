"""The Tantivy index shared by processes: one writer at a time (others wait, within a bound),
readers never blocked, and a kill -9 in the middle of a write loses nothing acknowledged."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer.errors import IndexUnavailable
from indexer.query import Query
from indexer.sample import sample_articles
from indexer.tantivy_index import TantivyIndex

REPO = Path(__file__).resolve().parents[1]

# Upserts articles[start:] in batches, printing the number acknowledged after each.
WRITER = textwrap.dedent("""
    import sys, time
    from indexer.sample import sample_articles
    from indexer.tantivy_index import TantivyIndex
    path, n, batch, pause = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    articles = sample_articles(n, seed=11)
    index = TantivyIndex(path)
    def slow(chunk):
        for article in chunk:
            yield article
        if pause:
            print("holding", flush=True)
        time.sleep(pause)  # holds the writer lock, like a long import
    done = 0
    for start in range(0, n, batch):
        chunk = articles[start:start + batch]
        index.upsert(slow(chunk))
        done += len(chunk)
        print(done, flush=True)
    print("finished", flush=True)
""")


def start_writer(path: Path, n: int, batch: int, pause: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n), str(batch),
                             str(pause)], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))


def test_a_second_writer_waits_for_the_lock_then_fails_clearly(tmp_path):
    path = tmp_path / "shared.tantivy"
    TantivyIndex(path).close()
    writer = start_writer(path, 40, 20, pause=4.0)
    try:
        assert writer.stdout.readline().strip() == "holding"
        assert writer.stdout.readline().strip() == "20"  # first batch in
        assert writer.stdout.readline().strip() == "holding"  # the second holds the lock
        impatient = TantivyIndex(path, timeout=0.5)
        extra = sample_articles(3, seed=99)
        with pytest.raises(IndexUnavailable, match="stayed locked by another writer for 0.5s"):
            impatient.upsert(extra)
        # readers are not blocked while the other process writes
        assert impatient.count() == 20
        assert impatient.search(Query(text="scam")).total >= 1
        patient = TantivyIndex(path, timeout=60)
        assert patient.upsert(extra) == 3  # waited for the other writer's call to end
        assert writer.stdout.readline().strip() == "40"
        assert writer.wait(timeout=60) == 0
        assert patient.count() == 43
    finally:
        writer.kill()
        writer.wait()


@pytest.mark.parametrize("kill_after", [1, 3])
def test_kill_9_mid_write_loses_nothing_acknowledged(tmp_path, kill_after):
    path = tmp_path / "crash.tantivy"
    n, batch = 2000, 150
    ids = [a.id for a in sample_articles(n, seed=11)]
    writer = start_writer(path, n, batch, pause=0.0)
    acknowledged = 0
    try:
        for _ in range(kill_after):
            acknowledged = int(writer.stdout.readline())
        os.kill(writer.pid, signal.SIGKILL)  # the next batch is being written or committed
    finally:
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    index = TantivyIndex(path, timeout=5)  # the dead writer's lock went with it
    assert index.has(ids[:acknowledged]) == set(ids[:acknowledged])
    held = index.count()
    assert acknowledged <= held <= n and held % batch in (0, n % batch)  # whole batches only
    # and the directory takes writes again: the rest goes in, each article once
    index.upsert(sample_articles(n, seed=11))
    assert index.count() == n
    assert index.search(Query(limit=0)).total == n


def test_a_large_upsert_analysed_in_worker_processes_stores_the_same(tmp_path):
    articles = sample_articles(3500, seed=12)  # past the chunks prepared in-process
    inline = TantivyIndex(tmp_path / "inline", analysis_processes=0)
    pooled = TantivyIndex(tmp_path / "pooled", analysis_processes=2)
    assert inline.upsert(iter(articles)) == pooled.upsert(iter(articles)) == 3500
    for query in (Query(text="scam", limit=5000), Query(text="arnaques", langs=["fr"]),
                  Query(text='"scam compound" OR 诈骗园区', countries=["MM"], limit=5000),
                  Query(sort="date", limit=50)):
        left, right = inline.search(query), pooled.search(query)
        assert left.total == right.total > 0
        assert {h.id for h in left.hits} == {h.id for h in right.hits}
        assert left.facets == right.facets
    assert pooled.upsert(articles) == 0  # each article once


def test_an_index_from_an_older_analysis_or_field_list_is_rebuilt_on_open(tmp_path):
    import json

    path = tmp_path / "old.tantivy"
    index = TantivyIndex(path)
    articles = sample_articles(300, seed=13)
    index.upsert(articles)
    before = index.search(Query(text="scam", countries=["MM"], limit=500))
    index.close()
    marker = path / "scamscope-tantivy.json"
    for stale in ({"analysis": "an older analysis"}, {"fields": "countries/countries"}):
        marker.write_text(json.dumps(dict(json.loads(marker.read_text()), **stale)))
        reopened = TantivyIndex(path)
        after = reopened.search(Query(text="scam", countries=["MM"], limit=500))
        assert reopened.count() == 300
        assert {h.id for h in after.hits} == {h.id for h in before.hits} and after.total > 0
        assert [h.indexed_at for h in reopened.new_since(None, Query(), limit=500).hits] == \
            sorted(h.indexed_at for h in reopened.new_since(None, Query(), limit=500).hits)
        assert json.loads(marker.read_text())["analysis"] != "an older analysis"
        reopened.close()
    assert not (tmp_path / "old.tantivy.old").exists()
