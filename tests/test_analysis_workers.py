"""Analysis runs in worker processes: no page can hang it, no page is dropped.

Real worker processes and the real nlp stage; the marked pages of
tests/runaway_analyzer.py stand for a runaway page (a regex backtracking in C)
and for a worker that dies.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from nlp.analyze import Rejected
from nlp.options import NlpOptions
from nlp.records import Article, Page
from nlp.workers import AnalysisPool

SITE = Path(__file__).resolve().parents[1] / "scamscope" / "demo" / "site" / "articles"
RUNAWAY = "tests.runaway_analyzer:RunawayAnalyzer"


def demo_pages(n: int) -> list[Page]:
    files = sorted(SITE.glob("*.html"))
    pages = []
    for i in range(n):
        body = files[i % len(files)].read_bytes()
        url = f"https://news.example/{i}/{files[i % len(files)].stem}"
        pages.append(Page(url=url, final_url=url, status=200, body=body, source="test"))
    return pages


def marked(page: Page, mark: bytes) -> Page:
    return Page(url=page.url, final_url=page.final_url, status=200,
                body=page.body.replace(b"<body", mark + b"<body", 1), source=page.source)


def analyse(pool: AnalysisPool, pages: list[Page], batch: int) -> list:
    out = []
    try:
        for start in range(0, len(pages), batch):
            pool.submit(pages[start:start + batch])
            out.extend(r for _, results in pool.collect() for r in results)
        out.extend(r for _, results in pool.collect(block=True) for r in results)
    finally:
        pool.close()
    return out


@pytest.mark.parametrize("batch", [1, 7])
def test_results_come_back_in_order_whatever_the_batch_size(batch):
    pages = demo_pages(15)
    results = analyse(AnalysisPool(NlpOptions(), workers=2), pages, batch)
    assert [r.fetched_url if isinstance(r, Article) else r.url for r in results] == \
        [p.url for p in pages]
    assert sum(isinstance(r, Article) for r in results) >= 12


def test_a_runaway_page_is_stopped_and_recorded_as_timeout_and_the_rest_analysed():
    pages = demo_pages(6)
    pages[2] = marked(pages[2], b"<!-- RUNAWAY -->")
    pool = AnalysisPool(NlpOptions(), workers=1, page_timeout=8, analyzer=RUNAWAY)
    results = analyse(pool, pages, 6)
    assert isinstance(results[2], Rejected) and results[2].reason == "timeout"
    assert all(isinstance(r, Article) for i, r in enumerate(results) if i != 2)
    assert pool.counts["workers_killed"] >= 2  # the batch's worker, then the page's own


def test_a_worker_that_dies_loses_no_page():
    pages = demo_pages(5)
    pages[4] = marked(pages[4], b"<!-- CRASH -->")
    pool = AnalysisPool(NlpOptions(), workers=2, analyzer=RUNAWAY)
    results = analyse(pool, pages, 2)
    assert isinstance(results[4], Rejected) and results[4].reason == "analysis_crash"
    assert all(isinstance(r, Article) for r in results[:4])


def test_abort_from_another_thread_returns_unfinished_pages_as_interrupted():
    pages = demo_pages(4)
    pages[0] = marked(pages[0], b"<!-- RUNAWAY -->")
    pool = AnalysisPool(NlpOptions(), workers=1, page_timeout=600, analyzer=RUNAWAY)
    threading.Timer(3.0, pool.abort).start()
    results = analyse(pool, pages, 4)
    assert [r.reason for r in results] == ["interrupted"] * 4
