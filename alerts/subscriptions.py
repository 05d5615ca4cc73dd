"""Subscriptions: an e-mail address, a saved Query, a frequency and a watermark.

    from alerts.subscriptions import Subscriptions
    subs = Subscriptions(data_dir)                 # data_dir/alerts.db, created on first use
    sub, created = subs.subscribe("a@example.org", Query(countries=["MM"]), "instant")
    subs.list()                                    # every subscription, oldest first
    subs.get(sub.id)                               # UnknownSubscription if there is none
    subs.remove(sub.id)                            # deletes it with its queued articles
    subs.unsubscribe(token, secret)                # one-click link; BadToken if forged
    subs.close()

subscribe() validates before storing: the address (InvalidEmail), the query text, which
is parsed here so a syntax error is refused now and never dropped later
(InvalidSubscription, message from the parser), and the frequency. Subscribing the same
address to the same query and frequency again returns the existing subscription.

The watermark is the indexed_at of the newest article already queued for the
subscription; NULL until the first match (see alerts.matcher for what a new subscription
receives first). A subscription whose address the mail server rejected permanently is
suspended (active false, suspended says why) and no longer matched.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from alerts import db
from alerts.errors import InvalidEmail, InvalidSubscription, UnknownSubscription
from alerts.tokens import verify_unsubscribe_token
from indexer.errors import QuerySyntaxError
from indexer.fields import FIELDS
from indexer.query import Query

FREQUENCIES = ("instant", "hourly", "daily")
_SQLITE_MIN, _SQLITE_MAX = -(2 ** 63), 2 ** 63 - 1  # the range of an INTEGER column

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_email(address: str) -> str:
    """A plain addr-spec (no display name), domain lower-cased; InvalidEmail otherwise."""
    text = (address or "").strip()
    if not text or "@" not in text:
        raise InvalidEmail(f"{address!r} is not an e-mail address (expected name@domain)")
    local, _, domain = text.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidEmail(f"{address!r} has an invalid domain") from None
    labels = domain.split(".")
    if not _LOCAL.match(local) or len(local) > 64:
        raise InvalidEmail(f"{address!r} is not an e-mail address (bad part before the @)")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or labels[-1].isdigit():
        raise InvalidEmail(f"{address!r} is not an e-mail address (bad domain after the @)")
    result = f"{local}@{domain}"
    if len(result) > 254:
        raise InvalidEmail(f"{address!r} is too long for an e-mail address")
    return result


@dataclass
class Subscription:
    id: int
    email: str
    query: Query
    frequency: str
    watermark: str | None  # indexed_at of the newest queued article
    created: datetime
    active: bool
    last_digest_at: datetime | None = None
    suspended: str | None = None  # why delivery stopped (permanent rejection)

    def to_json(self) -> dict:
        return {"id": self.id, "email": self.email, "query": self.query.to_json(),
                "frequency": self.frequency, "watermark": self.watermark,
                "created": db.ts(self.created), "active": self.active,
                "last_digest_at": db.ts(self.last_digest_at) if self.last_digest_at else None,
                "suspended": self.suspended}

    def describe_query(self) -> str:
        """The saved search in the words of the command line: "scam" --country MM."""
        return describe_query(self.query)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Subscription":
        return cls(id=row["id"], email=row["email"],
                   query=Query.from_json(json.loads(row["query"])),
                   frequency=row["frequency"], watermark=row["watermark"],
                   created=db.parse_ts(row["created"]), active=bool(row["active"]),
                   last_digest_at=db.parse_ts(row["last_digest_at"]),
                   suspended=row["suspended"])


def describe_query(query: Query) -> str:
    parts = []
    if query.text:
        parts.append(json.dumps(query.text, ensure_ascii=False))
    for f in FIELDS:
        parts.extend(f"--{f.name} {json.dumps(v, ensure_ascii=False) if ' ' in v else v}"
                     for v in f.values(query))
    if query.min_usd is not None:
        parts.append(f"--min-usd {query.min_usd:.15g}")
    if query.min_relevance is not None:
        parts.append(f"--min-relevance {query.min_relevance:.15g}")
    if query.all_languages and parts:
        parts.append("--all-languages")
    return " ".join(parts) or "(every article)"


def is_due(sub: Subscription, now: datetime, *, daily_at: tuple[int, int] = (7, 0),
           hour: timedelta = timedelta(hours=1)) -> bool:
    """Whether a digest may go to this subscription now.

    instant: always. hourly: at most one digest per hour (less a minute). daily: one after each
    daily_at (local time), the first one at the first daily_at after subscribing.
    """
    last = sub.last_digest_at or sub.created
    if sub.frequency == "instant":
        return True
    if sub.frequency == "hourly":
        # A minute's slack (of a 60-minute hour): the hourly job firing a little earlier
        # after the hour than it did the time before must not skip a whole hour.
        return sub.last_digest_at is None or now - last >= hour - hour / 60
    local_now = now.astimezone()
    boundary = local_now.replace(hour=daily_at[0], minute=daily_at[1], second=0, microsecond=0)
    if boundary > local_now:
        boundary -= timedelta(days=1)
    return last < boundary


class Subscriptions:
    """The subscriptions in data_dir/alerts.db. Not shared between threads."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self.conn = db.connect(self.data_dir)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Subscriptions":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def subscribe(self, email: str, query: Query, frequency: str = "daily",
                  *, now: datetime | None = None) -> tuple[Subscription, bool]:
        """Store a subscription; returns (subscription, created). Raises InvalidSubscription."""
        email = normalize_email(email)
        if frequency not in FREQUENCIES:
            raise InvalidSubscription(f"frequency {frequency!r} is not one of "
                                      f"{', '.join(FREQUENCIES)}")
        try:
            query.parsed()
        except QuerySyntaxError as exc:
            raise InvalidSubscription(str(exc)) from exc
        saved = json.dumps(query.to_json(), sort_keys=True, ensure_ascii=False)
        with db.transaction(self.conn):
            row = self.conn.execute(
                "SELECT * FROM subscriptions WHERE email = ? AND query = ? AND frequency = ? "
                "AND active = 1", (email, saved, frequency)).fetchone()
            if row is not None:
                return Subscription.from_row(row), False
            cursor = self.conn.execute(
                "INSERT INTO subscriptions (email, query, frequency, created) VALUES (?, ?, ?, ?)",
                (email, saved, frequency, db.ts(now)))
            new_id = cursor.lastrowid
        return self.get(new_id), True

    def get(self, subscription_id: int) -> Subscription:
        subscription_id = int(subscription_id)
        row = None
        # An id outside SQLite's integers names no subscription (and would overflow the driver).
        if _SQLITE_MIN <= subscription_id <= _SQLITE_MAX:
            row = self.conn.execute("SELECT * FROM subscriptions WHERE id = ?",
                                    (subscription_id,)).fetchone()
        if row is None:
            raise UnknownSubscription(f"there is no subscription {subscription_id}")
        return Subscription.from_row(row)

    def list(self, *, active_only: bool = False, frequency: str | None = None,
             email: str | None = None) -> list[Subscription]:
        sql, params = "SELECT * FROM subscriptions WHERE 1=1", []
        if active_only:
            sql += " AND active = 1"
        if frequency:
            sql += " AND frequency = ?"
            params.append(frequency)
        if email:
            sql += " AND email = ?"
            params.append(normalize_email(email))
        rows = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        return [Subscription.from_row(r) for r in rows]

    def remove(self, subscription_id: int) -> Subscription:
        """Delete a subscription, its queued articles and its unsent digests."""
        sub = self.get(subscription_id)
        with db.transaction(self.conn):
            self.conn.execute("DELETE FROM subscriptions WHERE id = ?", (sub.id,))
        return sub

    def unsubscribe(self, token: str, secret: bytes) -> Subscription | None:
        """Remove the subscription a signed token names; None if it is already gone.

        Raises BadToken for a token we did not sign. Safe to call twice (one-click
        unsubscribe POSTs may be repeated by mail clients).
        """
        subscription_id = verify_unsubscribe_token(secret, token)
        try:
            return self.remove(subscription_id)
        except UnknownSubscription:
            return None

    def suspend(self, subscription_id: int, reason: str) -> None:
        with db.transaction(self.conn):
            self.conn.execute("UPDATE subscriptions SET active = 0, suspended = ? WHERE id = ?",
                              (reason, subscription_id))

    def pending_counts(self) -> dict[int, int]:
        """Digests waiting to be sent, per subscription id."""
        rows = self.conn.execute("SELECT subscription_id, COUNT(*) FROM digests "
                                 "WHERE status = 'pending' GROUP BY subscription_id").fetchall()
        return {r[0]: r[1] for r in rows}
