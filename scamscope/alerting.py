"""The app shell's side of alerts/: settings in, AlertOptions out; one pass with messages.

Used by `scamscope alerts send`, `scamscope subscribe`, the daemon's alert jobs and the web.
"""
from __future__ import annotations

import re
from datetime import timedelta

from alerts.errors import MailConfigError
from alerts.mailer import parse_smtp_url
from alerts.outbox import RetryPolicy
from alerts.runner import AlertOptions, PassReport
from alerts.webhook import WebhookSettings
from alerts.tokens import load_secret
from indexer.base import is_cluster_url
from scamscope.config import ConfigError, Settings

WEBHOOK_SECRET_FILE = "webhook_secret"


def parse_daily_at(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ConfigError(f"alerts_daily_at must be a time such as 07:00, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def alert_options(settings: Settings) -> AlertOptions:
    """AlertOptions from the settings. Without an SMTP URL, smtp is None (matching still
    runs, webhooks are sent, e-mail digests wait)."""
    data_dir = settings.ensure_data_dir()
    smtp = None
    if settings.smtp:
        try:
            smtp = parse_smtp_url(settings.smtp, password=settings.smtp_password,
                                  timeout=settings.smtp_timeout)
        except MailConfigError as exc:
            raise ConfigError(str(exc)) from exc
    minute = settings.schedule_minute_seconds  # > 0: load_settings checked it
    return AlertOptions(
        smtp=smtp, mail_from=settings.mail_from, public_url=settings.public_url,
        secret=load_secret(data_dir, settings.secret_key),
        webhook=WebhookSettings(
            secret=load_secret(data_dir, settings.webhook_secret, name=WEBHOOK_SECRET_FILE),
            timeout=settings.webhook_timeout),
        max_articles=max(1, settings.digest_max_articles),
        daily_at=parse_daily_at(settings.alerts_daily_at),
        hour=timedelta(seconds=60 * minute),
        settle=timedelta(seconds=settings.alerts_settle_seconds
                         if is_cluster_url(settings.index_url) else 0),
        retry=RetryPolicy(base_seconds=minute, max_delay_seconds=60 * minute,
                          give_up_after=timedelta(hours=settings.send_retry_max_hours)))


def summary_lines(report: PassReport) -> list[str]:
    """What a pass did, for people: one line per digest sent or parked, then a total."""
    lines = []
    for sent in report.delivery.sent:
        noun = "article" if sent.articles == 1 else "articles"
        lines.append(f"sent digest to {sent.target}: {sent.articles} {noun}")
    for parked in report.delivery.parked:
        lines.append(f"parked digest to {parked.target} (subscription {parked.subscription_id}): "
                     f"{parked.reason}")
    matched = report.matched
    lines.append(f"{matched.queued} new matching article(s) for {matched.subscriptions} "
                 f"subscription(s); {len(report.delivery.sent)} digest(s) sent")
    return lines


def pending_line(report: PassReport) -> str:
    n = report.pending
    noun = "digest" if n == 1 else "digests"
    why = report.reason() or "waiting for the next attempt"
    return f"{n} {noun} still pending: {why}; {'it' if n == 1 else 'they'} will be retried"
