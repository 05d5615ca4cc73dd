"""The embedded index: one SQLite file with FTS5, zero setup.

Layout (schema version in `meta`, upgraded by MIGRATIONS on open):
    documents      one narrow row per article: id, date, indexed_at, lang, source,
                   relevance, max_usd, story_id, content_hash... (filters and sorts
                   read only this table, so it stays small and cache-friendly)
    contents       the wide part: url, title, raw text, and the rest of the
                   article (provenance, entities) as zlib-compressed JSON
    doc_<store>    one table per entity field of indexer.fields (doc_countries,
                   doc_places, doc_orgs...): matched on `key` (the field's fold),
                   faceted on `name`, the display form. Rows with an empty name
                   hold the keys of the surfaces the values were written under
                   (filter only). A field added to the registry gets its table,
                   filled from the stored articles, on open.
    fts            FTS5 over title and text, fed with indexer.analysis output joined by
                   spaces (the tokenizer only splits on spaces), so this index and
                   the cluster's tokenise alike, incl. per-character CJK/Thai:
                   surface words, bigrams of unspaced runs, and tagged Snowball stems
    doc_changes    generation of the last write that touched each document: the
                   in-memory column cache (sqlite_cache.py) reloads only those
Filters, facets and sorts other than bm25 run on that cache (numpy); FTS5
finds the documents with the words and ranks them.
Every stored time is an integer of microseconds since the epoch, UTC.

Several processes (crawler, web, alerts) may share the file: WAL mode, a busy
timeout, and every write in a BEGIN IMMEDIATE transaction. indexed_at is
assigned inside that transaction as max(now, last + 1µs), so it is unique and
increases in commit order: "new since watermark" never misses or repeats.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import zlib
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from indexer.analysis import ANALYSIS_FINGERPRINT, analyze, keep_stems
from indexer.document import IndexDocument, from_micros, to_micros
from indexer.errors import IndexUnavailable, QuerySyntaxError
from indexer.fields import ENTITY_FIELDS, KEYS_LAYOUT
from indexer.query import (UNSPACED_CHAR, And, Hit, Node, Not, Or, Phrase, Query, Results,
                           Term, is_unspaced)
from indexer.snippet import snippet
from indexer.sqlite_cache import ALIAS, DocCache, ints, side_table
from nlp.records import Article, Entities, iso

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
TITLE_WEIGHT = 10.0  # bm25 weight of the title column against the text's 1.0
# title, text, title_grams, text_grams, title_stems, text_stems
_RANK = f"bm25({TITLE_WEIGHT}, 1.0, {TITLE_WEIGHT}, 1.0, {TITLE_WEIGHT}, 1.0)"
_FTS_COLUMNS = "title, text, title_grams, text_grams, title_stems, text_stems"
_GAP = "§"  # in a grams column: the end of a run of unspaced characters
WRITE_BATCH = 500  # articles per write transaction (bounds how long others wait)
_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* M* P* S* Co'"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS documents (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    date INTEGER NOT NULL,
    indexed_at INTEGER NOT NULL,
    lang TEXT,
    source TEXT NOT NULL,
    relevance REAL NOT NULL,
    max_usd REAL,
    story_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    published INTEGER,
    fetched_at INTEGER
);
-- dates, relevance and money are filtered and sorted in the column cache, not here
CREATE UNIQUE INDEX IF NOT EXISTS documents_indexed ON documents(indexed_at);
CREATE INDEX IF NOT EXISTS documents_story ON documents(story_id) WHERE story_id != '';
CREATE INDEX IF NOT EXISTS documents_lang ON documents(lang);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS contents (
    n INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    article BLOB NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    {_FTS_COLUMNS}, tokenize="{_TOKENIZER}", prefix='3', detail=full);
CREATE TABLE IF NOT EXISTS doc_changes (n INTEGER PRIMARY KEY, gen INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS doc_changes_gen ON doc_changes(gen);
"""

_SIDES = {f.name: side_table(f) for f in ENTITY_FIELDS}
for _table in _SIDES.values():
    _SCHEMA += f"""
CREATE TABLE IF NOT EXISTS {_table} (
    n INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (n, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS {_table}_key ON {_table}(key, name, n);
"""


def _migrate_1_to_2(db: sqlite3.Connection) -> None:
    """Facets move to the in-memory cache: no totals table or triggers; track changes."""
    for kind, name in db.execute("SELECT type, name FROM sqlite_master WHERE type = 'trigger' "
                                 "OR name = 'facet_totals' OR name GLOB 'doc_*_key'").fetchall():
        db.execute(f"DROP {kind.upper()} {name}")
    db.execute("DROP TABLE fts")  # now with bigram columns
    for statement in _statements(_SCHEMA):  # creates doc_changes, fts, the new indexes
        db.execute(statement)
    db.execute("INSERT INTO fts(fts, rank) VALUES ('rank', ?)", (_RANK,))
    _rebuild_fts(db)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('tokenizer', ?)", (_tokenizer_fingerprint(),))
    db.execute("INSERT INTO doc_changes SELECT n, 0 FROM documents")
    db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")


def _migrate_2_to_3(db: sqlite3.Connection) -> None:
    """Stems: the FTS table gains title_stems/text_stems (indexer.analysis)."""
    if db.execute("SELECT 1 FROM pragma_table_info('fts') WHERE name = 'text_stems'").fetchone():
        return  # built by the 1 -> 2 step, which creates the current table
    db.execute("DROP TABLE fts")
    for statement in _statements(_SCHEMA):
        db.execute(statement)
    db.execute("INSERT INTO fts(fts, rank) VALUES ('rank', ?)", (_RANK,))
    _rebuild_fts(db)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('tokenizer', ?)", (_tokenizer_fingerprint(),))


# Schema upgrades: MIGRATIONS[v] takes a version-v file to version v+1, inside
# one write transaction. Add an entry and bump SCHEMA_VERSION to change the schema.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_1_to_2,
                                                              2: _migrate_2_to_3}

class SQLiteIndex:
    """The Index protocol on one SQLite file (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0,
                 cache_mb: int = 64) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._lock = threading.RLock()
        self._cache = DocCache()
        if self.path.is_dir():
            raise IndexUnavailable(f"index path {self.path} is a directory: "
                                   "point --index at a file, e.g. sqlite:///data/index.db")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                       check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise self._unavailable(exc) from exc
        try:
            self._db.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
            self._db.execute("PRAGMA temp_store = MEMORY")
            self._db.execute("PRAGMA mmap_size = 268435456")
            if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._open_schema()
        except sqlite3.Error as exc:
            self._db.close()
            raise self._unavailable(exc) from exc

    # ------------------------------------------------------------ lifecycle

    def _open_schema(self) -> None:
        version = self._version()
        if (version == SCHEMA_VERSION and self._meta("tokenizer") == _tokenizer_fingerprint()
                and self._meta("entity_fields") == _entity_fields()):
            return
        with self._write() as db:
            version = self._version()  # again, under the write lock
            if version == 0:
                for statement in _statements(_SCHEMA):
                    db.execute(statement)
                db.execute("INSERT INTO fts(fts, rank) VALUES ('rank', ?)", (_RANK,))
                self._set_meta("schema_version", str(SCHEMA_VERSION))
                self._set_meta("tokenizer", _tokenizer_fingerprint())
                self._set_meta("last_indexed_at", "0")
                self._set_meta("generation", "0")
                self._set_meta("entity_fields", _entity_fields())
                return
            if version > SCHEMA_VERSION:
                raise IndexUnavailable(
                    f"index {self.path} was written by a newer scamscope (schema {version}, "
                    f"this one knows {SCHEMA_VERSION}): upgrade scamscope or use another file")
            while version < SCHEMA_VERSION:
                log.info("upgrading index %s from schema %d", self.path, version)
                MIGRATIONS[version](db)
                version += 1
                self._set_meta("schema_version", str(version))
            if self._meta("tokenizer") != _tokenizer_fingerprint():
                log.info("tokenizer changed: rebuilding the full-text index of %s", self.path)
                _rebuild_fts(db)
                self._set_meta("tokenizer", _tokenizer_fingerprint())
            if self._meta("entity_fields") != _entity_fields():
                self._add_entity_tables(db)

    def _add_entity_tables(self, db: sqlite3.Connection) -> None:
        """Create and fill the side tables of entity fields this file does not have yet
        (a field added to indexer.fields), from the articles it stores; refill them all
        when what the filter keys hold (KEYS_LAYOUT) changed since the file was written."""
        fields, _, layout = (self._meta("entity_fields") or "country,place,org").partition("|")
        known = set(fields.split(","))
        new = [f for f in ENTITY_FIELDS if f.name not in known or layout != KEYS_LAYOUT]
        for statement in _statements(_SCHEMA):  # IF NOT EXISTS: creates only the new ones
            db.execute(statement)
        if new:
            log.info("indexing %s in %s", ", ".join(f.name for f in new), self.path)
            rows = []
            for n, extra in db.execute("SELECT n, article FROM contents"):
                entities = Entities.from_json(_unpack(extra).get("entities"))
                rows += [(f, n, key, name) for f in new for key, name in _side_rows(f, entities)]
            for f in new:
                db.execute(f"DELETE FROM {_SIDES[f.name]}")
                db.executemany(f"INSERT OR REPLACE INTO {_SIDES[f.name]} VALUES (?,?,?)",
                               [(n, key, name) for g, n, key, name in rows if g is f])
            self._stamp(db, {r[0] for r in db.execute("SELECT n FROM documents")})
        self._set_meta("entity_fields", _entity_fields())

    def _version(self) -> int:
        has_meta = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
        if not has_meta:
            if self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise IndexUnavailable(
                    f"{self.path} is an SQLite file but not a scamscope index: "
                    "point --index at another file")
            return 0
        value = self._meta("schema_version")
        return int(value) if value else 0

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                try:
                    self._db.close()
                finally:
                    self._db = None  # type: ignore[assignment]

    def __enter__(self) -> "SQLiteIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteIndex({str(self.path)!r})"

    # ---------------------------------------------------------- transactions

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._conn()
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._unavailable(exc) from exc
            try:
                yield db
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._unavailable(exc) from exc
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One snapshot for all the statements of a search (count, page, facets agree)."""
        with self._lock:
            db = self._conn()
            try:
                db.execute("BEGIN")
                yield db
            except sqlite3.OperationalError as exc:
                if "fts5: syntax error" in str(exc) or "malformed MATCH" in str(exc):
                    raise QuerySyntaxError(f"the index cannot run this query: {exc}") from exc
                raise self._unavailable(exc) from exc
            except sqlite3.Error as exc:
                raise self._unavailable(exc) from exc
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise IndexUnavailable(f"index {self.path} is closed")
        return self._db

    def _unavailable(self, exc: BaseException) -> IndexUnavailable:
        if isinstance(exc, IndexUnavailable):
            return exc
        message = str(exc)
        if "locked" in message or "busy" in message:
            return IndexUnavailable(
                f"index {self.path} stayed locked by another process for {self.timeout:g}s: "
                "wait for the other crawl/import to finish, or stop it, then retry")
        if "not a database" in message or "malformed" in message or "corrupt" in message:
            return IndexUnavailable(
                f"index {self.path} is not a readable scamscope index ({message}): move the "
                "file aside (the next crawl rebuilds it) or restore it from a backup")
        if "readonly" in message or "read-only" in message:
            return IndexUnavailable(
                f"index {self.path} is read-only: give this user write permission "
                "on the file and its directory")
        if "unable to open" in message or isinstance(exc, OSError):
            return IndexUnavailable(
                f"cannot open index {self.path} ({message}): check that the directory exists "
                "and that this user may read and write it")
        return IndexUnavailable(f"index {self.path} failed: {message}")

    # ---------------------------------------------------------------- writes

    def upsert(self, articles: Iterable[Article], *, keep_indexed_at: bool = False) -> int:
        """See Index.upsert. keep_indexed_at (reindex) keeps the articles' own indexed_at
        where it is later than every stored one, so alert watermarks survive a move."""
        changed = 0
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= WRITE_BATCH:
                changed += self._upsert_batch(batch, keep_indexed_at)
                batch = []
        if batch:
            changed += self._upsert_batch(batch, keep_indexed_at)
        return changed

    def _upsert_batch(self, articles: list[Article], keep_indexed_at: bool = False) -> int:
        prepared = [_prepare(IndexDocument.from_article(a)) for a in articles]
        changed = 0
        with self._write() as db:
            last = int(self._meta("last_indexed_at") or 0)
            touched: set[int] = set()
            sides: dict[str, list[tuple[int, str, str]]] = {facet: [] for facet in _SIDES}
            for article, row in zip(articles, prepared):
                old = db.execute("SELECT n, content_hash, fingerprint, indexed_at, fetched_at "
                                 "FROM documents WHERE id = ?", (row["id"],)).fetchone()
                if old is not None and old[1] == row["content_hash"]:
                    if old[2] == row["fingerprint"]:
                        continue  # nothing new at all: a re-crawl
                    # Same content, better metadata (entities, relevance...): store it,
                    # but keep the first sighting so alerts and dates do not move.
                    row["indexed_at"], row["fetched_at"] = old[3], old[4]
                    if row["published"] is None:
                        row["date"] = old[4]
                else:
                    own = to_micros(article.indexed_at) if keep_indexed_at else None
                    last = own if own is not None and own > last else max(
                        to_micros(datetime.now(timezone.utc)), last + 1)
                    row["indexed_at"] = last
                    changed += 1
                n = self._store(db, row, old[0] if old is not None else None)
                if n in touched:  # the same id twice in one batch: the last one wins
                    for facet in _SIDES:
                        sides[facet] = [r for r in sides[facet] if r[0] != n]
                touched.add(n)
                for facet in _SIDES:
                    sides[facet] += [(n, key, name) for key, name in row[facet]]
            for facet, table in _SIDES.items():
                db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?,?,?)", sides[facet])
            self._set_meta("last_indexed_at", str(last))
            self._stamp(db, touched)
        return changed

    def _store(self, db: sqlite3.Connection, row: dict[str, Any], n: int | None) -> int:
        values = (row["id"], row["date"], row["indexed_at"], row["lang"], row["source"],
                  row["relevance"], row["max_usd"], row["story_id"], row["content_hash"],
                  row["fingerprint"], row["published"], row["fetched_at"])
        if n is None:
            n = db.execute(
                "INSERT INTO documents (id, date, indexed_at, lang, source, relevance, max_usd, "
                "story_id, content_hash, fingerprint, published, fetched_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", values).lastrowid
            db.execute("INSERT INTO contents VALUES (?,?,?,?,?)",
                       (n, row["url"], row["title"], row["text"], row["article"]))
            db.execute(f"INSERT INTO fts(rowid, {_FTS_COLUMNS}) VALUES (?,?,?,?,?,?,?)",
                       (n, *row["fts"]))
        else:
            db.execute(
                "UPDATE documents SET id=?, date=?, indexed_at=?, lang=?, source=?, relevance=?, "
                "max_usd=?, story_id=?, content_hash=?, fingerprint=?, published=?, "
                "fetched_at=? WHERE n=?", (*values, n))
            db.execute("UPDATE contents SET url=?, title=?, text=?, article=? WHERE n=?",
                       (row["url"], row["title"], row["text"], row["article"], n))
            db.execute("UPDATE fts SET title=?, text=?, title_grams=?, text_grams=?, "
                       "title_stems=?, text_stems=? WHERE rowid=?", (*row["fts"], n))
            for table in _SIDES.values():
                db.execute(f"DELETE FROM {table} WHERE n = ?", (n,))
        return n  # type: ignore[return-value]

    def delete(self, ids: Iterable[str]) -> int:
        deleted = 0
        with self._write() as db:
            touched: set[int] = set()
            for chunk in _chunks(list(dict.fromkeys(ids)), 500):
                marks = ",".join("?" * len(chunk))
                ns = [r[0] for r in db.execute(
                    f"SELECT n FROM documents WHERE id IN ({marks})", chunk)]
                touched.update(ns)
                for n in ns:
                    for table in ("documents", "contents", *_SIDES.values()):
                        db.execute(f"DELETE FROM {table} WHERE n = ?", (n,))
                    db.execute("DELETE FROM fts WHERE rowid = ?", (n,))
                deleted += len(ns)
            self._stamp(db, touched)
        return deleted

    def _stamp(self, db: sqlite3.Connection, touched: set[int]) -> None:
        """Record which documents this write touched, under a new generation: that is
        how the column caches of other connections (and processes) know what to reload."""
        if touched:
            generation = int(self._meta("generation") or 0) + 1
            db.executemany("INSERT OR REPLACE INTO doc_changes VALUES (?, ?)",
                           [(n, generation) for n in touched])
            self._set_meta("generation", str(generation))

    # ----------------------------------------------------------------- reads

    def get(self, article_id: str) -> Article | None:
        with self._read() as db:
            rows = self._articles(db, "d.id = ?", (article_id,))
        return rows[0] if rows else None

    def has(self, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        with self._read() as db:
            for chunk in _chunks(list(dict.fromkeys(ids)), 500):
                marks = ",".join("?" * len(chunk))
                found.update(r[0] for r in db.execute(
                    f"SELECT id FROM documents WHERE id IN ({marks})", chunk))
        return found

    def scan(self, batch: int = 1000) -> Iterator[list[Article]]:
        """Every stored article, oldest row first, in lists of up to batch (reindex)."""
        last = 0
        while True:
            with self._read() as db:
                ns = [r[0] for r in db.execute(
                    "SELECT n FROM documents WHERE n > ? ORDER BY n LIMIT ?", (last, batch))]
                if not ns:
                    return
                page = self._articles(db, "d.n BETWEEN ? AND ?", (ns[0], ns[-1]))
            last = ns[-1]
            yield page

    def same_story(self, story_id: str, exclude_id: str | None = None) -> list[Article]:
        if not story_id:
            return []
        with self._read() as db:
            return self._articles(db, "d.story_id = ? AND d.id != ?",
                                  (story_id, exclude_id or ""), order="d.date, d.id")

    def count(self, query: Query | None = None) -> int:
        query = query or Query()
        node = query.parsed()
        with self._read() as db:
            node = self._present(db, node)
            return int(np.count_nonzero(self._matching(db, query, node)[0]))

    def new_since(self, watermark: datetime | None, query: Query, limit: int = 1000) -> Results:
        after = query.indexed_after
        if watermark is not None and (after is None or watermark > after):
            after = watermark
        return self.search(dataclasses.replace(query, indexed_after=after, sort="indexed",
                                               limit=limit, offset=0, facets=False))

    def search(self, query: Query) -> Results:
        node = query.parsed()
        with self._read() as db:
            node = self._present(db, node)
            match = compile_match(node) if node is not None else None
            ranked = match is not None and not match[1] and query.sort == "relevance"
            mask, matched = self._matching(db, query, node, match)
            total = int(np.count_nonzero(mask))
            want = query.offset + query.limit
            if not query.limit or query.offset >= total:
                page: list[tuple[int, float]] = []
            elif ranked:
                page = self._ranked(db, match[0], mask, want,  # type: ignore[index]
                                    total / max(matched, 1))[query.offset:]
            else:
                ns = self._cache.order(np.flatnonzero(mask), query.sort, want)[query.offset:]
                page = [(int(n), float(self._cache.relevance[n])) for n in ns]
            hits = self._hits(db, page, node)
            facets = self._cache.facet_counts(query, mask) if query.facets else {}
        return Results(total=total, hits=hits, facets=facets)

    def _present(self, db: sqlite3.Connection, node: Node | None) -> Node | None:
        """The tree without stems of languages no document has (they cannot match;
        a query word is stemmed under a dozen languages, an index holds a few)."""
        if node is None:
            return None
        self._cache.refresh(db)
        return keep_stems(node, self._cache.facets["lang"].names)

    def _matching(self, db: sqlite3.Connection, query: Query, node: Node | None,
                  match: tuple[str, bool] | None = None) -> tuple[np.ndarray, int]:
        """Boolean mask over document numbers of what the query's text and filters select,
        and how many documents the text alone matches."""
        self._cache.refresh(db)
        mask = self._cache.mask(query, to_micros(query.indexed_after), to_micros(query.since),
                                to_micros(query.until))
        if query.story_id is not None:
            story = np.zeros_like(mask)
            story[[r[0] for r in db.execute(
                "SELECT n FROM documents WHERE story_id = ?", (query.story_id,))]] = True
            mask &= story
        if node is not None:
            expr, negated = match or compile_match(node)
            found = np.zeros_like(mask)
            ids = db.execute("SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?",
                             (expr,)).fetchone()[0]
            found[ints(ids)] = True
            mask &= ~found if negated else found
            return mask, int(np.count_nonzero(found))
        return mask, 0

    def _ranked(self, db: sqlite3.Connection, expr: str, mask: np.ndarray, want: int,
                share: float) -> list[tuple[int, float]]:
        """The first `want` matches passing the filters, best bm25 first (ties: newest row).

        FTS5 scores every match anyway, but a LIMIT lets SQLite keep only the best
        rows instead of sorting them all. `share` (the part of the text matches that
        pass the filters) sizes the LIMIT generously, since scoring, not the LIMIT,
        is the cost; when the filters reject more than that, the second pass has none.
        """
        limit: int | None = max(int(want / max(share, 1e-6) * 4), want + 100)
        while True:
            page: list[tuple[int, float]] = []
            rows = 0
            for n, rank in db.execute("SELECT rowid, rank FROM fts WHERE fts MATCH ? "
                                      "ORDER BY rank, rowid DESC LIMIT ?", (expr, limit or -1)):
                rows += 1
                if mask[n]:
                    page.append((n, -rank))
                    if len(page) >= want:
                        return page
            if limit is None or rows < limit:  # every match seen
                return page
            limit = None

    def _hits(self, db: sqlite3.Connection, page: list[tuple[int, float]],
              node: Node | None) -> list[Hit]:
        if not page:
            return []
        marks = ",".join("?" * len(page))
        rows = {r[0]: r for r in db.execute(
            f"SELECT d.n, d.id, c.url, c.title, c.text, c.article, d.published, d.lang, "
            f"d.source, d.relevance, d.story_id, d.indexed_at FROM documents d "
            f"JOIN contents c ON c.n = d.n WHERE d.n IN ({marks})", [n for n, _ in page])}
        hits = []
        for n, score in page:
            _, id_, url, title, text, extra, published, lang, source, relevance, story, \
                indexed = rows[n]
            hits.append(Hit(
                id=id_, url=url, title=title, published=iso(from_micros(published)),
                lang=lang, source=source, snippet=snippet(text, node, lang=lang),
                entities=Entities.from_json(_unpack(extra).get("entities")), score=float(score),
                relevance=relevance, story_id=story, indexed_at=iso(from_micros(indexed))))
        return hits

    def _articles(self, db: sqlite3.Connection, where: str, params: tuple,
                  order: str = "d.n") -> list[Article]:
        out = []
        for row in db.execute(
                f"SELECT d.id, c.url, c.title, c.text, c.article, d.indexed_at, d.fetched_at, "
                f"d.content_hash FROM documents d JOIN contents c ON c.n = d.n "
                f"WHERE {where} ORDER BY {order}", params):
            id_, url, title, text, extra, indexed, fetched, chash = row
            data = _unpack(extra)
            data.update(id=id_, url=url, title=title, text=text, content_hash=chash,
                        indexed_at=iso(from_micros(indexed)),
                        fetched_at=iso(from_micros(fetched)))
            out.append(Article.from_json(data))
        return out


# ------------------------------------------------------------------ queries


def compile_match(node: Node) -> tuple[str, bool]:
    """The tree as an FTS5 MATCH expression, and whether it is negated.

    Words and phrases of words can only match the title and text columns (a
    bigram column holds pairs of unspaced characters); a phrase of unspaced
    characters becomes a phrase of bigrams in the bigram columns. A plain word
    also matches its tagged stems (Term.stems) in the stem columns; prefixes
    and phrases match surface words only.

    FTS5 has only a binary NOT, so a NOT below an AND/OR is folded into its
    parent (a AND NOT b -> a NOT b; a OR NOT b -> NOT (b NOT a)). A negated
    result means "every document except those matching the expression".
    """
    if isinstance(node, Term):
        if node.prefix:  # would also match bigrams, or tagged stems ("en*" -> "en:...")
            return "{title text} : " + _quote(node.text) + "*", False
        if node.stems:  # a bare word never equals a tagged stem, nor a bigram
            stems = " OR ".join(_quote(s) for s in node.stems)
            return f"{_quote(node.text)} OR {{title_stems text_stems}} : ({stems})", False
        return _quote(node.text), False
    if isinstance(node, Phrase):
        if all(is_unspaced(w) for w in node.words):
            grams = [a + b for a, b in zip(node.words, node.words[1:])]
            return "{title_grams text_grams} : " + _quote(" ".join(grams)), False
        return _quote(" ".join(node.words)), False
    if isinstance(node, Not):
        expr, negated = compile_match(node.child)
        return expr, not negated
    if isinstance(node, (And, Or)):
        parts = [compile_match(child) for child in node.children]
        pos = [f"({e})" for e, neg in parts if not neg]
        neg = [f"({e})" for e, neg in parts if neg]
        if isinstance(node, And):
            if not pos:
                return " OR ".join(neg), True
            expr = " AND ".join(pos)
            return (f"({expr}) NOT ({' OR '.join(neg)})" if neg else expr), False
        if not neg:
            return " OR ".join(pos), False
        expr = " AND ".join(neg)
        return (f"({expr}) NOT ({' OR '.join(pos)})" if pos else expr), True
    raise TypeError(f"not a query node: {node!r}")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# ------------------------------------------------------------------ helpers


def _prepare(doc: IndexDocument) -> dict[str, Any]:
    """The document as this backend's rows, computed before the write lock is taken."""
    extra = json.dumps(doc.rest, ensure_ascii=False, sort_keys=True)
    row = {
        "id": doc.id, "url": doc.url, "title": doc.title, "text": doc.text,
        "article": zlib.compress(extra.encode("utf-8"), 1), "content_hash": doc.content_hash,
        "fingerprint": doc.fingerprint, "published": doc.published,
        "fetched_at": doc.fetched_at, "date": doc.date, "lang": doc.lang,
        "source": doc.source, "relevance": doc.relevance, "max_usd": doc.max_usd,
        "story_id": doc.story_id, "fts": _fts_columns(doc),
    }
    for name in _SIDES:
        row[name] = doc.entities[name] + [(key, ALIAS) for key in doc.aliases.get(name, ())]
    return row


def _side_rows(f, entities: Entities) -> list[tuple[str, str]]:
    """(key, name) rows of an entity field: its values, then its surfaces' keys (ALIAS)."""
    return f.keyed(entities) + [(key, ALIAS) for key in f.aliased(entities)]


def _unpack(article: bytes | str) -> dict[str, Any]:
    """The rest of an article (provenance, entities): zlib-compressed JSON (plain JSON
    in files written before compression; both read)."""
    if isinstance(article, bytes):
        article = zlib.decompress(article).decode("utf-8")
    return json.loads(article)


def _fts_columns(a) -> tuple[str, ...]:
    """The fts table's columns (_FTS_COLUMNS) from an IndexDocument or an analyze() result."""
    return (a.title_words, a.text_words, _grams(a.title_words), _grams(a.text_words),
            a.title_stems, a.text_stems)


# A run of unspaced characters in space-joined index words (each is a word of its own).
_RUN = re.compile(f"{UNSPACED_CHAR}(?: {UNSPACED_CHAR})+")


def _grams(words: str) -> str:
    """Bigrams of each run of unspaced characters in space-joined words, runs separated by _GAP.

    A phrase of n >= 2 such characters is then a phrase of n-1 bigrams, whose
    posting lists are far shorter than a single character's: the same matches,
    without intersecting a dozen lists of the commonest Thai or Chinese characters.
    """
    runs = []
    for match in _RUN.finditer(words):
        chars = match.group(0)[::2]
        runs.append(" ".join([chars[i:i + 2] for i in range(len(chars) - 1)]))
    return f" {_GAP} ".join(runs)


def _rebuild_fts(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM fts")
    rows = db.execute("SELECT c.n, c.title, c.text, d.lang FROM contents c "
                      "JOIN documents d ON d.n = c.n")
    db.executemany(f"INSERT INTO fts(rowid, {_FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   ((n, *_fts_columns(analyze(title, text, lang)))
                    for n, title, text, lang in rows))


def _tokenizer_fingerprint() -> str:
    key = f"{_TOKENIZER}|{_RANK}|{_FTS_COLUMNS}|{ANALYSIS_FINGERPRINT}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _entity_fields() -> str:
    """The entity fields this file has side tables for, and what their keys hold (meta
    entity_fields)."""
    return ",".join(f.name for f in ENTITY_FIELDS) + "|" + KEYS_LAYOUT


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (executescript would commit our transaction)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]
