"""What only the embedded index does: one file shared by processes, clear errors, schema upkeep."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import indexer.sqlite as sqlite_backend
from indexer.base import open_index
from indexer.errors import IndexUnavailable, QuerySyntaxError
from indexer.query import Query, parse_query
from indexer.sample import sample_articles
from indexer.sqlite import SQLiteIndex, compile_match
from nlp.records import parse_iso

REPO = Path(__file__).resolve().parents[1]


def test_open_index_url_gives_a_wal_file_that_survives_reopening(tmp_path):
    path = tmp_path / "deep" / "dir" / "index.db"
    index = open_index(f"sqlite://{path}")
    assert isinstance(index, SQLiteIndex)
    index.upsert(sample_articles(20))
    index.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    with SQLiteIndex(path) as again:
        assert again.count() == 20
        assert again.search(Query(text="police")).total > 0


def test_two_connections_share_the_file_and_indexed_at_keeps_increasing(sqlite_index_path):
    articles = sample_articles(40, seed=7)
    one, two = SQLiteIndex(sqlite_index_path), SQLiteIndex(sqlite_index_path)
    try:
        for i in range(0, 40, 5):
            (one if i % 10 else two).upsert(articles[i:i + 5])
        assert one.count() == two.count() == 40
        hits = two.new_since(None, Query(), limit=100).hits
        assert [h.id for h in hits] == [a.id for a in articles]
        stamps = [parse_iso(h.indexed_at) for h in hits]
        assert all(a < b for a, b in zip(stamps, stamps[1:]))
    finally:
        one.close()
        two.close()


WRITER = textwrap.dedent("""
    import sys
    from indexer.sample import sample_articles
    from indexer.sqlite import SQLiteIndex
    path, seed = sys.argv[1], int(sys.argv[2])
    articles = sample_articles(150, seed=seed)
    index = SQLiteIndex(path)
    for i in range(0, len(articles), 10):
        index.upsert(articles[i:i + 10])
    index.close()
""")


def test_two_processes_writing_at_once_lose_nothing(sqlite_index_path, sqlite_index):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(sqlite_index_path), str(seed)],
                                cwd=REPO, env={"PYTHONPATH": str(REPO)}, stderr=subprocess.PIPE,
                                text=True) for seed in (11, 12)]
    for proc in writers:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    expected = {a.id for seed in (11, 12) for a in sample_articles(150, seed=seed)}
    assert sqlite_index.count() == len(expected)
    seen: list[str] = []
    watermark = None
    while batch := sqlite_index.new_since(watermark, Query(), limit=40).hits:
        seen += [h.id for h in batch]
        watermark = parse_iso(batch[-1].indexed_at)
    assert len(seen) == len(set(seen)) and set(seen) == expected


def test_a_lock_held_too_long_is_index_unavailable(sqlite_index_path, sqlite_index):
    blocker = sqlite3.connect(sqlite_index_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        impatient = SQLiteIndex(sqlite_index_path, timeout=0.05)
        with pytest.raises(IndexUnavailable, match="locked by another process"):
            impatient.upsert(sample_articles(2))
        # readers are not blocked by a writer (WAL)
        assert impatient.count() == 0
        impatient.close()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert sqlite_index.upsert(sample_articles(2)) == 2


def test_a_corrupt_file_is_index_unavailable_saying_what_to_do(tmp_path):
    path = tmp_path / "index.db"
    path.write_bytes(b"this is not an sqlite database at all, just bytes " * 100)
    with pytest.raises(IndexUnavailable) as caught:
        SQLiteIndex(path)
    message = str(caught.value)
    assert str(path) in message and "move the file aside" in message


def test_another_applications_database_is_not_taken_over(tmp_path):
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE accounts (id INTEGER)")
    raw.commit()
    raw.close()
    with pytest.raises(IndexUnavailable, match="not a scamscope index"):
        SQLiteIndex(path)


def test_unusable_paths_are_index_unavailable(tmp_path):
    with pytest.raises(IndexUnavailable, match="is a directory"):
        SQLiteIndex(tmp_path)
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    with pytest.raises(IndexUnavailable, match="cannot open index"):
        SQLiteIndex(blocker / "index.db")


def test_a_closed_index_says_so(sqlite_index):
    sqlite_index.close()
    with pytest.raises(IndexUnavailable, match="closed"):
        sqlite_index.count()


def test_a_newer_schema_is_refused(sqlite_index_path, sqlite_index):
    sqlite_index.close()
    raw = sqlite3.connect(sqlite_index_path)
    raw.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    with pytest.raises(IndexUnavailable, match="newer scamscope"):
        SQLiteIndex(sqlite_index_path)


def test_migrations_run_in_order_on_open(sqlite_index_path, sqlite_index, monkeypatch):
    sqlite_index.upsert(sample_articles(5))
    sqlite_index.close()
    current = sqlite_backend.SCHEMA_VERSION
    monkeypatch.setattr(sqlite_backend, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(sqlite_backend.MIGRATIONS, current, lambda db: db.execute(
        "ALTER TABLE documents ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0"))
    with SQLiteIndex(sqlite_index_path) as upgraded:
        assert upgraded.count() == 5
    raw = sqlite3.connect(sqlite_index_path)
    assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(current + 1),)
    assert raw.execute("SELECT sum(reviewed) FROM documents").fetchone() == (0,)
    raw.close()


def test_a_changed_tokenizer_rebuilds_the_full_text_index(sqlite_index_path, sqlite_index):
    sqlite_index.upsert(sample_articles(30))
    before = sqlite_index.search(Query(text="police OR 警方", limit=100))
    sqlite_index.close()
    raw = sqlite3.connect(sqlite_index_path)
    raw.execute("UPDATE meta SET value = 'older' WHERE key = 'tokenizer'")
    raw.execute("DELETE FROM fts")  # as if built by another words_of()
    raw.commit()
    raw.close()
    with SQLiteIndex(sqlite_index_path) as rebuilt:
        after = rebuilt.search(Query(text="police OR 警方", limit=100))
    assert before.total > 0
    assert [h.id for h in after.hits] == [h.id for h in before.hits]


def test_a_schema_2_file_gains_stems_on_open(sqlite_index_path, sqlite_index):
    sqlite_index.upsert(sample_articles(40))
    fresh = sqlite_index.search(Query(text="raid OR rescues", limit=100))
    sqlite_index.close()
    raw = sqlite3.connect(sqlite_index_path)  # the full-text table as schema 2 had it
    raw.execute("DROP TABLE fts")
    raw.execute(f"CREATE VIRTUAL TABLE fts USING fts5(title, text, title_grams, text_grams, "
                f"tokenize=\"{sqlite_backend._TOKENIZER}\", prefix='3', detail=full)")
    raw.execute("INSERT INTO fts(rowid, title, text) SELECT n, lower(title), lower(text) "
                "FROM contents")
    raw.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    with SQLiteIndex(sqlite_index_path) as upgraded:
        after = upgraded.search(Query(text="raid OR rescues", limit=100))
    assert fresh.total > 0
    assert [h.id for h in after.hits] == [h.id for h in fresh.hits]


def test_bad_queries_are_query_syntax_errors(sqlite_index):
    sqlite_index.upsert(sample_articles(5))
    for text in ("(scam", 'scam "centre', "NOT", "scam AND", "OR scam", "()", "*"):
        with pytest.raises(QuerySyntaxError):
            sqlite_index.search(Query(text=text))


G = "{title_grams text_grams} : "  # runs of Chinese/Thai... characters as bigrams


@pytest.mark.parametrize("text, expected", [
    ("scam", '"scam"'),
    ("traffick*", '{title text} : "traffick"*'),  # not the tagged stems ("en*" -> "en:...")
    ('"scam centre"', '"scam centre"'),
    ("诈骗园区", G + '"诈骗 骗园 园区"'),
    ("园", '"园"'),
    ("园*", '{title text} : "园"*'),  # not the bigrams that start with it
    ("KK园区", '"kk 园 区"'),
    ("a b", '("a") AND ("b")'),
    ("a OR b", '("a") OR ("b")'),
    ("a -b", '(("a")) NOT (("b"))'),
    # FTS5 has only a binary NOT: a AND (b OR NOT c) = a NOT (c NOT b)
    ("a (b OR -c)", '(("a")) NOT (((("c")) NOT (("b"))))'),
    ("(-a OR -b) c", '(("c")) NOT ((("a") AND ("b")))'),
])
def test_queries_compile_to_fts5_with_binary_not(text, expected):
    assert compile_match(parse_query(text)) == (expected, False)


def test_plain_words_also_match_their_tagged_stems():
    node = Query(text='raids "raided"', langs=["en", "fr"]).parsed()
    assert compile_match(node) == (
        '("raids" OR {title_stems text_stems} : ("en:raid" OR "fr:raid")) AND ("raided")', False)


def test_unspaced_runs_become_bigrams_that_never_span_a_break(sqlite_index):
    from tests.test_index_contract import make

    sqlite_index.upsert([
        make("a", "标题", "园区 诈骗 KK园区"),  # spaces do not break a run; a Latin word does
        make("b", "诈骗", "园区"),  # title and text are separate runs
    ])
    found = {h.title for h in sqlite_index.search(Query(text="园区诈骗")).hits}
    assert found == {"标题"}
    assert sqlite_index.search(Query(text="区kk园")).total == 0
    assert sqlite_index.search(Query(text="骗kk园")).total == 1
    assert sqlite_index.search(Query(text="骗园")).total == 0
    assert sqlite_index.search(Query(text="标*")).total == 1



def test_the_column_cache_follows_writes_from_other_connections(sqlite_index_path):
    articles = sample_articles(400, seed=9)
    queries = [Query(), Query(text="police"), Query(countries=["MM"], sort="date"),
               Query(min_usd=1e7, sort="indexed"), Query(places=["Bangkok"], min_relevance=0.5)]
    reader, writer = SQLiteIndex(sqlite_index_path), SQLiteIndex(sqlite_index_path)

    def agree() -> None:
        with SQLiteIndex(sqlite_index_path) as fresh:
            for query in queries:
                want, got = fresh.search(query), reader.search(query)
                assert (got.total, [h.id for h in got.hits], got.facets) == (
                    want.total, [h.id for h in want.hits], want.facets), query

    try:
        writer.upsert(articles[:300])
        agree()  # the reader's cache is loaded
        moved = articles[:10]
        for article in moved:  # same text, new entities and relevance
            article.entities.places = article.entities.places[:1]
            article.relevance = 0.01
        writer.upsert(moved)
        writer.delete([a.id for a in articles[50:60]])
        agree()  # patched in place
        writer.upsert(articles[300:])
        agree()  # grown past the cached size
    finally:
        reader.close()
        writer.close()


def test_ranking_finds_filtered_hits_ranked_below_many_rejected_ones(sqlite_index):
    from tests.test_index_contract import make

    filler = " ".join(["report"] * 40)
    best = [make(f"en{i}", "Scam scam scam", "scam " + filler) for i in range(1000)]
    worst = [make(f"fr{i}", "Rapport", filler + " scam " + filler, lang="fr")
             for i in range(400)]
    sqlite_index.upsert(best + worst)
    # the best 280 matches (what a first pass reads for 20 hits at this share) are all "en"
    first = sqlite_index.search(Query(text="scam", langs=["fr"], limit=20))
    assert first.total == 400
    assert len(first.hits) == 20 and all(h.lang == "fr" for h in first.hits)
    everything = sqlite_index.search(Query(text="scam", langs=["fr"], limit=400))
    assert [h.id for h in everything.hits][:20] == [h.id for h in first.hits]
