"""Tantivy's facets come from single-valued slot columns plus an overflow column
(indexer.tantivy_facets): the counts must be exact, every value's, on an index of
several segments with deleted articles, articles naming more values than there are
slots, and also when a slot holds too many values and the facet is counted the old way."""
from __future__ import annotations

import pytest

import indexer.tantivy_facets as tantivy_facets
import indexer.tantivy_index as tantivy_index
from indexer.fields import ALL_FACETS, field
from indexer.query import Query
from indexer.sample import sample_articles
from tests.fixtures.index import tantivy_and_sqlite

QUERIES = [Query(), Query(text="scam"), Query(text="police -raided"),
           Query(countries=["MM"]), Query(text="诈骗园区"), Query(text="fraude OR estafas"),
           Query(places=["Myawaddy"], min_usd=10e6), Query(text="zzzunknownword")]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    articles = sample_articles(500, seed=21)
    tantivy, sqlite = tantivy_and_sqlite(tmp_path_factory.mktemp("facets"), articles)
    gone = [a.id for a in articles[::7]]  # deleted documents must not be counted
    tantivy.delete(gone)
    sqlite.delete(gone)
    yield articles, tantivy, sqlite
    tantivy.close()
    sqlite.close()


def _facets(index, query: Query, size: int = 200) -> dict[str, list[tuple[str, int]]]:
    results = index.search(Query(**{**query.to_json(), "facet_size": size},
                                 facet_names=ALL_FACETS))
    return {name: [(v.value, v.count) for v in values]
            for name, values in results.facets.items()}


def test_the_corpus_overflows_the_slots(indexes):
    articles = indexes[0]
    assert max(len(field("place").of(a.entities)) for a in articles) > tantivy_facets.SLOTS
    assert tantivy_facets.SLOTS < 7


@pytest.mark.parametrize("share", [0.0, 2.0], ids=["postings-for-filters", "slots-always"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.text or str(q.to_json()))
def test_every_facet_count_is_exact(indexes, query, share, monkeypatch):
    _, tantivy, sqlite = indexes
    monkeypatch.setattr(tantivy_index, "POSTINGS_SHARE", share)
    assert _facets(tantivy, query) == _facets(sqlite, query)
    assert tantivy.search(query).total == sqlite.search(query).total


@pytest.mark.parametrize("size", [1, 3, 10])
def test_facets_cut_at_facet_size_ties_by_value(indexes, size):
    _, tantivy, sqlite = indexes
    assert _facets(tantivy, Query(text="scam"), size) == _facets(sqlite, Query(text="scam"), size)


def test_slots_too_full_to_return_are_counted_on_the_whole_field(indexes, monkeypatch):
    _, tantivy, sqlite = indexes
    monkeypatch.setattr(tantivy_facets, "VALUES", 2)  # every slot "has too many values"
    for query in QUERIES[:4]:
        assert _facets(tantivy, query, 5) == _facets(sqlite, query, 5)



@pytest.mark.parametrize("size", [1, 3])
def test_postings_facets_cut_at_facet_size_ties_by_value(indexes, size, monkeypatch):
    _, tantivy, sqlite = indexes
    monkeypatch.setattr(tantivy_index, "POSTINGS_SHARE", 0.0)
    for query in (Query(), Query(countries=["MM"]), Query(langs=["th"])):
        assert _facets(tantivy, query, size) == _facets(sqlite, query, size)
