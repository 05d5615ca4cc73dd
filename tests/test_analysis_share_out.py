"""Batches are cut into parts for the workers, and the last ones are shared out, so that
the workers finish together: every page still comes back once, in its batch, in order.

Real worker processes (fresh and forked from a private zygote), the real nlp stage;
tests/runaway_analyzer.py marks a page that kills its worker.
"""
from __future__ import annotations

import os

from nlp.analyze import Rejected
from nlp.options import NlpOptions
from nlp.records import Article
from nlp.workers import AnalysisPool
from tests.test_analysis_workers import RUNAWAY, demo_pages, marked


def run_batches(pool: AnalysisPool, batches: list[list]) -> list[tuple[list, list]]:
    done = []
    try:
        for i, batch in enumerate(batches):
            pool.submit(batch, last=i == len(batches) - 1)
            done.extend(pool.collect())
        done.extend(pool.collect(block=True))
    finally:
        pool.close()
    return done


def urls(results) -> list[str]:
    return [r.fetched_url if isinstance(r, Article) else r.url for r in results]


def test_parts_come_back_as_the_batches_submitted_in_order():
    pages = demo_pages(16)
    batches = [pages[:5], pages[5:12], pages[12:]]
    pool = AnalysisPool(NlpOptions(), workers=2, part_pages=3, min_part=1)
    done = run_batches(pool, batches)
    assert [got for got, _ in done] == batches  # whole batches, as submitted, in order
    for got, results in done:
        assert urls(results) == [p.url for p in got]
    assert sum(isinstance(r, Article) for _, rs in done for r in rs) >= 13
    # cut into parts (at least 16 / 3 of them) on both workers
    assert pool.counts["parts"] >= 4 and pool.counts["workers_started"] == 2


def test_the_last_batch_is_shared_out_in_smaller_parts_with_the_same_results():
    pages = demo_pages(12)
    whole = run_batches(AnalysisPool(NlpOptions(), workers=2, part_pages=0), [pages])
    pool = AnalysisPool(NlpOptions(), workers=2, part_pages=0, min_part=1)
    shared = run_batches(pool, [pages])
    # 12 pages left for 2 workers: shares of 3, 3 (12 / 4, then 9 / 4 rounded up), 2, 2, 1...
    assert pool.counts["parts"] >= 4
    assert [p for p, _ in shared] == [pages]
    assert [r.to_json() if isinstance(r, Article) else r for r in shared[0][1]] == \
        [r.to_json() if isinstance(r, Article) else r for r in whole[0][1]]


def test_a_worker_that_dies_in_a_part_loses_no_page():
    pages = demo_pages(9)
    pages[7] = marked(pages[7], b"<!-- CRASH -->")
    batches = [pages[:4], pages[4:]]
    pool = AnalysisPool(NlpOptions(), workers=2, part_pages=2, min_part=1, analyzer=RUNAWAY)
    done = run_batches(pool, batches)
    assert [got for got, _ in done] == batches
    results = [r for _, rs in done for r in rs]
    assert urls(results) == [p.url for p in pages]
    assert isinstance(results[7], Rejected) and results[7].reason == "analysis_crash"
    assert all(isinstance(r, Article) for i, r in enumerate(results) if i != 7)
    assert pool.counts["crashes"] >= 1 and pool.counts["parts"] >= 3


def test_preload_starts_the_private_zygote_before_any_page_and_close_ends_it():
    pool = AnalysisPool(NlpOptions(zygote="private"), workers=2)
    try:
        pool.preload()
        zygote = pool._private.process
        assert zygote.poll() is None and os.path.exists(pool.zygote)
        assert pool.counts["workers_started"] == 0  # loading, not analysing yet
    finally:
        pool.close()  # a crawl that found nothing new: the zygote goes, loaded or not
    assert zygote.poll() is not None and not os.path.exists(pool.zygote)


def test_a_preloaded_private_zygote_forks_every_worker_of_a_shared_out_crawl():
    pages = demo_pages(10)
    pool = AnalysisPool(NlpOptions(zygote="private"), workers=2, part_pages=4, min_part=1)
    pool.preload()
    done = run_batches(pool, [pages[:6], pages[6:]])
    assert [got for got, _ in done] == [pages[:6], pages[6:]]
    assert urls([r for _, rs in done for r in rs]) == [p.url for p in pages]
    assert pool.counts["workers_forked"] == pool.counts["workers_started"] == 2
