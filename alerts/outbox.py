"""The outbox's state machine: which digests are due, sent, retried later or parked.

    from alerts.outbox import deliver_pending, RetryPolicy
    report = deliver_pending(subs, {"email": email_channel, "webhook": webhook_channel},
                             now=now, retry=RetryPolicy())

A digest is pending until its channel says the receiver accepted it (SMTP: the DATA
reply; webhook: a 2xx), and only then marked sent: a receiver that is down means
"still pending", never "lost". Failures:
  - connection-level (refused, timed out, TLS, login): every digest with the same scope
    (the same SMTP server, the same webhook host) still due in this pass stays pending;
  - temporary (SMTP 4xx, HTTP 408/429/5xx): that digest stays pending;
    both: attempts += 1 and next_attempt moves out exponentially
    (base_seconds * 2**(attempts-1), at most max_delay_seconds);
  - permanent about the target (SMTP 5xx to RCPT TO, HTTP 410 Gone): the digest is parked
    and the subscription suspended (reported, not retried forever);
  - permanent about the message (SMTP 5xx to DATA, other HTTP 4xx): the digest is parked;
  - a digest still failing give_up_after its creation is parked.
A digest whose channel is not configured (e-mail without --smtp) just waits: no attempt
is counted.

Duplicate window: if the process dies after the receiver accepted a digest but before
the 'sent' commit, the digest is still pending on restart and is sent again, once, with
the same identity (Message-ID; X-Scamscope-Delivery). At most one duplicate per digest in
flight; nothing is ever lost.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Mapping

from alerts.channels import Channel
from alerts.digest import load_digest
from alerts.errors import DeliveryError, UnknownSubscription
from alerts.store import DigestRow
from alerts.subscriptions import Subscriptions

log = logging.getLogger(__name__)


@dataclass
class RetryPolicy:
    base_seconds: float = 60.0
    max_delay_seconds: float = 3600.0
    give_up_after: timedelta = timedelta(hours=48)

    def delay(self, attempts: int) -> timedelta:
        seconds = self.base_seconds * (2 ** max(attempts - 1, 0))
        return timedelta(seconds=min(seconds, self.max_delay_seconds))


@dataclass
class Sent:
    digest_id: str
    channel: str
    target: str
    articles: int
    message_id: str


@dataclass
class Parked:
    digest_id: str
    channel: str
    target: str
    subscription_id: int
    reason: str


@dataclass
class DeliveryReport:
    sent: list[Sent] = field(default_factory=list)
    parked: list[Parked] = field(default_factory=list)
    pending: int = 0  # digests still waiting after this pass
    errors: list[str] = field(default_factory=list)  # why they wait, most common first

    def reason(self) -> str:
        return self.errors[0] if self.errors else ""


def deliver_pending(subs: Subscriptions, channels: Mapping[str, Channel], *, now: datetime,
                    retry: RetryPolicy | None = None, retry_now: bool = False,
                    unconfigured: Mapping[str, str] | None = None) -> DeliveryReport:
    """Send every pending digest that is due (all of them with retry_now) through its
    channel. unconfigured: channel name -> why it cannot send (those digests wait)."""
    retry = retry or RetryPolicy()
    store = subs.store
    report = DeliveryReport()
    errors: dict[str, int] = {}
    down: dict[tuple[str, str], DeliveryError] = {}
    try:
        for row in store.due_digests(None if retry_now else now):
            channel = channels.get(row.channel)
            if channel is None:
                why = (unconfigured or {}).get(row.channel, f"no {row.channel} channel")
                errors[why] = errors.get(why, 0) + 1
                continue
            scope = (row.channel, channel.scope(row.target))
            error = down.get(scope)
            if error is None:
                try:
                    digest = load_digest(subs, row.id)
                except (LookupError, UnknownSubscription):
                    continue  # unsubscribed while this pass ran: the digest went with it
                try:
                    channel.send(digest)
                except DeliveryError as exc:
                    error = exc
                    if exc.connection:
                        down[scope] = exc
                else:
                    _sent(subs, row, now, report)
                    continue
            _failed(subs, row, error, now, retry, report, errors)
    finally:
        for channel in channels.values():
            channel.close()
    report.pending = store.pending_total()
    report.errors = sorted(errors, key=lambda e: -errors[e])
    return report


def prune_sent(subs: Subscriptions, *, before: datetime) -> int:
    """Forget digests sent before `before`, with their outbox rows; returns how many.

    The watermark, not the outbox, is what keeps an article from being queued again, so
    old rows are only history. (An article whose text later changes gets a new indexed_at
    and may be sent again once its old row is gone: that is a real update.)
    """
    return subs.store.prune_sent(before)


def _sent(subs: Subscriptions, row: DigestRow, now: datetime, report: DeliveryReport) -> None:
    articles = subs.store.mark_sent(row.id, now)
    report.sent.append(Sent(row.id, row.channel, row.target, articles, row.message_id))
    log.info("sent digest %s (%d articles) by %s to %s", row.id, articles, row.channel,
             row.target)


def _failed(subs: Subscriptions, row: DigestRow, exc: DeliveryError, now: datetime,
            retry: RetryPolicy, report: DeliveryReport, errors: dict[str, int]) -> None:
    attempts = row.attempts + 1
    reason = str(exc)
    give_up = not exc.permanent and now - row.created >= retry.give_up_after
    if exc.permanent or give_up:
        if give_up:
            reason = f"gave up after {retry.give_up_after.total_seconds() / 3600:g} h: {reason}"
        subs.store.park(row.id, attempts, reason,
                        suspend_subscription=row.subscription_id
                        if exc.permanent and exc.recipient else None)
        report.parked.append(Parked(row.id, row.channel, row.target, row.subscription_id,
                                    reason))
        log.info("parked digest %s to %s: %s", row.id, row.target, reason)
        return
    subs.store.retry_later(row.id, attempts, reason, now + retry.delay(attempts))
    errors[reason] = errors.get(reason, 0) + 1
    log.info("digest %s to %s still pending: %s", row.id, row.target, reason)
