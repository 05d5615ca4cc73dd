"""The SQLite index's columns in memory (numpy), for filters, sorts and facets.

FTS5 is fast at finding which documents contain words; SQL is slow at what a
search does next when the result set is large: filtering it by country or
date, counting five facets over it, sorting it by date (each a B-tree lookup
per matching document: seconds at 100k matches). Here those columns live in
numpy arrays indexed by document number n, so a filter is a boolean mask, a
facet is one bincount and a sort is one partition, each about a millisecond at
100k documents.

The arrays follow the file whoever writes it: each write transaction bumps
meta.generation and stamps the documents it touched in doc_changes, so a
refresh reloads only those (or everything, on first use and after large
changes). Refresh inside the read transaction that runs the query, so the
arrays and the full-text matches come from the same snapshot.
"""
from __future__ import annotations

import sqlite3
from typing import Callable

import numpy as np

from indexer.fields import FIELDS, Field, facet_fields
from indexer.query import FacetValue, Query

# Integer columns come as one comma-separated row (fast); reals as rows, because
# SQLite's own text form of a double does not always read back as the same double.
_INTS = "SELECT group_concat(n), group_concat(date), group_concat(indexed_at) FROM documents"
_REALS = "SELECT n, relevance, max_usd FROM documents"



# The name of a side-table row holding a surface key: matched by filters, never counted.
ALIAS = ""


def side_table(f: Field) -> str:
    """The table of (document, match key, display name) rows of an entity field."""
    return f"doc_{f.store}"


def _facet_sql(f: Field) -> tuple[str, str]:
    """(load all: key, name, group_concat(n) per value; rows for some n) of a field."""
    if f.entity:
        table = side_table(f)
        return (f"SELECT key, name, group_concat(n) FROM {table} GROUP BY key, name",
                f"SELECT n, key, name FROM {table} WHERE n IN ({{}})")
    column = f.name  # lang and source are columns of documents
    present = f"{column} IS NOT NULL AND {column} != ''"
    return (f"SELECT {column}, {column}, group_concat(n) FROM documents WHERE {present} "
            f"GROUP BY {column}",
            f"SELECT n, {column}, {column} FROM documents WHERE {present} AND n IN ({{}})")


_FACET_SQL: dict[str, tuple[str, str, Field]] = {f.name: (*_facet_sql(f), f) for f in FIELDS}


def ints(text: str | None) -> np.ndarray:
    """A group_concat() of integers as an array (parsed in C, not via a list of str)."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


class _Facet:
    """(document, value) pairs of one facet; values numbered in first-seen order.

    Counting: the most frequent values also keep one bitset each (a bit per
    document), so a count is an AND and a popcount over a few kilobytes instead
    of a gather over every pair; the other values' pairs are counted by gather.
    """

    MAX_BITSETS = 256

    def __init__(self, match_key: Callable[[str], str]) -> None:
        self.match_key = match_key
        self.doc = np.zeros(0, dtype=np.int64)
        self.val = np.zeros(0, dtype=np.int32)
        self.names: list[str] = []
        self.ids: dict[str, int] = {}
        self.by_key: dict[str, list[int]] = {}  # match key -> value numbers
        self.rank = np.zeros(0, dtype=np.int64)  # place of each name in sorted order
        self.bits: np.ndarray | None = None  # (frequent values, capacity / 8) uint8
        self.row_of = np.zeros(0, dtype=np.int64)  # value -> row in bits, or -1
        self.tail_doc = self.doc
        self.tail_val = self.val
        # (document, surface key number) pairs: filters only (Field.aliased), looked up
        # by binary search in their key order (sorted on first use after a change)
        self.alias_doc = np.zeros(0, dtype=np.int32)
        self.alias_kid = np.zeros(0, dtype=np.int32)
        self.alias_ids: dict[str, int] = {}
        self._alias_sorted = True

    def _aliases(self, docs: list[int] | np.ndarray, keys: list[str]) -> None:
        kids = [self.alias_ids.setdefault(key, len(self.alias_ids)) for key in keys]
        self.alias_doc = np.concatenate([self.alias_doc, np.asarray(docs, dtype=np.int32)])
        self.alias_kid = np.concatenate([self.alias_kid, np.asarray(kids, dtype=np.int32)])
        self._alias_sorted = False

    def _alias_docs(self, kids: list[int]) -> np.ndarray:
        """The documents carrying any of these surface key numbers."""
        if not self._alias_sorted:
            order = np.argsort(self.alias_kid, kind="stable")
            self.alias_kid, self.alias_doc = self.alias_kid[order], self.alias_doc[order]
            self._alias_sorted = True
        lo = np.searchsorted(self.alias_kid, kids, side="left")
        hi = np.searchsorted(self.alias_kid, kids, side="right")
        return np.concatenate([self.alias_doc[a:b] for a, b in zip(lo, hi)])

    def _vid(self, key: str, name: str) -> int:
        vid = self.ids.get(name)
        if vid is None:
            vid = self.ids[name] = len(self.names)
            self.names.append(name)
            self.by_key.setdefault(key, []).append(vid)
        return vid

    def load(self, groups: list[tuple[str, str, str]]) -> None:
        docs, vals = [], []
        for key, name, ns in groups:
            n = ints(ns)
            if name == ALIAS:
                self._aliases(n, [key] * len(n))
                continue
            docs.append(n)
            vals.append(np.full(len(n), self._vid(key, name), dtype=np.int32))
        self._append(docs, vals)
        self.bits = None  # built on first count

    def patch(self, changed: np.ndarray, rows: list[tuple[int, str, str]]) -> None:
        keep = ~np.isin(self.alias_doc, changed)
        self.alias_doc, self.alias_kid = self.alias_doc[keep], self.alias_kid[keep]
        surfaces = [r for r in rows if r[2] == ALIAS]
        self._aliases([r[0] for r in surfaces], [r[1] for r in surfaces])
        rows = [r for r in rows if r[2] != ALIAS]
        keep = ~np.isin(self.doc, changed)
        self.doc, self.val = self.doc[keep], self.val[keep]
        docs = np.array([r[0] for r in rows], dtype=np.int64)
        vals = np.array([self._vid(r[1], r[2]) for r in rows], dtype=np.int32)
        self._append([docs], [vals])
        if self.bits is None:
            return
        if int(changed.max(initial=0)) >= self.bits.shape[1] * 8 or len(changed) > 1000:
            self.bits = None
            return
        for n in changed.tolist():  # clear the changed documents' bits
            self.bits[:, n >> 3] &= np.uint8(~(128 >> (n & 7)) & 0xFF)
        row_of = np.concatenate([self.row_of, np.full(len(self.names) - len(self.row_of), -1)])
        self.row_of = row_of
        rows_of_new = row_of[vals]
        self._set_bits(docs[rows_of_new >= 0], rows_of_new[rows_of_new >= 0])
        keep = ~np.isin(self.tail_doc, changed)
        self.tail_doc = np.concatenate([self.tail_doc[keep], docs[rows_of_new < 0]])
        self.tail_val = np.concatenate([self.tail_val[keep], vals[rows_of_new < 0]])

    def _append(self, docs: list[np.ndarray], vals: list[np.ndarray]) -> None:
        self.doc = np.concatenate([self.doc, *docs])
        self.val = np.concatenate([self.val, *vals])
        order = sorted(range(len(self.names)), key=self.names.__getitem__)
        self.rank = np.empty(len(self.names), dtype=np.int64)
        self.rank[order] = np.arange(len(self.names))

    def _build_bits(self, capacity: int) -> None:
        counts = np.bincount(self.val, minlength=len(self.names))
        frequent = np.argsort(-counts, kind="stable")[:self.MAX_BITSETS]
        frequent = frequent[counts[frequent] >= max(32, capacity // 256)]
        self.row_of = np.full(len(self.names), -1, dtype=np.int64)
        self.row_of[frequent] = np.arange(len(frequent))
        self.bits = np.zeros((len(frequent), (capacity + 7) // 8), dtype=np.uint8)
        rows = self.row_of[self.val]
        self._set_bits(self.doc[rows >= 0], rows[rows >= 0])
        self.tail_doc, self.tail_val = self.doc[rows < 0], self.val[rows < 0]

    def _set_bits(self, docs: np.ndarray, rows: np.ndarray) -> None:
        assert self.bits is not None
        flat = self.bits.reshape(-1)
        np.bitwise_or.at(flat, rows * self.bits.shape[1] + (docs >> 3),
                         (128 >> (docs & 7)).astype(np.uint8))

    def having(self, values: list[str], size: int) -> np.ndarray:
        """Mask of documents with any of these values (matched on the facet's key)."""
        keys = [self.match_key(value) for value in values]
        vids = [v for key in keys for v in self.by_key.get(key, ())]
        kids = [self.alias_ids[key] for key in keys if key in self.alias_ids]
        mask = np.zeros(size, dtype=bool)
        if vids:
            mask[self.doc[np.isin(self.val, vids)]] = True
        if kids:
            mask[self._alias_docs(kids)] = True
        return mask

    def counts(self, mask: np.ndarray, packed: np.ndarray) -> np.ndarray:
        """How many documents of the mask have each value (packed: the mask as bits)."""
        if self.bits is None or self.bits.shape[1] != len(packed):
            self._build_bits(len(mask))
        assert self.bits is not None
        counts = np.bincount(self.tail_val[mask[self.tail_doc]], minlength=len(self.names))
        if len(self.bits):
            frequent = np.bitwise_count(self.bits & packed).sum(axis=1, dtype=np.int64)
            counts[self.row_of >= 0] += frequent[self.row_of[self.row_of >= 0]]
        return counts

    def top(self, mask: np.ndarray, packed: np.ndarray, size: int) -> list[FacetValue]:
        if not self.names or size <= 0:
            return []
        counts = self.counts(mask, packed)
        present = np.flatnonzero(counts)
        order = np.lexsort((self.rank[present], -counts[present]))[:size]
        return [FacetValue(self.names[i], int(counts[i])) for i in present[order]]


class DocCache:
    """Per-document columns and facet values of one index file."""

    PATCH_SHARE = 0.05  # reload everything when more than this share of documents changed

    def __init__(self) -> None:
        self.generation: int | None = None
        self.capacity = 0
        self.count = 0

    # ------------------------------------------------------------ loading

    def refresh(self, db: sqlite3.Connection) -> None:
        row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        generation = int(row[0]) if row else 0
        if generation == self.generation:
            return
        if self.generation is not None:
            changed = np.array([r[0] for r in db.execute(
                "SELECT n FROM doc_changes WHERE gen > ?", (self.generation,))], dtype=np.int64)
            if len(changed) <= max(1000, self.count * self.PATCH_SHARE):
                self._patch(db, changed)
                self.generation = generation
                return
        self._load(db)
        self.generation = generation

    def _load(self, db: sqlite3.Connection) -> None:
        top = db.execute("SELECT coalesce(max(n), 0) FROM documents").fetchone()[0]
        self._allocate(top + 1)
        self._set_rows(db.execute(_INTS).fetchone(), db.execute(_REALS).fetchall())
        self.facets = {name: _Facet(sql[2].fold) for name, sql in _FACET_SQL.items()}
        for name, (load_sql, _, _) in _FACET_SQL.items():
            self.facets[name].load(db.execute(load_sql).fetchall())

    def _patch(self, db: sqlite3.Connection, changed: np.ndarray) -> None:
        if not len(changed):
            return
        top = int(changed.max())
        if top >= self.capacity:
            self._grow(max(top + 1, self.capacity * 2))
        self.present[changed] = False
        ids = [int(n) for n in changed]
        rows: dict[str, list] = {name: [] for name in _FACET_SQL}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            where = f" WHERE n IN ({marks})"
            self._set_rows(db.execute(_INTS + where, chunk).fetchone(),
                           db.execute(_REALS + where, chunk).fetchall())
            for name, (_, rows_sql, _) in _FACET_SQL.items():
                rows[name] += db.execute(rows_sql.format(marks), chunk).fetchall()
        for name, facet in self.facets.items():
            facet.patch(changed, rows[name])
        self.count = int(self.present.sum())

    def _allocate(self, capacity: int) -> None:
        self.capacity = capacity
        self.present = np.zeros(capacity, dtype=bool)
        self.date = np.zeros(capacity, dtype=np.int64)
        self.indexed = np.zeros(capacity, dtype=np.int64)
        self.relevance = np.zeros(capacity, dtype=np.float64)
        self.usd = np.full(capacity, np.nan, dtype=np.float64)  # NaN: no money mentioned

    def _grow(self, capacity: int) -> None:
        extra = capacity - self.capacity
        self.present = np.concatenate([self.present, np.zeros(extra, dtype=bool)])
        self.date = np.concatenate([self.date, np.zeros(extra, dtype=np.int64)])
        self.indexed = np.concatenate([self.indexed, np.zeros(extra, dtype=np.int64)])
        self.relevance = np.concatenate([self.relevance, np.zeros(extra, dtype=np.float64)])
        self.usd = np.concatenate([self.usd, np.full(extra, np.nan, dtype=np.float64)])
        self.capacity = capacity

    def _set_rows(self, columns: tuple, reals: list[tuple]) -> None:
        n = ints(columns[0])
        if len(n):
            self.present[n] = True
            self.date[n] = ints(columns[1])
            self.indexed[n] = ints(columns[2])
            table = np.array(reals, dtype=np.float64)  # None (no money) becomes NaN
            rows = table[:, 0].astype(np.int64)
            self.relevance[rows] = table[:, 1]
            self.usd[rows] = table[:, 2]
        self.count = int(self.present.sum())

    # ------------------------------------------------------------ queries

    def mask(self, query: Query, indexed_after: int | None, since: int | None,
             until: int | None) -> np.ndarray:
        """Documents passing every filter of the query (not the text)."""
        mask = self.present.copy()
        for f in FIELDS:
            values = f.values(query)
            if values:
                mask &= self.facets[f.name].having(values, self.capacity)
        if query.min_usd is not None:
            mask &= self.usd >= query.min_usd  # NaN (no money) is never >=
        if query.min_relevance is not None:
            mask &= self.relevance >= query.min_relevance
        if since is not None:
            mask &= self.date >= since
        if until is not None:
            mask &= self.date <= until
        if indexed_after is not None:
            mask &= self.indexed > indexed_after
        return mask

    def order(self, ns: np.ndarray, sort: str, k: int) -> np.ndarray:
        """The first k of ns in sort order: date, newest first; indexed, oldest first;
        relevance (no text to rank by), the articles' own relevance, then newest.
        Ties go to the most recently indexed (indexed_at is unique: a total order)."""
        if k <= 0 or not len(ns):
            return ns[:0]
        if sort == "indexed":
            keys = [self.indexed[ns]]
        elif sort == "date":
            keys = [-self.date[ns], -self.indexed[ns]]
        else:
            keys = [-self.relevance[ns], -self.date[ns], -self.indexed[ns]]
        if k < len(ns) // 2:  # keep only what can reach the first k (ties included)
            cut = np.partition(keys[0], k - 1)[k - 1]
            keep = keys[0] <= cut
            ns, keys = ns[keep], [key[keep] for key in keys]
        order = np.lexsort((ns, *reversed(keys)))
        return ns[order[:k]]

    def facet_counts(self, query: Query, mask: np.ndarray) -> dict[str, list[FacetValue]]:
        packed = np.packbits(mask)
        return {f.name: self.facets[f.name].top(mask, packed, query.facet_size)
                for f in facet_fields(query)}
