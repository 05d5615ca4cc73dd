"""A Tantivy search counts its matches and facets on a pool thread beside the page's
search (indexer.tantivy_index._pool): searches from many threads at once must give
what they give one at a time, and a forked child (a pre-forking web server) must get a
pool of its own rather than wait for threads that did not fork with it."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest

import indexer.tantivy_index as tantivy_index
from indexer.query import Query
from indexer.sample import sample_articles
from indexer.tantivy_index import TantivyIndex

QUERIES = [Query(), Query(text="scam"), Query(text='"scam compound"'), Query(text="traffick*"),
           Query(countries=["MM"]), Query(text="诈骗园区", sort="date"),
           Query(text="scam", offset=5, limit=3), Query(text="police", limit=0)]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = TantivyIndex(tmp_path_factory.mktemp("threads") / "index", analysis_processes=0)
    articles = sample_articles(400, seed=9)
    idx.upsert(articles[:200])
    idx.upsert(articles[200:])  # two segments
    yield idx
    idx.close()


def _seen(results):
    return (results.total, [h.id for h in results.hits],
            {name: [(v.value, v.count) for v in values] for name, values in results.facets.items()})


def test_concurrent_searches_give_what_serial_ones_give(index, monkeypatch):
    monkeypatch.setattr(tantivy_index, "COUNT_THREAD", False)  # counted before the page
    serial = [_seen(index.search(q)) for q in QUERIES]
    monkeypatch.setattr(tantivy_index, "COUNT_THREAD", True)
    assert all(total > 0 for total, _, _ in serial)
    with ThreadPoolExecutor(8) as callers:
        rounds = list(callers.map(lambda i: _seen(index.search(QUERIES[i % len(QUERIES)])),
                                  range(8 * len(QUERIES))))
    assert rounds == [serial[i % len(QUERIES)] for i in range(len(rounds))]


def _search_in_child(path: str, out) -> None:
    idx = TantivyIndex(path, analysis_processes=0)
    out.put(_seen(idx.search(Query(text="scam"))))


def test_a_forked_child_searches_with_its_own_pool(index, monkeypatch):
    monkeypatch.setattr(tantivy_index, "COUNT_THREAD", True)
    with ThreadPoolExecutor(4) as callers:  # every thread of the parent's pool started
        expected, *_ = callers.map(lambda _: _seen(index.search(Query(text="scam"))), range(8))
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_search_in_child, args=(str(index.path), out))
    child.start()
    child.join(120)  # a child waiting on the parent's threads would never finish
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0
    assert out.get(timeout=5) == expected
