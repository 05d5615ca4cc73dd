"""A long upsert (a reindex, a backfill) commits every COMMIT_EVERY articles and looks
stored state up LOOKUP_BATCH at a time; a crawl upserts one or two articles a call.
Either way every article is stored exactly once, in its last version, with unique
indexed_at in the order first seen: small limits here make one stream cross many
commit intervals and lookup chunks, with repeats and changes on both sides of them."""
from __future__ import annotations

import dataclasses

import pytest

import indexer.tantivy_index as tantivy_index
from indexer.query import Query
from indexer.sample import sample_articles
from indexer.tantivy_index import TantivyIndex

N = 120


def _changed(article):
    return dataclasses.replace(article, text=article.text + " Police raided it again.",
                               content_hash="")


def _stream():
    """N articles, then repeats (unchanged), changes and repeats of the changed ones."""
    articles = sample_articles(N, seed=21)
    changed = [_changed(a) for a in articles[40:61]]
    stream = articles + articles[:31] + changed + articles[100:110] + changed[:5]
    # expected: N new, len(changed) updated, the rest unchanged
    return stream, articles, changed, N + len(changed)


def _check(index: TantivyIndex, articles, changed) -> None:
    ids = [a.id for a in articles]
    assert index.count() == N
    assert index.search(Query(limit=0)).total == N
    assert index.has(ids) == set(ids)
    by_id = {a.id: a for a in articles} | {a.id: a for a in changed}
    hits = index.new_since(None, Query(), limit=N + 10).hits
    assert sorted(h.id for h in hits) == sorted(ids)  # each once
    stamps = [h.indexed_at for h in hits]
    assert stamps == sorted(stamps) and len(set(stamps)) == N
    for article_id in (ids[0], ids[40], ids[60], ids[99], ids[-1]):
        assert index.get(article_id).text == by_id[article_id].text
    assert index.search(Query(text='"raided it again"', limit=50)).total == len(changed)


@pytest.fixture
def small_intervals(monkeypatch):
    monkeypatch.setattr(tantivy_index, "COMMIT_EVERY", 25)
    monkeypatch.setattr(tantivy_index, "LOOKUP_BATCH", 8)


@pytest.mark.parametrize("processes", [0, 2])
def test_one_long_upsert_across_commit_intervals_stores_each_article_once(
        tmp_path, small_intervals, processes):
    stream, articles, changed, expected = _stream()
    index = TantivyIndex(tmp_path / "bulk", analysis_processes=processes)
    assert index.upsert(iter(stream)) == expected
    _check(index, articles, changed)
    last = articles[:40] + changed + articles[61:]  # each article's stored version
    assert index.upsert(iter(last)) == 0  # nothing new the second time


@pytest.mark.parametrize("batch", [1, 2])
def test_upserts_of_one_or_two_articles_store_the_same(tmp_path, small_intervals, batch):
    stream, articles, changed, expected = _stream()
    index = TantivyIndex(tmp_path / f"batch{batch}", analysis_processes=0)
    assert sum(index.upsert(stream[i:i + batch])
               for i in range(0, len(stream), batch)) == expected
    _check(index, articles, changed)


def test_an_upsert_into_an_index_holding_some_of_the_stream(tmp_path, small_intervals):
    stream, articles, changed, expected = _stream()
    index = TantivyIndex(tmp_path / "partial", analysis_processes=0)
    assert index.upsert(articles[30:70]) == 40
    # the 40 already stored are found by the lookup, not added twice
    assert index.upsert(iter(stream)) == expected - 40
    _check(index, articles, changed)


def test_a_stored_article_is_written_again_as_the_same_document(tmp_path):
    # An upsert builds each document from its freshly analysed row; a rebuild or a
    # re-tokenising builds it from the stored article (tantivy_index._row). Both must
    # give the engine the same values, field by field, or a schema upgrade would change
    # what a search finds.
    index = TantivyIndex(tmp_path / "ix.tantivy")
    articles = sample_articles(60, seed=5)  # English, French, Spanish, Chinese, Thai
    index.upsert(articles)
    searcher = index._searcher()
    stored = [row for page in index._scan(searcher) for row in page]
    assert len(stored) == len(articles)
    fresh = {a.id: a for a in articles}
    for row in stored:
        prepared = tantivy_index._prepare(fresh[row["id"]])
        prepared.update(indexed_at=row["indexed_at"], fetched_at=row["fetched_at"])
        again = tantivy_index._document(dict(row), index._schema).to_dict()
        first = tantivy_index._document(prepared, index._schema).to_dict()
        assert again == first, row["id"]
        assert again["text_words"] and again["places__0"] and again["article"]
