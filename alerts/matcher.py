"""Matching: queue the articles each subscription has not seen yet.

    from alerts.matcher import match_subscriptions
    report = match_subscriptions(subs, index, frequencies=("instant",))

For every active subscription, `index.new_since(watermark, query)` gives the articles
indexed after its watermark (the same call on every backend). They go into the outbox
keyed by (subscription, article) with INSERT OR IGNORE, and the watermark moves to the
newest of them in the same transaction: a crash either keeps both or neither, and an
article is queued at most once per subscription however often matching runs.

A new subscription (no watermark yet) first receives the `first_digest` newest matching
articles already in the index, not the whole back catalogue; from then on, everything
new. Articles sharing one indexed_at are never split across the watermark (the page is
cut before the tied group, and a page made only of one tied group is fetched larger).
"""
from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from alerts import db
from alerts.subscriptions import Subscription, Subscriptions
from indexer.base import Index
from indexer.query import Hit, Query
from nlp.records import parse_iso

log = logging.getLogger(__name__)

PAGE = 1000


@dataclass
class MatchReport:
    subscriptions: int = 0  # subscriptions looked at
    queued: int = 0  # new outbox rows
    per_subscription: dict[int, int] = field(default_factory=dict)


def alert_query(query: Query, *, limit: int, sort: str = "indexed") -> Query:
    """The saved query as a matching request: no paging, no facets."""
    return dataclasses.replace(query, limit=limit, offset=0, facets=False, sort=sort,
                               indexed_after=None)


def hit_record(hit: Hit, indexed_at: datetime) -> dict:
    record = hit.to_json()
    record["indexed_at"] = db.ts(indexed_at)
    return record


def _indexed_at(index: Index, hit: Hit) -> datetime:
    value = parse_iso(hit.indexed_at)
    if value is None:  # a backend that does not return it on hits
        article = index.get(hit.id)
        value = article.indexed_at if article else None
    if value is None:
        raise ValueError(f"the index returned article {hit.id} without indexed_at")
    return value


def new_matches(index: Index, sub: Subscription, *, first_digest: int = 50,
                page: int = PAGE) -> Iterable[tuple[list[tuple[Hit, datetime]], datetime]]:
    """Yield (hits, new watermark) pages of articles the subscription has not seen."""
    watermark = parse_iso(sub.watermark)
    if watermark is None:
        results = index.search(alert_query(sub.query, limit=first_digest, sort="date"))
        hits = [(h, _indexed_at(index, h)) for h in results.hits]
        if hits:
            hits.sort(key=lambda pair: pair[1])
            yield hits, hits[-1][1]
            watermark = hits[-1][1]
        else:
            return
    limit = page
    while True:
        results = index.new_since(watermark, alert_query(sub.query, limit=limit), limit=limit)
        hits = [(h, _indexed_at(index, h)) for h in results.hits]
        if len(hits) < limit:
            if hits:
                yield hits, max(at for _, at in hits)
            return
        last = max(at for _, at in hits)
        keep = [(h, at) for h, at in hits if at < last]
        if not keep:  # the whole page shares one indexed_at: fetch the group whole
            limit *= 2
            continue
        yield keep, max(at for _, at in keep)
        watermark = max(at for _, at in keep)
        limit = page


def queue(subs: Subscriptions, sub: Subscription, hits: list[tuple[Hit, datetime]],
          watermark: datetime, *, now: datetime | None = None) -> int | None:
    """Queue hits and advance the watermark in one transaction.

    Returns the number of new outbox rows, or None when the subscription changed under us
    (removed, suspended, or matched by someone else), in which case nothing is written.
    """
    conn = subs.conn
    queued_at = db.ts(now)
    with db.transaction(conn):
        cursor = conn.execute(
            "UPDATE subscriptions SET watermark = ? WHERE id = ? AND active = 1 "
            "AND watermark IS ?", (db.ts(watermark), sub.id, sub.watermark))
        if cursor.rowcount != 1:
            return None
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO outbox (subscription_id, article_id, queued_at, hit) "
            "VALUES (?, ?, ?, ?)",
            [(sub.id, hit.id, queued_at, json.dumps(hit_record(hit, at), ensure_ascii=False))
             for hit, at in hits])
        added = conn.total_changes - before
    sub.watermark = db.ts(watermark)
    return added


def match_subscription(subs: Subscriptions, index: Index, sub: Subscription, *,
                       first_digest: int = 50, now: datetime | None = None) -> int:
    total = 0
    for hits, watermark in new_matches(index, sub, first_digest=first_digest):
        added = queue(subs, sub, hits, watermark, now=now)
        if added is None:
            log.info("subscription %s changed while matching; skipped", sub.id)
            break
        total += added
    return total


def match_subscriptions(subs: Subscriptions, index: Index, *,
                        frequencies: Iterable[str] | None = None, first_digest: int = 50,
                        now: datetime | None = None) -> MatchReport:
    """Match every active subscription (of these frequencies) against the index."""
    wanted = set(frequencies) if frequencies is not None else None
    report = MatchReport()
    for sub in subs.list(active_only=True):
        if wanted is not None and sub.frequency not in wanted:
            continue
        report.subscriptions += 1
        added = match_subscription(subs, index, sub, first_digest=first_digest, now=now)
        if added:
            report.per_subscription[sub.id] = added
            report.queued += added
    return report
