"""One alerts pass: match, create due digests, deliver each through its channel. What
`scamscope alerts send` and the daemon's alert jobs run.

    from alerts.runner import AlertOptions, run_pass
    report = run_pass(data_dir, index, options)          # -> PassReport
    report.pending, report.reason()                      # what is still waiting, and why

Passes on one data dir are serialised by a lock file (data_dir/alerts.lock), so the
daemon and a manual `alerts send` never send the same digest twice at once.

With dry_run nothing is written and nothing is sent: the report says what a pass would
queue (per subscription) and which digests are waiting.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from alerts.channels import Channel
from alerts.digest import DigestOptions, create_due_digests
from alerts.mailer import EmailChannel, Mailer, SMTPMailer, SMTPSettings
from alerts.matcher import MatchReport, count_new, match_subscriptions, query_problem
from alerts.outbox import DeliveryReport, RetryPolicy, deliver_pending, prune_sent
from alerts.subscriptions import Subscriptions, is_due
from alerts.webhook import WebhookChannel, WebhookSettings
from indexer.base import Index

NO_SMTP = "no SMTP server is configured (--smtp)"
LOCK_NAME = "alerts.lock"


@dataclass
class AlertOptions:
    smtp: SMTPSettings | None = None  # None: match and queue, but e-mail cannot be sent
    webhook: WebhookSettings = field(default_factory=lambda: WebhookSettings(secret=b""))
    mail_from: str = "scamscope <alerts@localhost>"
    public_url: str = "http://127.0.0.1:8000"
    secret: bytes = b""
    max_articles: int = 50
    daily_at: tuple[int, int] = (7, 0)
    hour: timedelta = timedelta(hours=1)  # what "hourly" means (tests shorten it)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    keep_sent: timedelta = timedelta(days=30)  # sent digests (and their rows) kept this long
    # Articles indexed this recently wait for the next pass (see matcher.new_matches).
    settle: timedelta = timedelta(0)

    def digest_options(self) -> DigestOptions:
        return DigestOptions(mail_from=self.mail_from, public_url=self.public_url,
                             secret=self.secret, max_articles=self.max_articles)


@dataclass
class PassReport:
    matched: MatchReport = field(default_factory=MatchReport)
    created: list[str] = field(default_factory=list)  # digest ids created this pass
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    dry_run: bool = False
    # dry run only: subscription id -> articles a real pass would queue now
    would_queue: dict[int, int] = field(default_factory=dict)
    # dry run only: subscriptions a real pass would make a digest for now
    would_digest: list[int] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.delivery.pending

    def reason(self) -> str:
        return self.delivery.reason()


@contextmanager
def pass_lock(data_dir: str | Path) -> Iterator[None]:
    """Hold data_dir/alerts.lock for the duration of a pass (waits for another pass)."""
    path = Path(data_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def run_pass(data_dir: str | Path, index: Index, options: AlertOptions, *,
             frequencies: Iterable[str] | None = None, dry_run: bool = False,
             retry_now: bool = False, now: datetime | None = None,
             mailer_factory: Callable[[SMTPSettings], Mailer] = SMTPMailer) -> PassReport:
    """Match every active subscription (of these frequencies), create the digests that are
    due, and send every pending digest whose next attempt has come (all with retry_now)
    through its channel. Without SMTP settings e-mail digests wait (reason NO_SMTP);
    webhooks need no settings beyond the signing key."""
    now = now or datetime.now(timezone.utc)
    frequencies = tuple(frequencies) if frequencies is not None else None
    report = PassReport(dry_run=dry_run)
    with pass_lock(data_dir), Subscriptions(data_dir) as subs:
        if dry_run:
            return _dry_run(subs, index, options, frequencies, now, report)
        report.matched = match_subscriptions(subs, index, frequencies=frequencies,
                                             max_articles=options.max_articles, now=now,
                                             settle=options.settle)
        report.created = create_due_digests(
            subs, now=now, max_articles=options.max_articles, mail_from=options.mail_from,
            frequencies=frequencies, daily_at=options.daily_at, hour=options.hour)
        channels: dict[str, Channel] = {
            "webhook": WebhookChannel(options.webhook, options.digest_options())}
        if options.smtp is not None:
            channels["email"] = EmailChannel(mailer_factory(options.smtp),
                                             options.digest_options())
        report.delivery = deliver_pending(subs, channels, now=now, retry=options.retry,
                                          retry_now=retry_now,
                                          unconfigured={"email": NO_SMTP})
        prune_sent(subs, before=now - options.keep_sent)
    return report


def _dry_run(subs: Subscriptions, index: Index, options: AlertOptions,
             frequencies: tuple[str, ...] | None, now: datetime,
             report: PassReport) -> PassReport:
    waiting = subs.store.waiting_counts()
    for sub in subs.list(active_only=True):
        if frequencies is not None and sub.frequency not in frequencies:
            continue
        if query_problem(sub) is not None:  # a real pass would suspend it
            continue
        report.matched.subscriptions += 1
        count = count_new(index, sub, first_digest=options.max_articles)
        queued = waiting.get(sub.id, 0)
        if count or queued:
            report.would_queue[sub.id] = count
        if (count or queued) and is_due(sub, now, daily_at=options.daily_at, hour=options.hour):
            report.would_digest.append(sub.id)
    report.delivery.pending = subs.store.pending_total()
    return report
