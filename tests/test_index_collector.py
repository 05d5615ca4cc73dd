"""A bulk write raises the collector's young-generation threshold while it runs and
puts back what it found, nested, across threads, and on errors; a collector turned
off or set higher by the application is left as it is."""
from __future__ import annotations

import gc
import threading

import pytest

from indexer.collector import BULK_THRESHOLD, fewer_collections
from indexer.sample import sample_articles
from indexer.tantivy_index import TantivyIndex


@pytest.fixture
def threshold():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_raised_inside_and_restored_after_even_on_error(threshold):
    with fewer_collections():
        assert gc.get_threshold() == (BULK_THRESHOLD, 10, 10)
        with fewer_collections():  # nested: still raised, restored by the outer one
            pass
        assert gc.get_threshold() == (BULK_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)
    with pytest.raises(RuntimeError):
        with fewer_collections():
            raise RuntimeError("write failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_threads_restore_once_the_last_leaves(threshold):
    inside, leave = threading.Event(), threading.Event()

    def other():
        with fewer_collections():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    with fewer_collections():
        pass
    assert gc.get_threshold()[0] == BULK_THRESHOLD  # the other thread is still writing
    leave.set()
    thread.join()
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize("chosen", [(0, 10, 10), (BULK_THRESHOLD * 2, 5, 5)])
def test_an_applications_own_setting_is_left_alone(threshold, chosen):
    gc.set_threshold(*chosen)
    with fewer_collections():
        assert gc.get_threshold() == chosen
    assert gc.get_threshold() == chosen


def test_a_tantivy_upsert_collects_less_while_it_writes_and_restores_after(tmp_path,
                                                                           threshold):
    seen: list[int] = []
    articles = sample_articles(30, seed=1)

    def watching():  # the threshold while the index pulls the articles
        for article in articles:
            seen.append(gc.get_threshold()[0])
            yield article

    index = TantivyIndex(tmp_path / "gc.tantivy")
    try:
        assert index.upsert(watching()) == len(articles)
        assert set(seen) == {BULK_THRESHOLD}
        assert gc.get_threshold() == (700, 10, 10)
        assert index.count() == len(articles)
    finally:
        index.close()
