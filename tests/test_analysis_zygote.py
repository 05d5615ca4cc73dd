"""Analysis workers forked from a warm zygote keep every guarantee of fresh ones.

Real zygote processes (nlp/zygote.py) on real Unix sockets, the real nlp stage;
tests/runaway_analyzer.py marks a runaway page and a page that kills its worker.
"""
from __future__ import annotations

import os
import resource
import signal
import time

import pytest

from nlp.analyze import Rejected
from nlp.options import NlpOptions
from nlp.records import Article
from nlp.workers import AnalysisPool
from nlp.zygote import Zygote
from tests.runaway_analyzer import BURN_SECONDS
from tests.test_analysis_workers import RUNAWAY, analyse, demo_pages, marked


def children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return {int(p) for p in fh.read().split()}
    except FileNotFoundError:
        return set()


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def zygote(tmp_path):
    with Zygote(tmp_path / "analysis.sock", NlpOptions(), analyzer=RUNAWAY) as z:
        yield z


@pytest.mark.parametrize("batch", [1, 2, 7])
def test_forked_workers_return_every_page_in_order(zygote, batch):
    pages = demo_pages(15)
    pool = AnalysisPool(NlpOptions(zygote=zygote.address), workers=2, analyzer=RUNAWAY)
    results = analyse(pool, pages, batch)
    assert [r.fetched_url if isinstance(r, Article) else r.url for r in results] == \
        [p.url for p in pages]
    assert sum(isinstance(r, Article) for r in results) >= 12
    assert pool.counts["workers_forked"] == pool.counts["workers_started"] >= 1
    assert all(gone(pid) for pid in children(zygote.pid))  # closed pool: no worker left


def test_a_runaway_page_in_a_forked_worker_is_killed_and_recorded_as_timeout(zygote):
    pages = demo_pages(6)
    pages[2] = marked(pages[2], b"<!-- RUNAWAY -->")
    pool = AnalysisPool(NlpOptions(zygote=zygote.address), workers=1, page_timeout=8,
                        analyzer=RUNAWAY)
    results = analyse(pool, pages, 6)
    assert isinstance(results[2], Rejected) and results[2].reason == "timeout"
    assert all(isinstance(r, Article) for i, r in enumerate(results) if i != 2)
    assert pool.counts["workers_killed"] >= 2
    assert pool.counts["workers_forked"] == pool.counts["workers_started"]


def test_a_forked_worker_that_dies_mid_batch_loses_no_page(zygote):
    pages = demo_pages(5)
    pages[4] = marked(pages[4], b"<!-- CRASH -->")
    pool = AnalysisPool(NlpOptions(zygote=zygote.address), workers=2, analyzer=RUNAWAY)
    results = analyse(pool, pages, 2)
    assert isinstance(results[4], Rejected) and results[4].reason == "analysis_crash"
    assert all(isinstance(r, Article) for r in results[:4])
    assert pool.counts["crashes"] >= 1 and pool.counts["workers_forked"] >= 2


def test_a_forked_worker_killed_from_outside_mid_batch_has_its_pages_retried(zygote):
    pages = demo_pages(4)
    pages[0] = marked(pages[0], b"<!-- RUNAWAY -->")  # holds the worker while we kill it
    pool = AnalysisPool(NlpOptions(zygote=zygote.address), workers=1, page_timeout=5,
                        start_timeout=5, analyzer=RUNAWAY)
    try:
        pool.submit(pages[:2])
        deadline = time.monotonic() + 60
        while not children(zygote.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        (worker,) = children(zygote.pid)
        os.kill(worker, signal.SIGKILL)
        pool.submit(pages[2:])
        results = [r for _, rs in pool.collect(block=True) for r in rs]
    finally:
        pool.close()
    assert [r.fetched_url if isinstance(r, Article) else r.url for r in results] == \
        [p.url for p in pages]
    assert pool.counts["crashes"] == 1  # our kill; the batch was then retried page by page
    assert isinstance(results[0], Rejected) and results[0].reason == "timeout"
    assert all(isinstance(r, Article) for r in results[1:])
    assert pool.counts["workers_forked"] == pool.counts["workers_started"] >= 2


def test_a_dead_zygote_means_fresh_workers_and_nothing_lost(tmp_path):
    with Zygote(tmp_path / "analysis.sock", NlpOptions()) as z:
        address = z.address
    assert not os.path.exists(address)
    pages = demo_pages(4)
    pool = AnalysisPool(NlpOptions(zygote=address), workers=2)
    results = analyse(pool, pages, 2)
    assert all(isinstance(r, Article) for r in results)
    assert pool.counts["workers_forked"] == 0 and pool.counts["workers_started"] >= 1


def test_a_zygote_killed_while_its_workers_run_loses_no_page(tmp_path):
    z = Zygote(tmp_path / "analysis.sock", NlpOptions())
    z.start()
    pages = demo_pages(6)
    pool = AnalysisPool(NlpOptions(zygote=z.address), workers=1)
    try:
        pool.submit(pages[:3])
        pool.collect(block=True)
        z.process.kill()  # its forked worker dies with it (PR_SET_PDEATHSIG)
        z.process.wait()
        pool.submit(pages[3:])
        results = [r for _, rs in pool.collect(block=True) for r in rs]
    finally:
        pool.close()
        z.stop()
    assert len(results) == 3 and all(isinstance(r, Article) for r in results)
    assert pool.counts["workers_forked"] == 1 and pool.counts["workers_started"] == 2


def test_a_restarted_zygote_serves_workers_again(tmp_path):
    z = Zygote(tmp_path / "analysis.sock", NlpOptions())
    z.start()
    try:
        first = z.pid
        assert not z.ensure()
        z.process.kill()
        z.process.wait()
        assert z.ensure() and z.pid != first
        pool = AnalysisPool(NlpOptions(zygote=z.address), workers=1)
        results = analyse(pool, demo_pages(2), 2)
        assert all(isinstance(r, Article) for r in results)
        assert pool.counts["workers_forked"] == 1
    finally:
        z.stop()


def test_a_private_zygote_serves_one_pool_and_goes_with_it():
    pages = demo_pages(6)
    pool = AnalysisPool(NlpOptions(zygote="private"), workers=2)
    try:
        pool.submit(pages[:3])
        pool.submit(pages[3:])
        results = [r for _, rs in pool.collect(block=True) for r in rs]
        zygote = pool._private.process
    finally:
        pool.close()
    assert all(isinstance(r, Article) for r in results) and len(results) == 6
    assert pool.counts["workers_forked"] == pool.counts["workers_started"] == 2
    assert zygote.poll() is not None and not os.path.exists(pool.zygote)



def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def test_the_cpu_of_forked_workers_counts_as_the_zygote_owners(tmp_path):
    """A crawl's CPU seconds (bench/realpages.py, bench/daemon.py) are its children's,
    its zygote's among them, which must include the workers it forked. On a busy machine
    a zygote may not have reaped its ended workers yet when it is stopped: killed then,
    it lost them (re-parented, reaped elsewhere), and a crawl's analysis once showed
    2.6 s of CPU for about 20. A stopped zygote (SIGSTOP, as Ctrl-Z does) stands for
    that busy machine: it has not reaped them when it is told to stop."""
    pages = [marked(page, b"<!-- BURN -->") for page in demo_pages(2)]
    z = Zygote(tmp_path / "analysis.sock", NlpOptions(), analyzer=RUNAWAY)
    before = _children_cpu()
    z.start()
    pool = AnalysisPool(NlpOptions(zygote=z.address), workers=2, analyzer=RUNAWAY)
    try:
        results = analyse_without_closing(pool, pages)
        assert pool.counts["workers_forked"] == 2  # one page each, burnt in parallel
        os.kill(z.pid, signal.SIGSTOP)
        zygote_own = _own_cpu(z.pid)
    finally:
        pool.close()  # the workers end; the zygote cannot reap them yet
        z.stop()
    assert all(isinstance(r, Article) for r in results)
    assert _children_cpu() - before - zygote_own >= 2 * BURN_SECONDS


def analyse_without_closing(pool: AnalysisPool, pages) -> list:
    for page in pages:
        pool.submit([page])
    return [r for _, results in pool.collect(block=True) for r in results]
