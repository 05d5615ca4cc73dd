"""Matching: queue the articles each subscription has not seen yet.

    from alerts.matcher import match_subscriptions
    report = match_subscriptions(subs, index, frequencies=("instant",))

For every active subscription, `index.new_since(watermark, query)` gives the articles
indexed after its watermark (the same call on every backend). They go into the outbox
keyed by (subscription, article) with INSERT OR IGNORE, and the watermark moves to the
newest of them in the same transaction (alerts.store.queue_matches): a crash either keeps
both or neither, and an article is queued at most once per subscription however often
matching runs.

Each pass queues at most what the subscription's next digest can hold (max_articles,
less what already waits); the watermark covers exactly what was queued, so the rest is
queued by later passes and nothing is skipped. That bounds a pass's work and the outbox
however broad a subscription is. Articles sharing one indexed_at are never split across
the watermark.

A new subscription (no watermark yet) first receives the max_articles newest matching
articles already in the index, not the whole back catalogue; from then on, everything
new.
"""
from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable

from alerts import store as db
from alerts.subscriptions import Subscription, Subscriptions
from indexer.base import Index
from indexer.errors import QuerySyntaxError
from indexer.query import Hit, Query
from nlp.records import parse_iso

log = logging.getLogger(__name__)

COMMIT_EVERY = 200  # subscriptions whose matches are written in one transaction

@dataclass
class MatchReport:
    subscriptions: int = 0  # subscriptions looked at
    queued: int = 0  # new outbox rows
    per_subscription: dict[int, int] = field(default_factory=dict)


def alert_query(query: Query, *, limit: int, sort: str = "indexed") -> Query:
    """The saved query as a matching request: no paging, no facets."""
    return dataclasses.replace(query, limit=limit, offset=0, facets=False, sort=sort,
                               indexed_after=None)


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# What a digest does not show of an entity: left out so outbox rows stay small.
_UNSHOWN = frozenset(("start", "end", "lat", "lon", "kind", "amount_max"))


def hit_record(hit: Hit, indexed_at: datetime) -> dict:
    """What a digest shows of a hit, frozen at match time (the article may change later)."""
    return {
        "id": hit.id, "url": hit.url, "title": hit.title, "published": hit.published,
        "lang": hit.lang, "source": hit.source, "snippet": hit.snippet,
        "indexed_at": db.ts(indexed_at),
        "entities": {kind: [{k: v for k, v in item.items() if k not in _UNSHOWN}
                            for item in items]
                     for kind, items in hit.entities.to_json().items() if kind != "nationalities"},
    }


class _Encoder:
    """Outbox rows as JSON. Within a pass one article is queued for many subscriptions;
    everything but the snippet (which depends on the query) is encoded once per article."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, datetime], str] = {}

    def __call__(self, hit: Hit, indexed_at: datetime) -> str:
        key = (hit.id, indexed_at)
        part = self.parts.get(key)
        if part is None:
            record = hit_record(hit, indexed_at)
            del record["snippet"]
            part = self.parts[key] = _dumps(record)
        return '{"snippet":' + _dumps(hit.snippet) + "," + part[1:]


def _indexed_at(index: Index, hit: Hit) -> datetime:
    value = parse_iso(hit.indexed_at)
    if value is None:  # a backend that does not return it on hits
        article = index.get(hit.id)
        value = article.indexed_at if article else None
    if value is None:
        raise ValueError(f"the index returned article {hit.id} without indexed_at")
    return value


def new_matches(index: Index, sub: Subscription, *, budget: int = 50,
                first_digest: int = 50, settled_before: datetime | None = None,
                ) -> tuple[list[tuple[Hit, datetime]], datetime] | None:
    """The next (at most budget) articles the subscription has not seen, oldest first, and
    the watermark that covers exactly them; None when there are none.

    With settled_before, articles indexed after it are left for a later pass: on a
    cluster, parallel writers' articles can become visible slightly out of indexed_at
    order, and a watermark must never pass one that is not searchable yet.
    """
    def settled(pairs):
        if settled_before is None:
            return pairs
        return [(h, at) for h, at in pairs if at <= settled_before]

    watermark = parse_iso(sub.watermark)
    if watermark is None:
        results = index.search(alert_query(sub.query, limit=first_digest, sort="date"))
        hits = settled(sorted(((h, _indexed_at(index, h)) for h in results.hits),
                              key=lambda p: p[1]))
        return (hits, hits[-1][1]) if hits else None
    if budget <= 0:
        return None
    limit = budget + 1  # one more than we take, to know whether a tied group goes on
    while True:
        results = index.new_since(watermark, alert_query(sub.query, limit=limit), limit=limit)
        fetched = [(h, _indexed_at(index, h)) for h in results.hits]
        hits = settled(fetched)
        if not hits:
            return None
        if len(hits) <= budget:
            return hits, max(at for _, at in hits)
        take = hits[:budget]
        next_at = hits[budget][1]
        keep = [(h, at) for h, at in take if at < next_at]
        if keep:
            return keep, max(at for _, at in keep)
        limit *= 2  # the whole page shares one indexed_at: fetch the group whole


def count_new(index: Index, sub: Subscription, *, first_digest: int = 50) -> int:
    """How many articles a subscription has not seen (what a pass would queue, uncapped)."""
    watermark = parse_iso(sub.watermark)
    if watermark is None:
        return min(index.count(alert_query(sub.query, limit=0)), first_digest)
    return index.count(dataclasses.replace(alert_query(sub.query, limit=0),
                                           indexed_after=watermark))


def query_problem(sub: Subscription) -> str | None:
    """Why the saved search can no longer run (stored before a limit it breaks), or None."""
    try:
        sub.query.parsed()
    except QuerySyntaxError as exc:
        return str(exc)
    return None


def runnable(subs: Subscriptions, sub: Subscription) -> bool:
    """A saved search that no longer parses is suspended with the reason, so one old
    subscription cannot fail the pass for every other (`subscriptions list` shows it)."""
    problem = query_problem(sub)
    if problem is None:
        return True
    log.warning("subscription %s suspended: its saved search is refused: %s", sub.id, problem)
    subs.suspend(sub.id, f"saved search refused: {problem}")
    return False


def match_subscriptions(subs: Subscriptions, index: Index, *,
                        frequencies: Iterable[str] | None = None, max_articles: int = 50,
                        now: datetime | None = None,
                        settle: timedelta = timedelta(0)) -> MatchReport:
    """Match every active subscription (of these frequencies) against the index.

    Writes are grouped, up to COMMIT_EVERY subscriptions per transaction: each
    subscription's watermark still moves together with its outbox rows (a crash rolls
    back the whole group, which the next pass simply redoes), and a pass costs a few
    commits instead of one per subscription.
    """
    wanted = set(frequencies) if frequencies is not None else None
    report = MatchReport()
    waiting = subs.store.waiting_counts()
    found: list[tuple[Subscription, list, datetime]] = []
    shared: dict[tuple, tuple | None] = {}
    encode = _Encoder()
    settled_before = ((now or datetime.now(timezone.utc)) - settle) if settle else None

    def flush() -> None:
        if not found:
            return
        added_per_sub = subs.store.queue_matches(
            [(sub.id, sub.watermark, db.ts(wm), [(hit.id, encode(hit, at)) for hit, at in hits])
             for sub, hits, wm in found], now)
        for (sub, _, watermark), added in zip(found, added_per_sub):
            if added is None:
                log.info("subscription %s changed while matching; skipped", sub.id)
                continue
            sub.watermark = db.ts(watermark)
            if added:
                report.per_subscription[sub.id] = added
                report.queued += added
        found.clear()

    for sub in subs.list(active_only=True):
        if wanted is not None and sub.frequency not in wanted:
            continue
        if not runnable(subs, sub):
            continue
        report.subscriptions += 1
        budget = max_articles - waiting.get(sub.id, 0)
        # Subscriptions to the same search at the same watermark (a team following
        # --country MM) share one request to the index.
        key = (json.dumps(sub.query.to_json(), sort_keys=True), sub.watermark, budget)
        if key not in shared:
            shared[key] = new_matches(index, sub, budget=budget, first_digest=max_articles,
                                      settled_before=settled_before)
        result = shared[key]
        if result is not None:
            found.append((sub, *result))
            if len(found) >= COMMIT_EVERY:
                flush()
    flush()
    return report
