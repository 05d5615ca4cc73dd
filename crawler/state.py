"""Per-URL crawl state in SQLite: validators for conditional GETs and content hashes.

One small file in the data dir. Several crawl workers (shards) may share it:
WAL mode and a busy timeout let them write without stepping on each other.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from nlp.identity import canonical_url

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY,          -- canonical URL
    etag TEXT,
    last_modified TEXT,
    content_hash TEXT,
    status INTEGER,
    fetched_at TEXT NOT NULL       -- last time we got any answer (200 or 304)
)
"""


@dataclass
class Validators:
    url: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    status: int | None
    fetched_at: datetime


class CrawlState:
    def __init__(self, path: str | Path | None = None):
        """path None keeps the state in memory (nothing survives the run)."""
        target = ":memory:" if path is None else str(path)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(target, timeout=30.0, isolation_level=None)
        if path is not None:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(_SCHEMA)

    def get(self, url: str) -> Validators | None:
        row = self.db.execute(
            "SELECT url, etag, last_modified, content_hash, status, fetched_at "
            "FROM fetches WHERE url = ?", (canonical_url(url),)).fetchone()
        if row is None:
            return None
        return Validators(row[0], row[1], row[2], row[3], row[4],
                          datetime.fromisoformat(row[5]))

    def record(self, url: str, *, etag: str | None, last_modified: str | None,
               content_hash: str | None, status: int = 200,
               fetched_at: datetime | None = None) -> None:
        when = (fetched_at or datetime.now(timezone.utc)).isoformat()
        self.db.execute(
            "INSERT INTO fetches (url, etag, last_modified, content_hash, status, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, content_hash = excluded.content_hash, "
            "status = excluded.status, fetched_at = excluded.fetched_at",
            (canonical_url(url), etag, last_modified, content_hash, status, when))

    def touch(self, url: str, fetched_at: datetime | None = None) -> None:
        """A 304 or an unchanged page: only the time of the last answer changes."""
        when = (fetched_at or datetime.now(timezone.utc)).isoformat()
        self.db.execute("UPDATE fetches SET fetched_at = ? WHERE url = ?",
                        (when, canonical_url(url)))

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM fetches").fetchone()[0]

    def close(self) -> None:
        self.db.close()
