"""Ranked Tantivy searches whose page ends inside a large tie group (a prefix scores
its matches alike) read that group newest first instead of sorting every match: the
page must be the same either way, at every offset."""
from __future__ import annotations

import pytest

import indexer.tantivy_index as tantivy_index
from indexer.query import Query
from indexer.sample import sample_articles
from indexer.tantivy_index import TantivyIndex


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    idx = TantivyIndex(tmp_path_factory.mktemp("ties") / "index", analysis_processes=0)
    articles = sample_articles(600, seed=5)
    for start in range(0, len(articles), 150):  # several commits: several segments
        idx.upsert(articles[start:start + 150])
    yield idx
    idx.close()


@pytest.mark.parametrize("text", ["scam*", "c*", "compound* OR police", '"scam compound"',
                                  "scam"])
@pytest.mark.parametrize("offset,limit", [(0, 20), (0, 1), (7, 20), (150, 30)])
def test_a_page_ending_in_a_large_tie_is_the_same_whether_sorted_or_walked(
        index, monkeypatch, text, offset, limit):
    query = Query(text=text, offset=offset, limit=limit)
    sorted_all = index.search(query)
    monkeypatch.setattr(tantivy_index, "FETCH_TIES", 5)  # every tie group is "large"
    monkeypatch.setattr(tantivy_index, "TIE_WINDOW", 8)  # read in many small windows
    walked = index.search(query)
    assert walked.total == sorted_all.total
    assert [h.id for h in walked.hits] == [h.id for h in sorted_all.hits]
    assert [h.score for h in walked.hits] == [h.score for h in sorted_all.hits]
    if sorted_all.total > offset:
        assert walked.hits


def test_ties_are_broken_newest_indexed_first(index, monkeypatch):
    monkeypatch.setattr(tantivy_index, "FETCH_TIES", 5)
    monkeypatch.setattr(tantivy_index, "TIE_WINDOW", 8)
    hits = index.search(Query(text="scam*", limit=50)).hits
    assert len(hits) == 50
    for a, b in zip(hits, hits[1:]):
        assert (a.score, a.indexed_at) >= (b.score, b.indexed_at)
