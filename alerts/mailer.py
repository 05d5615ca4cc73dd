"""The e-mail channel: SMTP settings, the SMTP client, and EmailChannel.

    from alerts.mailer import parse_smtp_url, SMTPMailer, EmailChannel
    smtp = parse_smtp_url("smtp+starttls://user@mail.example.org:587", password=..., timeout=30)
    channel = EmailChannel(SMTPMailer(smtp), digest_options)   # for alerts.outbox

URLs: smtp://[user@]host[:25] (plain), smtps://[user@]host[:465] (TLS from the start),
smtp+starttls://[user@]host[:587] (STARTTLS, refused if the server does not offer it).
The password never goes in the URL; it comes from the environment
(SCAMSCOPE_SMTP_PASSWORD) through the settings.

The SMTP client turns every failure into a DeliveryError: connection-level (refused,
timed out, TLS, login, sender refused, disconnected: connection=True), 4xx about one
recipient or message (temporary), 5xx about the recipient (permanent, recipient=True) or
the message (permanent). What happens next (retry, park, suspend) is the outbox's
business (alerts.outbox).
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from alerts.digest import Digest, DigestOptions, build_message
from alerts.errors import DeliveryError, MailConfigError

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
    """What EmailChannel needs: open once per pass, send many, close."""

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


# -------------------------------------------------------------------- channel


def sender_address(mail_from: str) -> str:
    return parseaddr(mail_from)[1] or mail_from


class EmailChannel:
    """Channel 'email': each digest as one multipart e-mail through one SMTP connection."""

    name = "email"

    def __init__(self, mailer: Mailer, options: DigestOptions):
        self.mailer = mailer
        self.options = options
        self.sender = sender_address(options.mail_from)

    def scope(self, target: str) -> str:
        return ""  # every address goes through the same SMTP server

    def send(self, digest: Digest) -> None:
        self.mailer.send(build_message(digest, self.options), self.sender, digest.row.target)

    def close(self) -> None:
        self.mailer.close()
