"""`scamscope reindex`: every article moves between backends, and searches agree after."""
from __future__ import annotations

from indexer.query import Query
from indexer.sample import sample_articles
from indexer.sqlite import SQLiteIndex
from indexer.tantivy_index import TantivyIndex

QUERIES = [
    Query(text="scam", limit=2000),
    Query(text='"scam compound" OR 诈骗园区', limit=2000),
    Query(text="traffick* -police", countries=["MM"], limit=2000),
    Query(places=["Myawaddy"], min_usd=1e6, limit=2000),
    Query(langs=["th"], sort="date", limit=2000),
]


def same_answers(a, b, *, same_indexed_order: bool = True) -> None:
    """Same totals, hits and facets; the same order too where both kept indexed_at (it
    breaks date ties: a cluster target assigns its own)."""
    for query in QUERIES:
        left, right = a.search(query), b.search(query)
        assert left.total == right.total > 0, query
        assert {h.id for h in left.hits} == {h.id for h in right.hits}, query
        if query.sort == "date" and same_indexed_order:
            assert [h.id for h in left.hits] == [h.id for h in right.hits]
        assert {n: [(f.value, f.count) for f in v] for n, v in left.facets.items()} == \
            {n: [(f.value, f.count) for f in v] for n, v in right.facets.items()}, query


def test_sqlite_to_tantivy_copies_every_article_in_batches_and_keeps_indexed_at(cli, tmp_path):
    articles = sample_articles(1300, seed=7)
    source = SQLiteIndex(tmp_path / "index.db")
    source.upsert(articles)
    result = cli("reindex", "--from", f"sqlite://{tmp_path / 'index.db'}",
                 "--to", f"tantivy://{tmp_path / 'moved'}", "--batch", "500")
    assert result.code == 0, result.err
    assert "copied 1,300 articles" in result.out
    assert "reindex: 1,300 / 1,300 articles" in result.err
    target = TantivyIndex(tmp_path / "moved")
    assert target.count() == source.count() == 1300
    same_answers(source, target)
    # the alerts watermark means the same thing on both sides
    assert [(h.id, h.indexed_at) for h in source.new_since(None, Query(), limit=2000).hits] == \
        [(h.id, h.indexed_at) for h in target.new_since(None, Query(), limit=2000).hits]
    # again: nothing new, the count check still holds
    again = cli("reindex", "--from", f"sqlite://{tmp_path / 'index.db'}",
                "--to", f"tantivy://{tmp_path / 'moved'}")
    assert again.code == 0, again.err
    assert "0 new to the target, which now holds 1,300" in again.out
    source.close()
    target.close()


def test_tantivy_to_the_cluster_and_back(cli, tmp_path, elastic_index, es_index_name):
    articles = sample_articles(1100, seed=8)
    source = TantivyIndex(tmp_path / "embedded")
    source.upsert(articles)
    cluster = elastic_index.url
    env = {"SCAMSCOPE_INDEX_NAME": es_index_name}
    result = cli("reindex", "--from", f"tantivy://{tmp_path / 'embedded'}", "--to", cluster,
                 env=env)
    assert result.code == 0, result.err
    assert "copied 1,100 articles" in result.out
    assert elastic_index.count() == 1100
    same_answers(source, elastic_index, same_indexed_order=False)
    back = cli("reindex", "--from", cluster, "--to", f"sqlite://{tmp_path / 'back.db'}", env=env)
    assert back.code == 0, back.err
    restored = SQLiteIndex(tmp_path / "back.db")
    same_answers(source, restored, same_indexed_order=False)
    source.close()
    restored.close()


def test_bad_reindex_requests_are_one_line_and_exit_2(cli, tmp_path):
    missing = cli("reindex", "--from", f"sqlite://{tmp_path / 'nothing.db'}",
                  "--to", f"tantivy://{tmp_path / 'x'}")
    assert missing.code == 2 and "no index at" in missing.err
    assert "Traceback" not in missing.err
    same = cli("reindex", "--from", "tantivy:///tmp/a", "--to", "tantivy:///tmp/a")
    assert same.code == 2 and "same index" in same.err
    odd = cli("reindex", "--from", f"sqlite://{tmp_path / 'nothing.db'}", "--to", "ftp://x")
    assert odd.code == 2 and len(odd.err.strip().splitlines()) == 1
