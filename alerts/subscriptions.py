"""Subscriptions: a channel and its target, a saved Query, a frequency and a watermark.

    from alerts.subscriptions import Subscriptions
    subs = Subscriptions(data_dir)                 # data_dir/alerts.db, created on first use
    sub, created = subs.subscribe("a@example.org", Query(countries=["MM"]), "instant")
    sub, created = subs.subscribe("https://hooks.example.org/x", Query(text="scam"),
                                  "hourly", channel="webhook")
    subs.list()                                    # every subscription, oldest first
    subs.listing()                                 # the same as JSON, with pending counts
    subs.get(sub.id)                               # UnknownSubscription if there is none
    subs.remove(sub.id)                            # deletes it with its queued articles
    subs.unsubscribe(token, secret)                # one-click link; BadToken if forged
    subs.close()

A subscription names its channel explicitly: channel 'email' with an address as target,
or 'webhook' with an http(s) URL as target (alerts.webhook). subscribe() validates before
storing: the target (InvalidEmail, InvalidWebhook), the query text, which is parsed here
so a syntax error is refused now and never dropped later (InvalidSubscription, message
from the parser), and the frequency. Subscribing the same target to the same query and
frequency again returns the existing subscription (created False).

The watermark is the indexed_at of the newest article already queued for the
subscription; NULL until the first match (see alerts.matcher for what a new subscription
receives first). A subscription whose target was rejected permanently (an address the
mail server refuses, a webhook answering 410 Gone) is suspended (active false, suspended
says why) and no longer matched. All SQL lives in alerts.store.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from alerts import store as db
from alerts.errors import InvalidEmail, InvalidSubscription, UnknownSubscription
from alerts.store import AlertStore
from alerts.tokens import verify_unsubscribe_token
from alerts.webhook import normalize_webhook_url
from indexer.errors import QuerySyntaxError
from indexer.fields import FIELDS
from indexer.query import Query

FREQUENCIES = ("instant", "hourly", "daily")

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


CHANNELS = ("email", "webhook")


def normalize_target(channel: str, target: str) -> str:
    """The address or URL as stored; InvalidSubscription (InvalidEmail, InvalidWebhook)."""
    if channel == "email":
        return normalize_email(target)
    if channel == "webhook":
        return normalize_webhook_url(target)
    raise InvalidSubscription(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")


@dataclass
class Subscription:
    id: int
    channel: str  # "email" or "webhook"
    target: str  # the address, or the URL digests are POSTed to
    query: Query
    frequency: str
    watermark: str | None  # indexed_at of the newest queued article
    created: datetime
    active: bool
    last_digest_at: datetime | None = None
    suspended: str | None = None  # why delivery stopped (permanent rejection)

    @property
    def email(self) -> str | None:
        return self.target if self.channel == "email" else None

    def to_json(self, *, pending: int | None = None) -> dict:
        data = {"id": self.id, "channel": self.channel, "target": self.target,
                "email": self.email, "query": self.query.to_json(),
                "description": self.describe_query(),
                "frequency": self.frequency, "watermark": self.watermark,
                "created": db.ts(self.created), "active": self.active,
                "last_digest_at": db.ts(self.last_digest_at) if self.last_digest_at else None,
                "suspended": self.suspended}
        if pending is not None:
            data["pending"] = pending
        return data

    def describe_query(self) -> str:
        """The saved search in the words of the command line: scam --country MM."""
        return describe_query(self.query)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Subscription":
        return cls(id=row["id"], channel=row["channel"], target=row["target"],
                   query=Query.from_json(json.loads(row["query"])),
                   frequency=row["frequency"], watermark=row["watermark"],
                   created=db.parse_ts(row["created"]), active=bool(row["active"]),
                   last_digest_at=db.parse_ts(row["last_digest_at"]),
                   suspended=row["suspended"])


def describe_query(query: Query) -> str:
    """The search as the command line would take it: the query text, then the filters."""
    text = " ".join((query.text or "").split())  # one line, as it would be typed
    parts = [_quoted(text)] if text else []
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


def _quoted(text: str) -> str:
    """The query text readable and quoted as a shell argument: "scam centre", or
    '"scam centre" OR compound' (never a JSON string full of backslashes)."""
    if not any(c.isspace() or c in "'\"\\$`!*();&|<>" for c in text):
        return text
    if '"' not in text and "\\" not in text and "$" not in text and "`" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "'\\''") + "'"


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
    """The subscriptions in data_dir/alerts.db: validation here, SQL in alerts.store.
    Not shared between threads."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self.store = AlertStore(self.data_dir)

    @property
    def conn(self) -> sqlite3.Connection:
        """The raw connection, for tests that inspect the tables; code goes through store."""
        return self.store.conn

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Subscriptions":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def subscribe(self, target: str, query: Query, frequency: str = "daily",
                  *, channel: str = "email", now: datetime | None = None
                  ) -> tuple[Subscription, bool]:
        """Store a subscription; returns (subscription, created). Raises InvalidSubscription.

        The same channel, target, search and frequency again returns the existing one
        with created False (the edges say so)."""
        target = normalize_target(channel, target)
        if frequency not in FREQUENCIES:
            raise InvalidSubscription(f"frequency {frequency!r} is not one of "
                                      f"{', '.join(FREQUENCIES)}")
        try:
            query.parsed()
        except QuerySyntaxError as exc:
            raise InvalidSubscription(str(exc)) from exc
        saved = json.dumps(query.to_json(), sort_keys=True, ensure_ascii=False)
        new_id, created = self.store.add_subscription(channel, target, saved, frequency, now)
        return self.get(new_id), created

    def get(self, subscription_id: int) -> Subscription:
        subscription_id = int(subscription_id)
        row = self.store.subscription(subscription_id)
        if row is None:
            raise UnknownSubscription(f"there is no subscription {subscription_id}")
        return Subscription.from_row(row)

    def list(self, *, active_only: bool = False) -> list[Subscription]:
        rows = self.store.subscriptions(active_only=active_only)
        return [Subscription.from_row(r) for r in rows]

    def remove(self, subscription_id: int) -> Subscription:
        """Delete a subscription, its queued articles and its unsent digests."""
        sub = self.get(subscription_id)
        self.store.delete_subscription(sub.id)
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
        self.store.suspend(subscription_id, reason)

    def listing(self) -> list[dict]:
        """Every subscription as JSON with its pending digests: what `subscriptions list
        --json` and GET /api/subscriptions both print."""
        pending = self.store.pending_counts()
        return [sub.to_json(pending=pending.get(sub.id, 0)) for sub in self.list()]
