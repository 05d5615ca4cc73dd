"""The embedded index on Tantivy (a Lucene-class engine in Rust): one directory.

    TantivyIndex("/data/index.tantivy")        # --index tantivy:///data/index.tantivy

Analysis is not Tantivy's: title and text are analysed in Python by
indexer.analysis.analyze (what the SQLite and cluster backends index too:
folded surface words, unspaced scripts per character, tagged Snowball stems)
and stored in fields whose tokenizer only splits on whitespace, so every
backend matches the same words. The query tree (indexer.query) is compiled to Tantivy
Query objects, never to Tantivy's query syntax: a word, phrase or OR is one flat
union of its title, text and stem queries. Phrases of unspaced characters match
pairs of characters instead (title_pairs/text_pairs, indexer.pairs): same hits,
far shorter position lists.

Fields: filters are raw-tokenised keyword fields (match keys: name_key for
places and orgs); facets are counted by terms aggregations over single-valued
slot columns (indexer.tantivy_facets), exact; the matches are counted in the same
aggregation, so the page's search needs no count (filters matching much of the index
count them on the facets' postings instead); that pass runs on a second thread beside
the page's search; sorts are fast fields. Tantivy orders by one fast field only, so the two composite
orders of the Index protocol are fast text keys that sort lexicographically:
    k_date = date | indexed_at                 (date, newest first, ties newest indexed)
    k_rel  = relevance | date | indexed_at     (no text: relevance, date, indexed)
each part a fixed-width hex number. Ranked text searches break score ties on
indexed_at in Python (see _ranked).

Writes: one IndexWriter per upsert/delete call, committed and released before
the call returns, so a crawl, the web server and the alerts job can share the
directory. Tantivy's writer lock is an OS file lock (gone with its process);
a second writer waits for it up to `timeout` seconds, then IndexUnavailable.
A commit is atomic (meta.json is replaced in one rename), so a kill -9 loses
only the call in flight, never what an earlier call returned. indexed_at is
assigned under the writer lock as max(now, last + 1µs): unique and increasing
in commit order, which the alerts watermark relies on. Readers reload the
latest commit at each call (a stat-sized cost), so writes are visible to the
next call in every process. While an upsert runs, the cycle collector's young
generation is larger (indexer.collector): its rows would otherwise be walked by
thousands of collections.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson
import tantivy
from tantivy import FieldType, Occur, Order
from tantivy import Query as TQ

from indexer.analysis import ANALYSIS_FINGERPRINT
from indexer.collector import fewer_collections
from indexer.document import IndexDocument, from_micros, to_micros
from indexer.base import new_since_query
from indexer.errors import IndexUnavailable
from indexer import tantivy_facets as facets
from indexer.fields import FIELDS, KEYS_LAYOUT, Field, facet_fields
from indexer.pairs import pair_phrase, pairs_text
from indexer.query import And, FacetValue, Hit, Node, Not, Or, Phrase, Query, Results, Term
from indexer.snippet import snippet
from nlp.records import Article, Entities, iso, parse_iso

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3  # 2: title_pairs, text_pairs; 3: facet slots (tantivy_facets)
TITLE_BOOST = 10.0  # like the SQLite backend's bm25 title weight
LOOKUP_BATCH = 1000  # articles whose stored state is read in one query during an upsert
COMMIT_EVERY = 20_000  # a long upsert commits this often (bounds the in-flight id map)
FETCH_TIES = 500  # hits a ranked search reads past its page to end a tie group
TIE_WINDOW = 4096  # least number of newest documents a larger tie group is read from
# Filters matching more than this share of the index count their facets on the facets'
# postings (tantivy_facets.from_postings), not on the slot columns: measured at 1M
# articles, postings cost ~15 ms in all whatever the matches, the slots ~70 ns a match
# (break-even near 350k matches): all articles 48 -> 19 ms, a country of 61% 41 -> 27.
POSTINGS_SHARE = 0.3
_MARKER = "scamscope-tantivy.json"
_DATE_BIAS = 1 << 62  # dates before 1970 still give a positive, fixed-width key


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    keyword = dict(tokenizer_name="raw", index_option="basic")
    sb.add_text_field("id", stored=True, **keyword)
    sb.add_text_field("title_words", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("text_words", tokenizer_name="whitespace", index_option="position")
    # pairs of consecutive unspaced characters (indexer.pairs): their phrases, shorter
    for name in ("title_pairs", "text_pairs"):
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in ("title_stems", "text_stems"):  # matched as single terms: no positions
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    for f in FIELDS:  # the registry's filters and facets: display values, match keys
        sb.add_text_field(_shown(f), fast=True, **keyword)
        if _keys(f) != _shown(f):
            sb.add_text_field(_keys(f), **keyword)
    facets.add_fields(sb, [_shown(f) for f in FIELDS if f.entity])
    sb.add_text_field("story_id", **keyword)
    for name in ("k_date", "k_rel"):  # sort keys
        sb.add_text_field(name, fast=True, **keyword)
    sb.add_integer_field("date", indexed=True, fast=True)
    sb.add_integer_field("indexed_at", indexed=True, fast=True, stored=True)
    sb.add_integer_field("fetched_at", stored=True)
    sb.add_float_field("relevance", indexed=True, fast=True)
    sb.add_float_field("max_usd", indexed=True, fast=True)
    sb.add_bytes_field("article", stored=True)
    sb.add_bytes_field("fp", stored=True)
    return sb.build()


def _shown(f: Field) -> str:
    """The fast field a registry field's facet counts (its display values)."""
    return f.store or f.name


def _keys(f: Field) -> str:
    """The field a registry field's filter matches (its match keys)."""
    return f.key_store or _shown(f)


def _analysis_fingerprint() -> str:
    return f"{SCHEMA_VERSION}|{ANALYSIS_FINGERPRINT}"


def _schema_fingerprint() -> str:
    """Changes when the index needs new fields (a rebuild: Tantivy cannot add one)."""
    return (f"{SCHEMA_VERSION}|" + ",".join(f"{_shown(f)}/{_keys(f)}" for f in FIELDS)
            + "|" + KEYS_LAYOUT)


def _current_marker() -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "analysis": _analysis_fingerprint(),
            "fields": _schema_fingerprint()}


class TantivyIndex:
    """The Index protocol on one Tantivy directory (see the module docstring)."""

    # One upsert of a long stream (a reindex) beats many small ones: it commits every
    # COMMIT_EVERY articles, not every call, and analyses in worker processes when
    # the machine has cores to spare for them.
    bulk_upsert = True

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0,
                 writer_heap_mb: int = 128, writer_threads: int = 1,
                 analysis_processes: int | None = None, **_ignored: Any) -> None:
        """analysis_processes: worker processes that analyse the articles of a large
        upsert (None: the cores beyond two, at most 4; 0: none)."""
        self.path = Path(path)
        if analysis_processes is None:
            # The upsert's own thread and the engine's indexing thread keep two cores
            # busy. A worker on top of them only adds the pickling of every article
            # and row (~130 us an article), so it pays only on a third core.
            analysis_processes = min(4, max(0, (os.cpu_count() or 1) - 2))
        self.analysis_processes = analysis_processes
        self.timeout = timeout
        self.writer_heap = max(15, writer_heap_mb) * 1_000_000
        self.writer_threads = max(1, writer_threads)
        self._lock = threading.RLock()
        self._spans: tuple[int, tuple[int, int]] | None = None  # (documents, _span)
        self._schema = _schema()
        if self.path.exists() and not self.path.is_dir():
            raise IndexUnavailable(f"index path {self.path} is a file: point --index at a "
                                   "directory, e.g. tantivy:///data/index.tantivy")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            marker = self._marker()
            if marker is not None and marker.get("schema_version", 0) > SCHEMA_VERSION:
                raise IndexUnavailable(
                    f"index {self.path} was written by a newer scamscope (schema "
                    f"{marker['schema_version']}, this one knows {SCHEMA_VERSION}): "
                    "upgrade scamscope or use another directory")
            if tantivy.Index.exists(str(self.path)):
                self._index = tantivy.Index.open(str(self.path))
            else:
                if any(p for p in self.path.iterdir() if not p.name.startswith(".")):
                    raise IndexUnavailable(
                        f"{self.path} is not empty and not a scamscope index: "
                        "point --index at a new or empty directory")
                self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
            self._index.config_reader("manual")
        except IndexUnavailable:
            raise
        except (OSError, ValueError) as exc:
            raise self._unavailable(exc) from exc
        if marker and marker.get("fields", _schema_fingerprint()) != _schema_fingerprint():
            self._rebuild()  # the registry gained or changed a field since it was built
        elif marker is None or marker.get("analysis") != _analysis_fingerprint():
            self._retokenise(marker is not None)

    # ------------------------------------------------------------ lifecycle

    def _marker(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.path / _MARKER).read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}

    def _write_marker(self, directory: Path | None = None) -> None:
        directory = directory or self.path
        tmp = directory / (_MARKER + ".tmp")
        tmp.write_text(json.dumps(_current_marker()), "utf-8")
        os.replace(tmp, directory / _MARKER)

    def _rebuild(self) -> None:
        """Copy every stored article into a new index with today's fields, then swap the
        directories (Tantivy cannot add a field to an index). The old directory's writer
        lock is held while copying, so no write is lost; processes that still have the
        old index open should be restarted."""
        log.info("index fields changed: rebuilding %s", self.path)
        fresh = self.path.with_name(self.path.name + ".rebuild")
        stale = self.path.with_name(self.path.name + ".old")
        with fewer_collections(), self._writer():
            shutil.rmtree(fresh, ignore_errors=True)
            fresh.mkdir()
            writer = tantivy.Index(self._schema, path=str(fresh)).writer(
                heap_size=self.writer_heap, num_threads=self.writer_threads)
            for page in self._scan(self._searcher()):
                for row in page:
                    writer.add_document(_document(row, self._schema))
            writer.commit()
            writer.wait_merging_threads()
            self._write_marker(fresh)
        shutil.rmtree(stale, ignore_errors=True)
        os.replace(self.path, stale)
        os.replace(fresh, self.path)
        shutil.rmtree(stale, ignore_errors=True)
        self._index = tantivy.Index.open(str(self.path))
        self._index.config_reader("manual")

    def _retokenise(self, had_marker: bool) -> None:
        """Re-index every stored article with today's analysis (it changed since they
        were written); a new index just gets its marker."""
        with fewer_collections(), self._writer() as writer:
            if self._marker() == _current_marker():
                return  # another process did it while this one waited for the lock
            searcher = self._searcher()
            if had_marker and searcher.num_docs:
                log.info("analysis changed: re-tokenising %d articles in %s",
                         searcher.num_docs, self.path)
                for page in self._scan(searcher):
                    for row in page:
                        writer.delete_documents_by_term("id", row["id"])
                        writer.add_document(_document(row, self._schema))
            writer.commit()
            self._write_marker()

    def close(self) -> None:
        with self._lock:
            self._index = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TantivyIndex({str(self.path)!r})"

    # ---------------------------------------------------------- transactions

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        """The directory's one writer, for this call only: committed by the caller,
        released (merges finished) on the way out, rolled back on an error."""
        with self._lock:
            index = self._live()
            deadline = time.monotonic() + self.timeout
            delay = 0.01
            while True:
                try:
                    writer = index.writer(heap_size=self.writer_heap,
                                          num_threads=self.writer_threads)
                    break
                except ValueError as exc:
                    if "LockBusy" not in str(exc):
                        raise self._unavailable(exc) from exc
                    if time.monotonic() >= deadline:
                        raise IndexUnavailable(
                            f"index {self.path} stayed locked by another writer for "
                            f"{self.timeout:g}s: wait for the other crawl/import to finish, "
                            "or stop it, then retry") from exc
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)
            try:
                yield writer
            except BaseException:
                try:
                    writer.rollback()
                finally:
                    writer.wait_merging_threads()
                raise
            try:
                writer.wait_merging_threads()
            except ValueError as exc:
                raise self._unavailable(exc) from exc
            index.reload()

    def _searcher(self) -> Any:
        index = self._live()
        try:
            index.reload()
            return index.searcher()
        except ValueError as exc:
            raise self._unavailable(exc) from exc

    def _live(self) -> Any:
        if self._index is None:
            raise IndexUnavailable(f"index {self.path} is closed")
        return self._index

    def _unavailable(self, exc: BaseException) -> IndexUnavailable:
        message = str(exc)
        if isinstance(exc, PermissionError) or "ermission denied" in message:
            return IndexUnavailable(f"index {self.path} is not writable ({message}): give this "
                                    "user write permission on the directory")
        if isinstance(exc, OSError):
            return IndexUnavailable(f"cannot open index {self.path} ({message}): check that "
                                    "the directory exists and this user may read and write it")
        return IndexUnavailable(f"index {self.path} failed: {message}")

    # ---------------------------------------------------------------- writes

    def upsert(self, articles: Iterable[Article], *, keep_indexed_at: bool = False) -> int:
        """See Index.upsert. keep_indexed_at (reindex) keeps the articles' own indexed_at
        instead of assigning new ones, so alert watermarks stay valid after a move."""
        changed = 0
        with fewer_collections(), self._writer() as writer, \
                _Preparer(self.analysis_processes) as preparer:
            searcher = self._searcher()
            last = _max_indexed_at(searcher)
            pending: dict[str, dict[str, Any]] = {}  # id -> stored state, not yet committed
            for rows in preparer.rows(articles):
                n, last = self._upsert_rows(writer, searcher, rows, pending, last,
                                            keep_indexed_at)
                changed += n
                if len(pending) >= COMMIT_EVERY:
                    writer.commit()
                    searcher = self._searcher()
                    pending.clear()
            writer.commit()
        return changed

    def _upsert_rows(self, writer: Any, searcher: Any, rows: list[dict[str, Any]],
                     pending: dict[str, dict[str, Any]], last: int,
                     keep_indexed_at: bool) -> tuple[int, int]:
        stored = _stored(searcher, self._schema,
                         [r["id"] for r in rows if r["id"] not in pending])
        changed = 0
        for row in rows:
            id_ = row["id"]
            old = pending.get(id_) or stored.get(id_)
            if old is not None and old["content_hash"] == row["content_hash"]:
                if old["fp"] == row["fp"]:
                    continue  # nothing new at all: a re-crawl
                # Same content, better metadata: store it, keep the first sighting.
                row["indexed_at"], row["fetched_at"] = old["indexed_at"], old["fetched_at"]
            else:
                own = row["indexed_at"] if keep_indexed_at else None
                last = own if own is not None and own > last else max(_now_us(), last + 1)
                row["indexed_at"] = last
                changed += 1
            if old is not None:
                writer.delete_documents_by_term("id", id_)
            writer.add_document(_document(row, self._schema))
            pending[id_] = {key: row[key] for key in _STATE}  # not the text: bounded memory
        return changed, last

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        with self._writer() as writer:
            found = self.has(ids)
            for id_ in found:
                writer.delete_documents_by_term("id", id_)
            writer.commit()
        return len(found)

    # ----------------------------------------------------------------- reads

    def get(self, article_id: str) -> Article | None:
        searcher = self._searcher()
        hits = searcher.search(TQ.term_query(self._schema, "id", article_id), limit=1).hits
        return _article(_row(searcher.doc(hits[0][1]))) if hits else None

    def has(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        return set(_stored(self._searcher(), self._schema, ids))

    def same_story(self, story_id: str, exclude_id: str | None = None) -> list[Article]:
        if not story_id:
            return []
        searcher = self._searcher()
        q = TQ.term_query(self._schema, "story_id", story_id)
        total = searcher.search(q, limit=1).count
        docs = [_row(searcher.doc(a)) for _, a in
                searcher.search(q, limit=max(total, 1)).hits]
        docs = [d for d in docs if d["id"] != exclude_id]
        docs.sort(key=lambda d: (_date_us(d), d["id"]))
        return [_article(d) for d in docs]

    def count(self, query: Query | None = None) -> int:
        query = query or Query()
        return _count(self._searcher(), self._compile(query, query.parsed()))

    def new_since(self, watermark: datetime | None, query: Query, limit: int = 1000) -> Results:
        return self.search(new_since_query(watermark, query, limit))

    def search(self, query: Query) -> Results:
        node = query.parsed()
        searcher = self._searcher()
        q = self._compile(query, node)
        want = query.offset + query.limit
        # With facets, one aggregation pass over the matches counts them too (unscored),
        # so the page's search needs no count: it may skip what cannot reach the page.
        # The engine leaves Python's lock while it reads, so that pass runs on another
        # thread beside the page's search and the hits' decoding: with a core to spare a
        # search takes the longer of the two, not their sum (the CPU is the same).
        counting = _beside(self._facets, searcher, q, query, node) if query.facets else None
        counted = (lambda: counting.result()[0]) if counting is not None else None
        if query.sort == "relevance" and node is not None:
            total, page = _ranked(searcher, self._schema, q, query.offset, want, counted,
                                  lambda: self._span(searcher))
        else:
            field, order = {"indexed": ("indexed_at", Order.Asc),
                            "date": ("k_date", Order.Desc)}.get(query.sort, ("k_rel", Order.Desc))
            result = searcher.search(q, limit=max(query.limit, 1), offset=query.offset,
                                     order_by_field=field, order=order, count=counted is None)
            total = result.count if counted is None else None
            page = [(0.0, a) for _, a in result.hits][:query.limit]
        hits = [_hit(_row(searcher.doc(a)), score, node) for score, a in page]
        if counting is None:
            return Results(total=total, hits=hits, facets={})
        total, facets = counting.result()
        return Results(total=total, hits=hits, facets=facets)

    def _span(self, searcher: Any) -> tuple[int, int]:
        """_span, read again when the number of documents changed (a stale span only
        sizes the tie walk's windows less well)."""
        n = searcher.num_docs
        if self._spans is None or self._spans[0] != n:
            self._spans = (n, _span(searcher))
        return self._spans[1]

    def _facets(self, searcher: Any, q: Any, query: Query,
                node: Node | None) -> tuple[int, dict[str, list[FacetValue]]]:
        """The number of matches and their facets (exact: indexer.tantivy_facets), from
        one aggregation pass, or, for filters matching much of the index, from the
        facets' postings (the filters are cheap to run once per facet)."""
        fields = facet_fields(query)
        size = query.facet_size
        total: int | None = None
        if node is None and size > 0:
            total = _count(searcher, q)
            if total > POSTINGS_SHARE * searcher.num_docs:
                return total, {f.name: facets.from_postings(searcher, q, _shown(f), size)
                               for f in fields}
        # the matches are counted once: here, or by the pass that chose the way above
        aggs: dict[str, Any] = {_TOTAL: _COUNT_AGG} if total is None else {}
        if size > 0:
            aggs.update(facets.request(fields, _shown))
        result = searcher.aggregate(q, aggs) if aggs else {}
        if total is None:
            total = _total(result)
        if size <= 0:
            return total, {f.name: [] for f in fields}
        out, again = facets.read(result, fields, size)
        if again:  # a slot held too many distinct values to return them all
            more = searcher.aggregate(q, facets.fallback(again, size, _shown))
            out.update(facets.read_fallback(more, again, size))
        return total, {f.name: out[f.name] for f in fields}

    # ------------------------------------------------------------- compiling

    def _compile(self, query: Query, node: Node | None) -> Any:
        s = self._schema
        filters: list[Any] = []

        for f in FIELDS:
            keys = f.keys(f.values(query))
            if keys:
                filters.append(TQ.term_set_query(s, _keys(f), keys))
        if query.story_id is not None:
            filters.append(TQ.term_query(s, "story_id", query.story_id))
        if query.min_usd is not None:
            filters.append(TQ.range_query(s, "max_usd", FieldType.Float, float(query.min_usd),
                                          None))
        if query.min_relevance is not None:
            filters.append(TQ.range_query(s, "relevance", FieldType.Float,
                                          float(query.min_relevance), None))
        if query.since is not None or query.until is not None:
            filters.append(TQ.range_query(s, "date", FieldType.Integer, to_micros(query.since),
                                          to_micros(query.until)))
        if query.indexed_after is not None:
            filters.append(TQ.range_query(s, "indexed_at", FieldType.Integer,
                                          to_micros(query.indexed_after), None, include_lower=False))
        clauses = [(Occur.Must, self._text(node))] if node is not None else []
        # filters select, they do not score: ranking stays the text's alone
        clauses += [(Occur.Must, TQ.const_score_query(f, 0.0)) for f in filters]
        if not clauses:
            return TQ.all_query()
        if len(clauses) == 1 and node is not None:
            return clauses[0][1]
        if node is None:
            clauses.append((Occur.Must, TQ.const_score_query(TQ.all_query(), 0.0)))
        return TQ.boolean_query(clauses)

    def _text(self, node: Node) -> Any:
        """The parse tree as Tantivy queries on title_words/text_words: a word or phrase
        matches in the title or in the text (never across), a title match weighs more."""
        if isinstance(node, (Term, Phrase, Or)):
            clauses = self._alternatives(node)
            return clauses[0] if len(clauses) == 1 else TQ.boolean_query(
                [(Occur.Should, c) for c in clauses])
        if isinstance(node, And):
            clauses = [(Occur.MustNot, self._text(c.child)) if isinstance(c, Not)
                       else (Occur.Must, self._text(c)) for c in node.children]
            if not any(occur == Occur.Must for occur, _ in clauses):
                clauses.append((Occur.Must, TQ.all_query()))
            return TQ.boolean_query(clauses)
        if isinstance(node, Not):
            return TQ.boolean_query([(Occur.Must, TQ.all_query()),
                                     (Occur.MustNot, self._text(node.child))])
        raise TypeError(f"not a query node: {node!r}")

    def _alternatives(self, node: Node) -> list[Any]:
        """The queries any of which matches node, scored as their sum: one flat union
        (a word's title/text words and stems, an OR's alternatives) is read in one pass,
        where nested unions of two each cost a pass per level."""
        s = self._schema
        if isinstance(node, Or):
            return [q for c in node.children for q in (
                self._alternatives(c) if isinstance(c, (Term, Phrase, Or)) else [self._text(c)])]
        if isinstance(node, Phrase):
            words = list(node.words)
            pairs = pair_phrase(words)
            if pairs is None:
                return _either(lambda f: TQ.phrase_query(s, f, words))
            if len(pairs) == 1:  # two characters: one pair, no positions to read
                return _either(lambda f: TQ.term_query(s, f, pairs[0][1]), "_pairs")
            return _either(lambda f: TQ.phrase_query(s, f, pairs), "_pairs")
        if not isinstance(node, Term):
            raise TypeError(f"not a word or phrase: {node!r}")
        if node.prefix:
            pattern = _regex_literal(node.text) + ".*"
            return _either(lambda f: TQ.regex_query(s, f, pattern))
        words = _either(lambda f: TQ.term_query(s, f, node.text))
        if not node.stems:
            return words
        # a stem match weighs like a term-set match (1, 10 in the title): the union of
        # the stems' postings, not a bitset built from all of them first
        stems = [TQ.const_score_query(TQ.boolean_query(
            [(Occur.Should, TQ.term_query(s, field, stem)) for stem in node.stems]), boost)
            for field, boost in (("title_stems", TITLE_BOOST), ("text_stems", 1.0))]
        return words + stems

    # --------------------------------------------------------------- scanning

    def scan(self, batch: int = 1000) -> Iterator[list[Article]]:
        """Every stored article, oldest indexed first, in lists of up to batch (reindex)."""
        for page in self._scan(self._searcher(), batch):
            yield [_article(d) for d in page]

    def _scan(self, searcher: Any, batch: int = 1000) -> Iterator[list[dict[str, Any]]]:
        # the directory's own schema: a rebuild reads an index with other field numbers
        schema = self._live().schema
        after: int | None = None
        while True:
            q = (TQ.all_query() if after is None else
                 TQ.range_query(schema, "indexed_at", FieldType.Integer, after, None,
                                include_lower=False))
            hits = searcher.search(q, limit=batch, order_by_field="indexed_at",
                                   order=Order.Asc, count=False).hits
            if not hits:
                return
            yield [_row(searcher.doc(a)) for _, a in hits]
            after = hits[-1][0]


class _Preparer:
    """Turns articles into rows in chunks of LOOKUP_BATCH, in order. The first chunks
    are prepared here; once an upsert proves large (a reindex, a backfill), the
    analysis moves to worker processes, so the writer, the engine's indexing thread
    and the analysis use every core. Small upserts (a crawl's batches) never start one."""

    START_AFTER = 2  # chunks prepared in this process before workers are worth starting

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.pool: Any = None

    def __enter__(self) -> "_Preparer":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def rows(self, articles: Iterable[Article]) -> Iterator[list[dict[str, Any]]]:
        chunks = _chunked(articles, LOOKUP_BATCH)
        for _ in range(self.START_AFTER):
            chunk = next(chunks, None)
            if chunk is None:
                return
            yield prepare_rows(chunk)
        if self.processes < 1:
            for chunk in chunks:
                yield prepare_rows(chunk)
            return
        import multiprocessing
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: this process runs the engine's threads
        self.pool = ProcessPoolExecutor(self.processes,
                                        mp_context=multiprocessing.get_context("spawn"))
        # futures, or rows this process prepared itself rather than wait for a worker
        inflight: deque[Any] = deque()
        for chunk in chunks:
            inflight.append(self.pool.submit(prepare_rows, chunk))
            while len(inflight) > 2 * self.processes:
                head = inflight[0]
                if not _ready(head) and len(inflight) <= 4 * self.processes:
                    mine = next(chunks, None)  # the next chunk, queued after the others
                    if mine is not None:
                        inflight.append(prepare_rows(mine))
                        continue
                yield _rows_of(inflight.popleft())
        while inflight:
            yield _rows_of(inflight.popleft())


def _ready(item: Any) -> bool:
    return isinstance(item, list) or item.done()


def _rows_of(item: Any) -> list[dict[str, Any]]:
    return item if isinstance(item, list) else item.result()


def _chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# ------------------------------------------------------------------ helpers


def _either(make, kind: str = "_words") -> list[Any]:
    """The title and the text query of a field pair, the title's weighing more."""
    return [TQ.boost_query(make("title" + kind), TITLE_BOOST), make("text" + kind)]


def _regex_literal(word: str) -> str:
    # index words are letters, digits and marks; escape anything else all the same
    return "".join(c if c.isalnum() else "\\" + c if c.isascii() else c for c in word)


def _ranked(searcher: Any, schema: Any, q: Any, offset: int, want: int,
            counted: Callable[[], int] | None = None,
            span: Callable[[], tuple[int, int]] | None = None
            ) -> tuple[int | None, list[tuple[float, Any]]]:
    """Best score first, ties to the most recently indexed: Tantivy breaks score ties
    by document address, so fetch until the score drops past the page's last one
    (a tie group is never cut) and order that by (score, indexed_at) here. A tie group
    too large to fetch whole (a prefix scores every match alike) is read newest first
    instead (_newest_tied), so the cost follows the page, not the number of matches.
    counted: gives the number of matches when the caller counts them (called only if
    needed here), else they are counted here; returns (that number, None when the
    caller counts, and the page). span: gives the index's (oldest, newest) indexed_at
    (_newest_tied)."""
    if not want:
        return (_count(searcher, q) if counted is None else None), []
    # past the page, deep enough to end the page's last tie group (at a BM25 score it
    # is a few dozen articles): fetching 500 costs what fetching 41 does
    limit = max(2 * want + 1, FETCH_TIES)
    result = searcher.search(q, limit=limit, count=counted is None)
    total = result.count if counted is None else None
    hits = result.hits
    if len(hits) == limit and hits[-1][0] == hits[want - 1][0]:
        # the group goes on: a prefix scores every match alike. Its newest are read
        # in windows instead, so the cost follows the page, not the number of matches.
        return total, _newest_tied(searcher, schema, q, hits, offset, want,
                                   total if counted is None else counted(),
                                   (span or (lambda: _span(searcher)))())
    stamps = searcher.fast_field_values("indexed_at", [a for _, a in hits])
    order = sorted(range(len(hits)), key=lambda i: (-hits[i][0], -(stamps[i] or 0)))
    return total, [hits[i] for i in order[offset:want]]


def _newest_tied(searcher: Any, schema: Any, q: Any, hits: list[tuple[float, Any]],
                 offset: int, want: int, total: int,
                 span: tuple[int, int]) -> list[tuple[float, Any]]:
    """The page when the tie group at its end runs past hits (best first): every hit
    scoring above the tie is on the page; the rest of the page is the tie group's most
    recently indexed documents. They are read in windows of indexed_at, newest first,
    each scored search of q limited to its window (the window's range leads, so q is
    never evaluated over all its matches again: a phrase reads positions). span: the
    index's (oldest, newest) indexed_at, perhaps stale: it only sizes the windows (the
    first is open above, the last open below)."""
    tie = hits[want - 1][0]
    above = [h for h in hits if h[0] > tie]
    need = want - len(above)
    tied: list[tuple[int, float, Any]] = []
    everything = max(searcher.num_docs, 1)
    oldest, newest = span
    # documents per window: several pages of matches (widened while ties are too few)
    docs = max(TIE_WINDOW, 8 * want * everything // max(total, 1))
    width = max(1, (newest - oldest) * docs // everything)  # µs holding about that many
    upper: int | None = None  # exclusive bound of the window, None: open
    while len(tied) < need:
        lower: int | None = (newest if upper is None else upper) - width
        if lower <= oldest:
            lower = None  # the last window: everything older
        scoped = q if lower is None and upper is None else TQ.boolean_query([
            (Occur.Must, q), (Occur.Must, TQ.const_score_query(TQ.range_query(
                schema, "indexed_at", FieldType.Integer, lower, upper,
                include_upper=upper is None), 0.0))])
        # q's score plus a zero (filters never score); every match of the window
        cap = 2 * docs * total // everything + 64
        result = searcher.search(scoped, limit=cap)
        found = result.hits
        if result.count > len(found):
            found = searcher.search(scoped, limit=result.count, count=False).hits
        ties = [(score, a) for score, a in found if score == tie]
        stamps = searcher.fast_field_values("indexed_at", [a for _, a in ties])
        tied += [(stamp or 0, score, a) for stamp, (score, a) in zip(stamps, ties)]
        if lower is None:
            break
        upper = lower
        width *= 4  # ties are rarer than matches: widen
    tied.sort(key=lambda t: -t[0])
    stamps = searcher.fast_field_values("indexed_at", [a for _, a in above])
    ranked = sorted(((-score, -(stamp or 0), a) for stamp, (score, a) in zip(stamps, above)),
                    key=lambda t: (t[0], t[1]))
    page = [(-neg, a) for neg, _, a in ranked] + [(score, a) for _, score, a in tied[:need]]
    return page[offset:want]


# Count a search's matches and facets on a pool thread (True on a machine of 2 cores
# or more), or before its page on the calling thread (False: one core gains nothing).
COUNT_THREAD = (os.cpu_count() or 1) > 1
_POOL: tuple[int, ThreadPoolExecutor] | None = None  # (the process it belongs to, pool)
_POOL_LOCK = threading.Lock()


def _beside(work: Callable[..., Any], *args: Any) -> Future:
    """work(*args) on a pool thread (COUNT_THREAD), else done here and now."""
    if COUNT_THREAD:
        return _pool().submit(work, *args)
    done: Future = Future()
    try:
        done.set_result(work(*args))
    except Exception as exc:  # raised where the result is read, as from the pool
        done.set_exception(exc)
    return done


def _pool() -> ThreadPoolExecutor:
    """The threads that count a search's matches and facets beside its page: one per
    core, for the whole process (a forked child makes its own: threads do not fork)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != os.getpid():
            _POOL = (os.getpid(), ThreadPoolExecutor(max(2, os.cpu_count() or 1),
                                                     thread_name_prefix="tantivy-count"))
        return _POOL[1]


def _span(searcher: Any) -> tuple[int, int]:
    """The (oldest, newest) indexed_at of the index."""
    stats = searcher.aggregate(TQ.all_query(), {"s": {"stats": {"field": "indexed_at"}}})["s"]
    return int(stats.get("min") or 0), int(stats.get("max") or 0)


# Every document has one indexed_at: counting its values counts the matches, unscored.
_TOTAL = "__total"  # never a registry field's name
_COUNT_AGG = {"value_count": {"field": "indexed_at"}}


def _count(searcher: Any, q: Any) -> int:
    """The number of documents q matches, without scoring them."""
    return _total(searcher.aggregate(q, {_TOTAL: _COUNT_AGG}))


def _total(result: dict[str, Any]) -> int:
    return int((result.get(_TOTAL) or {}).get("value") or 0)


def _stored(searcher: Any, schema: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored state of those of ids that are indexed."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), LOOKUP_BATCH):
        chunk = ids[start:start + LOOKUP_BATCH]
        hits = searcher.search(TQ.term_set_query(schema, "id", chunk), limit=len(chunk),
                               count=False).hits
        for _, address in hits:
            row = _row(searcher.doc(address))
            out[row["id"]] = row
    return out


def _prepare(article: Article) -> dict[str, Any]:
    """A row: what every backend indexes (IndexDocument), the article's JSON without its
    times (stored as is), the fingerprint that tells a re-crawl from a change, the times."""
    doc = IndexDocument.from_article(article)
    # only what the write needs: rows may cross from a worker process
    return {"id": doc.id, "content_hash": doc.content_hash, "fields": _fields(doc),
            "fp": doc.fingerprint.encode("ascii"), "indexed_at": to_micros(article.indexed_at),
            "fetched_at": doc.fetched_at, "published": doc.published}


def _blob(doc: IndexDocument) -> bytes:
    """The stored article: its JSON without its times."""
    columns = orjson.dumps({"id": doc.id, "url": doc.url, "title": doc.title,
                            "text": doc.text, "content_hash": doc.content_hash,
                            "lang": doc.lang})
    # the columns, then rest as the fingerprint already encoded it (no second encoding
    # of the entities); rest never holds a column, so no key appears twice
    return columns if doc.rest_json == b"{}" else columns[:-1] + b"," + doc.rest_json[1:]


def _row(doc: Any) -> dict[str, Any]:
    """A stored document back as a row (without its IndexDocument)."""
    blob = doc.get_first("article")
    data = json.loads(blob)
    return {"id": data["id"], "data": data, "content_hash": data.get("content_hash"),
            "blob": blob, "fp": doc.get_first("fp"),
            "indexed_at": doc.get_first("indexed_at"), "fetched_at": doc.get_first("fetched_at")}


def _fields(doc: IndexDocument) -> dict[str, Any]:
    """The document's values that do not depend on indexed_at, by schema field name, as
    Document.from_dict takes them: the engine builds the document in one call."""
    fields: dict[str, Any] = {
        "id": doc.id, "article": _blob(doc),
        "title_words": doc.title_words, "text_words": doc.text_words,
        "title_stems": doc.title_stems, "text_stems": doc.text_stems,
        "title_pairs": _pairs(doc.title_words), "text_pairs": _pairs(doc.text_words),
        "story_id": [doc.story_id] if doc.story_id else [], facets.OVERFLOWED: [],
        "relevance": doc.relevance,
        "max_usd": doc.max_usd if doc.max_usd is not None else -1.0}
    for f in FIELDS:
        if f.entity:
            pairs = doc.entities.get(f.name) or []
            fields[_shown(f)] = [name for _, name in pairs]
            fields[_keys(f)] = doc.filter_keys(f.name)
            facets.document_values(_shown(f), fields[_shown(f)], fields)
        else:  # a column of the article (lang, source): value and key are one
            value = getattr(doc, f.name, None)
            fields[_shown(f)] = [f.fold(value)] if value and f.fold(value) else []
    return fields


def _pairs(words: str) -> list[str]:
    """The pair tokens of space-joined index words (none without unspaced scripts)."""
    pairs = pairs_text(words)
    return [pairs] if pairs else []


def _document(row: dict[str, Any], schema: Any) -> Any:
    """The engine's document of a row (of _prepare, or of _row: analysed again here)."""
    if "fields" in row:
        values, date = row["fields"], row["published"]
    else:
        doc = IndexDocument.from_article(_article(row))
        values, date = _fields(doc), doc.published
        values["article"] = row["blob"]  # as stored, byte for byte
    if date is None:
        date = row["fetched_at"] or 0
    indexed = row["indexed_at"] or 0
    k_date = f"{date + _DATE_BIAS:016x}{indexed:016x}"
    values.update(date=date, indexed_at=indexed, k_date=k_date,
                  k_rel=_float_key(values["relevance"]) + k_date, fp=row["fp"],
                  fetched_at=row["fetched_at"] if row["fetched_at"] is not None else -1)
    # one call: ~50 add_text calls cost twice as much
    return tantivy.Document.from_dict(values, schema)


_STATE = ("content_hash", "fp", "indexed_at", "fetched_at")  # what a later upsert compares


def prepare_rows(articles: list[Article]) -> list[dict[str, Any]]:
    """Rows ready to write, analysis done (what a worker process runs)."""
    return [_prepare(a) for a in articles]


def _float_key(value: float) -> str:
    """A fixed-width hex string that sorts like the float."""
    bits = struct.unpack(">Q", struct.pack(">d", value))[0]
    bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
    return f"{bits:016x}"


def _json(row: dict[str, Any]) -> dict[str, Any]:
    """The article's JSON, times included."""
    fetched = row["fetched_at"]
    return dict(row["data"], indexed_at=iso(from_micros(row["indexed_at"])),
                fetched_at=iso(from_micros(fetched)) if fetched is not None and fetched >= 0
                else None)


def _article(row: dict[str, Any]) -> Article:
    return Article.from_json(_json(row))


def _hit(row: dict[str, Any], score: float, node: Node | None) -> Hit:
    data = row["data"]
    return Hit(id=data["id"], url=data.get("url") or "", title=data.get("title") or "",
               published=data.get("published"), lang=data.get("lang"),
               source=data.get("source") or "",
               snippet=snippet(data.get("text") or "", node, lang=data.get("lang")),
               entities=Entities.from_json(data.get("entities")), score=float(score),
               relevance=float(data.get("relevance") or 0.0),
               story_id=data.get("story_id") or "",
               indexed_at=iso(from_micros(row["indexed_at"])))


def _max_indexed_at(searcher: Any) -> int:
    hits = searcher.search(TQ.all_query(), limit=1, order_by_field="indexed_at",
                           order=Order.Desc, count=False).hits
    return int(hits[0][0]) if hits else 0


def _date_us(row: dict[str, Any]) -> int:
    """The article's date: published, else fetched."""
    value = _parse_us(row["data"].get("published"))
    if value is None:
        value = row["fetched_at"]
    return value or 0


def _parse_us(value: str | None) -> int | None:
    return to_micros(parse_iso(value)) if value else None


def _now_us() -> int:
    return to_micros(datetime.now(timezone.utc))  # type: ignore[return-value]
