"""The alerts database: one SQLite file (data_dir/alerts.db) holding subscriptions,
the outbox and the digests, so that advancing a watermark and queueing the articles it
covers happen in one transaction.

Tables
    subscriptions(id, email, query JSON, frequency, watermark, created, active,
                  last_digest_at, suspended)
    outbox(subscription_id, article_id, queued_at, hit JSON, digest_id)
        primary key (subscription_id, article_id): an article is queued once per subscription.
    digests(id, subscription_id, email, frequency, created, status pending|sent|parked,
            attempts, next_attempt, last_error, sent_at, message_id)

Timestamps are UTC text in one fixed format (see ts()), so they sort as text.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

DB_NAME = "alerts.db"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a token for a removed id stays dead
    email TEXT NOT NULL,
    query TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('instant', 'hourly', 'daily')),
    watermark TEXT,
    created TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    last_digest_at TEXT,
    suspended TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    hit TEXT NOT NULL,
    digest_id TEXT REFERENCES digests(id) ON DELETE CASCADE,
    PRIMARY KEY (subscription_id, article_id)
);
CREATE INDEX IF NOT EXISTS outbox_unassigned ON outbox (subscription_id, digest_id);
CREATE TABLE IF NOT EXISTS digests (
    id TEXT PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    frequency TEXT NOT NULL,
    created TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'parked')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT,
    message_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS digests_status ON digests (status, next_attempt);
"""


def ts(value: datetime | None = None) -> str:
    """A UTC timestamp as sortable text: 2026-11-28T05:30:00.000000Z."""
    value = value or datetime.now(timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def connect(data_dir: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) data_dir/alerts.db with the schema in place."""
    path = Path(data_dir) / DB_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we open transactions ourselves (BEGIN IMMEDIATE), so
    # each one is exactly as wide as the code says.
    conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a committed 'sent' survives a power cut
    conn.execute("PRAGMA foreign_keys=ON")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < SCHEMA_VERSION:
        # Every statement is CREATE ... IF NOT EXISTS, so two processes racing here agree.
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return conn


class transaction:
    """`with transaction(conn):` BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
