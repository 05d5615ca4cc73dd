"""The alerts database: every SQL statement of data_dir/alerts.db, and nothing else.

One SQLite file holds subscriptions, the outbox and the digests, so that advancing a
watermark and queueing the articles it covers happen in one transaction. Each public
method of AlertStore is one operation and one transaction (BEGIN IMMEDIATE ... COMMIT);
the rest of alerts/ never writes SQL.

Tables (schema version 2)
    subscriptions(id, channel, target, query JSON, frequency, watermark, created, active,
                  last_digest_at, suspended)
        channel 'email' (target: an address) or 'webhook' (target: an http(s) URL).
    outbox(subscription_id, article_id, queued_at, hit JSON, digest_id)
        primary key (subscription_id, article_id): an article is queued once per subscription.
    digests(id, subscription_id, channel, target, frequency, created,
            status pending|sent|parked, attempts, next_attempt, last_error, sent_at, message_id)

Version 1 databases (e-mail only: an `email` column) are migrated in place on first
open: the column becomes `target` and every old row gets channel 'email'.

Timestamps are UTC text in one fixed format (see ts()), so they sort as text.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

DB_NAME = "alerts.db"
SCHEMA_VERSION = 2

_CREATE = (
    """CREATE TABLE IF NOT EXISTS subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a token for a removed id stays dead
        channel TEXT NOT NULL DEFAULT 'email',
        target TEXT NOT NULL,
        query TEXT NOT NULL,
        frequency TEXT NOT NULL CHECK (frequency IN ('instant', 'hourly', 'daily')),
        watermark TEXT,
        created TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        last_digest_at TEXT,
        suspended TEXT)""",
    """CREATE TABLE IF NOT EXISTS outbox (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        hit TEXT NOT NULL,
        digest_id TEXT REFERENCES digests(id) ON DELETE CASCADE,
        PRIMARY KEY (subscription_id, article_id))""",
    "CREATE INDEX IF NOT EXISTS outbox_unassigned ON outbox (subscription_id, digest_id)",
    """CREATE TABLE IF NOT EXISTS digests (
        id TEXT PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        channel TEXT NOT NULL DEFAULT 'email',
        target TEXT NOT NULL,
        frequency TEXT NOT NULL,
        created TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'parked')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        last_error TEXT,
        sent_at TEXT,
        message_id TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS digests_status ON digests (status, next_attempt)",
)

# Version 1 knew only e-mail: its `email` column is the target of an 'email' channel.
_MIGRATE_FROM_1 = (
    "ALTER TABLE subscriptions RENAME COLUMN email TO target",
    "ALTER TABLE subscriptions ADD COLUMN channel TEXT NOT NULL DEFAULT 'email'",
    "ALTER TABLE digests RENAME COLUMN email TO target",
    "ALTER TABLE digests ADD COLUMN channel TEXT NOT NULL DEFAULT 'email'",
)

_SUSPEND = "UPDATE subscriptions SET active = 0, suspended = ? WHERE id = ?"
_PENDING = "SELECT COUNT(*) FROM digests WHERE status = 'pending'"

_SQLITE_MIN, _SQLITE_MAX = -(2 ** 63), 2 ** 63 - 1  # the range of an INTEGER column


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


class transaction:
    """`with transaction(conn):` BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


def connect(data_dir: str | Path) -> sqlite3.Connection:
    """Open (creating or migrating if needed) data_dir/alerts.db."""
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
    if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        with transaction(conn):
            # Read again under the write lock: another process may have done it meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            steps = _CREATE if version == 0 else _MIGRATE_FROM_1 if version == 1 else ()
            for statement in steps:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return conn


@dataclass
class DigestRow:
    """One digest as stored: who it goes to, through which channel, and its state."""
    id: str
    subscription_id: int
    channel: str
    target: str
    frequency: str
    created: datetime
    status: str
    attempts: int
    next_attempt: datetime
    last_error: str | None
    sent_at: datetime | None
    message_id: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "DigestRow":
        return cls(id=row["id"], subscription_id=row["subscription_id"],
                   channel=row["channel"], target=row["target"], frequency=row["frequency"],
                   created=parse_ts(row["created"]), status=row["status"],
                   attempts=row["attempts"], next_attempt=parse_ts(row["next_attempt"]),
                   last_error=row["last_error"], sent_at=parse_ts(row["sent_at"]),
                   message_id=row["message_id"])


class AlertStore:
    """data_dir/alerts.db. One connection: not shared between threads at once."""

    def __init__(self, data_dir: str | Path):
        self.conn = connect(data_dir)

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ subscriptions

    def add_subscription(self, channel: str, target: str, query: str, frequency: str,
                         created: datetime | None) -> tuple[int, bool]:
        """(id, created): the active subscription with the same channel, target, query and
        frequency if there is one, else a new one."""
        with transaction(self.conn) as conn:
            row = conn.execute(
                "SELECT id FROM subscriptions WHERE channel = ? AND target = ? AND query = ? "
                "AND frequency = ? AND active = 1", (channel, target, query, frequency)).fetchone()
            if row is not None:
                return row[0], False
            cursor = conn.execute(
                "INSERT INTO subscriptions (channel, target, query, frequency, created) "
                "VALUES (?, ?, ?, ?, ?)", (channel, target, query, frequency, ts(created)))
            return cursor.lastrowid, True

    def subscription(self, subscription_id: int) -> sqlite3.Row | None:
        # An id outside SQLite's integers names no subscription (and would overflow the driver).
        if not _SQLITE_MIN <= subscription_id <= _SQLITE_MAX:
            return None
        return self.conn.execute("SELECT * FROM subscriptions WHERE id = ?",
                                 (subscription_id,)).fetchone()

    def subscriptions(self, *, active_only: bool = False) -> list[sqlite3.Row]:
        where = " WHERE active = 1" if active_only else ""
        return self.conn.execute(f"SELECT * FROM subscriptions{where} ORDER BY id").fetchall()

    def delete_subscription(self, subscription_id: int) -> bool:
        """Delete it with its queued articles and digests (ON DELETE CASCADE)."""
        with transaction(self.conn) as conn:
            return conn.execute("DELETE FROM subscriptions WHERE id = ?",
                                (subscription_id,)).rowcount > 0

    def suspend(self, subscription_id: int, reason: str) -> None:
        with transaction(self.conn) as conn:
            conn.execute(_SUSPEND, (reason, subscription_id))

    def pending_counts(self) -> dict[int, int]:
        """Digests waiting to be sent, per subscription id."""
        rows = self.conn.execute("SELECT subscription_id, COUNT(*) FROM digests "
                                 "WHERE status = 'pending' GROUP BY subscription_id")
        return {r[0]: r[1] for r in rows}

    def pending_total(self) -> int:
        return self.conn.execute(_PENDING).fetchone()[0]

    # ------------------------------------------------------------------ matching

    def waiting_counts(self) -> dict[int, int]:
        """Queued articles not in a digest yet, per subscription id."""
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT subscription_id, COUNT(*) FROM outbox WHERE digest_id IS NULL "
            "GROUP BY subscription_id")}

    def queue_matches(self, batch: Iterable[tuple[int, str | None, str, list[tuple[str, str]]]],
                      queued_at: datetime | None) -> list[int | None]:
        """In one transaction, for each (subscription id, old watermark, new watermark,
        [(article id, hit JSON)]): move the watermark if nobody else did, and queue the
        articles (INSERT OR IGNORE). Returns, per item, the new outbox rows, or None when
        the subscription changed under us (removed, suspended, matched by someone else)."""
        queued = ts(queued_at)
        out: list[int | None] = []
        with transaction(self.conn) as conn:
            for sub_id, old, new, rows in batch:
                cursor = conn.execute(
                    "UPDATE subscriptions SET watermark = ? WHERE id = ? AND active = 1 "
                    "AND watermark IS ?", (new, sub_id, old))
                if cursor.rowcount != 1:
                    out.append(None)
                    continue
                before = conn.total_changes
                conn.executemany(
                    "INSERT OR IGNORE INTO outbox (subscription_id, article_id, queued_at, hit) "
                    "VALUES (?, ?, ?, ?)", [(sub_id, aid, queued, hit) for aid, hit in rows])
                out.append(conn.total_changes - before)
        return out

    # ------------------------------------------------------------------- digests

    def create_digest(self, subscription_id: int, digest_id: str, *, now: datetime,
                      max_articles: int, message_id: str) -> bool:
        """Put up to max_articles queued articles into a new pending digest, unless the
        subscription is gone, inactive, or already has a pending digest."""
        with transaction(self.conn) as conn:
            sub = conn.execute("SELECT * FROM subscriptions WHERE id = ? AND active = 1",
                               (subscription_id,)).fetchone()
            if sub is None:  # removed or suspended since the listing
                return False
            if conn.execute("SELECT 1 FROM digests WHERE subscription_id = ? "
                            "AND status = 'pending'", (subscription_id,)).fetchone():
                return False
            rows = conn.execute(
                "SELECT article_id FROM outbox WHERE subscription_id = ? AND digest_id IS NULL "
                "ORDER BY queued_at, rowid LIMIT ?", (subscription_id, max_articles)).fetchall()
            if not rows:
                return False
            conn.execute(
                "INSERT INTO digests (id, subscription_id, channel, target, frequency, created, "
                "status, next_attempt, message_id) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (digest_id, subscription_id, sub["channel"], sub["target"], sub["frequency"],
                 ts(now), ts(now), message_id))
            conn.executemany("UPDATE outbox SET digest_id = ? WHERE subscription_id = ? "
                             "AND article_id = ?",
                             [(digest_id, subscription_id, r[0]) for r in rows])
            conn.execute("UPDATE subscriptions SET last_digest_at = ? WHERE id = ?",
                         (ts(now), subscription_id))
        return True

    def digest(self, digest_id: str) -> tuple[DigestRow, list[str]] | None:
        """A digest and its articles' hit JSON, in queue order; None if it is gone."""
        row = self.conn.execute("SELECT * FROM digests WHERE id = ?", (digest_id,)).fetchone()
        if row is None:
            return None
        hits = [r[0] for r in self.conn.execute(
            "SELECT hit FROM outbox WHERE digest_id = ? ORDER BY queued_at, rowid", (digest_id,))]
        return DigestRow.from_row(row), hits

    # -------------------------------------------------------------------- outbox

    def due_digests(self, now: datetime | None) -> list[DigestRow]:
        """Pending digests whose next attempt has come (every pending one if now is None)."""
        sql, params = "SELECT * FROM digests WHERE status = 'pending'", ()
        if now is not None:
            sql, params = sql + " AND next_attempt <= ?", (ts(now),)
        return [DigestRow.from_row(r)
                for r in self.conn.execute(sql + " ORDER BY created, id", params)]

    def mark_sent(self, digest_id: str, now: datetime) -> int:
        """The receiver accepted it: sent, for good. Returns how many articles it held."""
        with transaction(self.conn) as conn:
            conn.execute("UPDATE digests SET status = 'sent', sent_at = ?, "
                         "attempts = attempts + 1, last_error = NULL WHERE id = ?",
                         (ts(now), digest_id))
            return conn.execute("SELECT COUNT(*) FROM outbox WHERE digest_id = ?",
                                (digest_id,)).fetchone()[0]

    def retry_later(self, digest_id: str, attempts: int, reason: str,
                    next_attempt: datetime) -> None:
        with transaction(self.conn) as conn:
            conn.execute("UPDATE digests SET attempts = ?, last_error = ?, next_attempt = ? "
                         "WHERE id = ?", (attempts, reason, ts(next_attempt), digest_id))

    def park(self, digest_id: str, attempts: int, reason: str, *,
             suspend_subscription: int | None = None) -> None:
        """Never retried again; with suspend_subscription, that subscription stops too."""
        with transaction(self.conn) as conn:
            conn.execute("UPDATE digests SET status = 'parked', attempts = ?, last_error = ? "
                         "WHERE id = ?", (attempts, reason, digest_id))
            if suspend_subscription is not None:
                conn.execute(_SUSPEND, (reason, suspend_subscription))

    def prune_sent(self, before: datetime) -> int:
        """Forget digests sent before `before`, with their outbox rows; returns how many."""
        with transaction(self.conn) as conn:
            return conn.execute("DELETE FROM digests WHERE status = 'sent' AND sent_at < ?",
                                (ts(before),)).rowcount
