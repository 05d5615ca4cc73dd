"""Fewer cycle collections while a bulk write builds its rows.

    with fewer_collections():
        index many articles

An upsert holds a chunk of articles and their prepared rows (some hundred container
objects per article) while it writes them. At the collector's default threshold
(700 net allocations) every few articles start a young collection, which promotes
the chunk's live objects, so older generations fill and are walked again and again:
measured on the Tantivy bulk path, 1,985 collections over 20,000 articles, about a
quarter of the writing thread's CPU. A young generation of BULK_THRESHOLD objects
lets almost every row die young, as it does without a collector. Nothing the write
path allocates is cyclic garbage waiting for the collector, and the bound keeps
memory in check should anything be.

Process-wide (the collector is), nested and thread safe: the first caller raises
the threshold, the last one out restores what it found. A collector disabled or
set higher by the application is left alone.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

BULK_THRESHOLD = 100_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if 0 < _saved[0] < BULK_THRESHOLD:  # 0: collection is off, leave it off
                gc.set_threshold(BULK_THRESHOLD, *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                if gc.get_threshold()[0] == BULK_THRESHOLD != _saved[0]:
                    gc.set_threshold(*_saved)  # unless someone set another meanwhile
                _saved = None
