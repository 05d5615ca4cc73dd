"""Delivery over SMTP, and the outbox's retry rules.

    from alerts.mailer import parse_smtp_url, SMTPMailer, deliver_pending
    smtp = parse_smtp_url("smtp+starttls://user@mail.example.org:587", password=..., timeout=30)
    report = deliver_pending(subs, SMTPMailer(smtp), options, now=now)

URLs: smtp://[user@]host[:25] (plain), smtps://[user@]host[:465] (TLS from the start),
smtp+starttls://[user@]host[:587] (STARTTLS, refused if the server does not offer it).
The password never goes in the URL; it comes from the environment
(SCAMSCOPE_SMTP_PASSWORD) through the settings.

A digest is marked sent only after the server accepted it (sendmail returned after the
DATA reply). Failures:
  - connection-level (refused, timed out, TLS, login, sender refused, disconnected):
    every digest still due in this pass stays pending; attempts += 1 and next_attempt moves
    out exponentially (retry_base_seconds * 2**(attempts-1), at most retry_max_delay);
  - 4xx about one recipient or message: that digest stays pending, same backoff;
  - 5xx about the recipient: the digest is parked and the subscription suspended
    (reported, not retried forever);
  - 5xx about the message itself: the digest is parked;
  - a digest still failing retry_max_hours after it was created is parked.

Duplicate window: if the process dies after the server accepted a message but before the
'sent' commit (a few microseconds, or kill -9 at exactly that point), the digest is still
pending on restart and is sent again, once, under the same Message-ID. At most one
duplicate per digest in flight; nothing is ever lost.
"""
from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from alerts import db
from alerts.digest import DigestOptions, build_message
from alerts.errors import DeliveryError, MailConfigError, UnknownSubscription
from alerts.subscriptions import Subscriptions

log = logging.getLogger(__name__)

SCHEMES = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}


@dataclass
class SMTPSettings:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str, *, password: str | None = None,
                   timeout: float = 30.0) -> SMTPSettings:
    """smtp://user@host:port, smtps://..., smtp+starttls://...; MailConfigError if not."""
    if not url:
        raise MailConfigError("no SMTP server is configured: pass --smtp smtp://host:port "
                              "or set SCAMSCOPE_SMTP")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise MailConfigError(f"--smtp {url!r}: use smtp://, smtps:// or smtp+starttls://")
    if parts.password:
        raise MailConfigError("--smtp must not contain the password: set "
                              "SCAMSCOPE_SMTP_PASSWORD in the environment instead")
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise MailConfigError(f"--smtp {url!r}: the port is not a number") from None
    if not parts.hostname:
        raise MailConfigError(f"--smtp {url!r} names no host: use smtp://host:port")
    if parts.path not in ("", "/") or parts.query:
        raise MailConfigError(f"--smtp {url!r}: only scheme://user@host:port is understood")
    username = unquote(parts.username) if parts.username else None
    if username and not password:
        raise MailConfigError(f"--smtp names user {username!r} but SCAMSCOPE_SMTP_PASSWORD "
                              "is not set")
    return SMTPSettings(scheme=scheme, host=parts.hostname, port=port, username=username,
                        password=password or None, timeout=timeout)


class Mailer(Protocol):
    """What deliver_pending needs: open once per pass, send many, close."""

    label: str

    def open(self) -> None: ...

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


class SMTPMailer:
    def __init__(self, settings: SMTPSettings):
        self.settings = settings
        self.label = settings.label
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.settings
        try:
            if s.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.scheme == "smtp+starttls":
                    if not smtp.has_extn("starttls"):
                        raise DeliveryError(f"SMTP {s.label} does not offer STARTTLS",
                                            connection=True)
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.username:
                    smtp.login(s.username, s.password or "")
            except BaseException:
                _quietly_close(smtp)
                raise
        except DeliveryError:
            raise
        except Exception as exc:
            raise self._translate(exc) from exc
        self._smtp = smtp

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        if self._smtp is None:
            self.open()
        try:
            refused = self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except Exception as exc:
            error = self._translate(exc, recipient)
            if error.connection:
                self.close()
            raise error from exc
        if refused:  # only possible with several recipients; kept for completeness
            code, reply = refused[recipient]
            raise _reply_error(f"SMTP {self.label} refused {recipient}", code, reply,
                               recipient=True)

    def close(self) -> None:
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None

    def _translate(self, exc: Exception, recipient: str | None = None) -> DeliveryError:
        label = self.label
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            code, reply = next(iter(exc.recipients.values()))
            return _reply_error(f"SMTP {label} refused {recipient}", code, reply, recipient=True)
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return DeliveryError(f"SMTP {label} rejected the login of "
                                 f"{self.settings.username!r} ({exc.smtp_code})",
                                 connection=True, code=exc.smtp_code)
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return DeliveryError(f"SMTP {label} refused the sender {exc.sender} "
                                 f"({exc.smtp_code} {_text(exc.smtp_error)})",
                                 connection=True, code=exc.smtp_code)
        if isinstance(exc, smtplib.SMTPDataError):
            return _reply_error(f"SMTP {label} refused the message to {recipient}",
                                exc.smtp_code, exc.smtp_error)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return DeliveryError(f"SMTP {label} closed the connection", connection=True)
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return DeliveryError(f"SMTP {label}: {exc}", connection=True)
        if isinstance(exc, smtplib.SMTPResponseException):
            return DeliveryError(f"SMTP {label} answered {exc.smtp_code} "
                                 f"{_text(exc.smtp_error)}", connection=True, code=exc.smtp_code)
        if isinstance(exc, ConnectionRefusedError):
            return DeliveryError(f"SMTP {label} refused the connection", connection=True)
        if isinstance(exc, (socket.timeout, TimeoutError)):
            return DeliveryError(f"SMTP {label} did not answer within "
                                 f"{self.settings.timeout:g}s", connection=True)
        if isinstance(exc, socket.gaierror):
            return DeliveryError(f"SMTP host {self.settings.host!r} cannot be resolved",
                                 connection=True)
        if isinstance(exc, ssl.SSLError):
            return DeliveryError(f"TLS with SMTP {label} failed: {exc.reason or exc}",
                                 connection=True)
        if isinstance(exc, OSError):
            return DeliveryError(f"SMTP {label}: {exc.strerror or exc}", connection=True)
        return DeliveryError(f"SMTP {label}: {exc}", connection=True)


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(reply.split())


def _reply_error(prefix: str, code: int, reply: bytes | str, *,
                 recipient: bool = False) -> DeliveryError:
    permanent = 500 <= int(code) < 600
    word = "permanently" if permanent else "for now"
    return DeliveryError(f"{prefix} {word}: {code} {_text(reply)}", permanent=permanent,
                         recipient=recipient, code=int(code))


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except Exception:
        try:
            smtp.close()
        except Exception:
            pass


# -------------------------------------------------------------------- outbox


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
    email: str
    articles: int
    message_id: str


@dataclass
class Parked:
    digest_id: str
    email: str
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


def sender_address(mail_from: str) -> str:
    return parseaddr(mail_from)[1] or mail_from


def deliver_pending(subs: Subscriptions, mailer: Mailer, options: DigestOptions, *,
                    now: datetime, retry: RetryPolicy | None = None,
                    retry_now: bool = False) -> DeliveryReport:
    """Send every pending digest that is due (all of them with retry_now)."""
    retry = retry or RetryPolicy()
    conn = subs.conn
    report = DeliveryReport()
    sql = "SELECT * FROM digests WHERE status = 'pending'"
    params: tuple = ()
    if not retry_now:
        sql += " AND next_attempt <= ?"
        params = (db.ts(now),)
    due = conn.execute(sql + " ORDER BY created, id", params).fetchall()
    sender = sender_address(options.mail_from)
    errors: dict[str, int] = {}
    down: DeliveryError | None = None
    try:
        for digest in due:
            if down is None:
                try:
                    message = build_message(subs, digest["id"], options)
                except (LookupError, UnknownSubscription):
                    continue  # unsubscribed while this pass ran: the digest went with it
                try:
                    mailer.send(message, sender, digest["email"])
                except DeliveryError as exc:
                    if exc.connection:
                        down = exc
                    else:
                        _failed(subs, digest, exc, now, retry, report, errors)
                        continue
                else:
                    _mark_sent(subs, digest, now, report)
                    continue
            _failed(subs, digest, down, now, retry, report, errors)
    finally:
        mailer.close()
    report.pending = conn.execute(
        "SELECT COUNT(*) FROM digests WHERE status = 'pending'").fetchone()[0]
    report.errors = sorted(errors, key=lambda e: -errors[e])
    return report


def prune_sent(subs: Subscriptions, *, before: datetime) -> int:
    """Forget digests sent before `before`, with their outbox rows; returns how many.

    The watermark, not the outbox, is what keeps an article from being queued again, so
    old rows are only history. (An article whose text later changes gets a new indexed_at
    and may be mailed again once its old row is gone: that is a real update.)
    """
    with db.transaction(subs.conn) as conn:
        return conn.execute("DELETE FROM digests WHERE status = 'sent' AND sent_at < ?",
                            (db.ts(before),)).rowcount


def _mark_sent(subs: Subscriptions, digest, now: datetime, report: DeliveryReport) -> None:
    with db.transaction(subs.conn):
        subs.conn.execute("UPDATE digests SET status = 'sent', sent_at = ?, "
                          "attempts = attempts + 1, last_error = NULL WHERE id = ?",
                          (db.ts(now), digest["id"]))
        articles = subs.conn.execute("SELECT COUNT(*) FROM outbox WHERE digest_id = ?",
                                     (digest["id"],)).fetchone()[0]
    report.sent.append(Sent(digest["id"], digest["email"], articles, digest["message_id"]))
    log.info("sent digest %s (%d articles) to %s", digest["id"], articles, digest["email"])


def _failed(subs: Subscriptions, digest, exc: DeliveryError, now: datetime,
            retry: RetryPolicy, report: DeliveryReport, errors: dict[str, int]) -> None:
    attempts = digest["attempts"] + 1
    reason = str(exc)
    created = db.parse_ts(digest["created"])
    give_up = not exc.permanent and now - created >= retry.give_up_after
    conn = subs.conn
    with db.transaction(conn):
        if exc.permanent or give_up:
            if give_up:
                reason = f"gave up after {retry.give_up_after.total_seconds() / 3600:g} h: " \
                         f"{reason}"
            conn.execute("UPDATE digests SET status = 'parked', attempts = ?, last_error = ? "
                         "WHERE id = ?", (attempts, reason, digest["id"]))
            if exc.permanent and exc.recipient:
                conn.execute("UPDATE subscriptions SET active = 0, suspended = ? WHERE id = ?",
                             (reason, digest["subscription_id"]))
        else:
            conn.execute("UPDATE digests SET attempts = ?, last_error = ?, next_attempt = ? "
                         "WHERE id = ?",
                         (attempts, reason, db.ts(now + retry.delay(attempts)), digest["id"]))
    if exc.permanent or give_up:
        report.parked.append(Parked(digest["id"], digest["email"], digest["subscription_id"],
                                    reason))
        log.info("parked digest %s to %s: %s", digest["id"], digest["email"], reason)
    else:
        errors[reason] = errors.get(reason, 0) + 1
        log.info("digest %s to %s still pending: %s", digest["id"], digest["email"], reason)
