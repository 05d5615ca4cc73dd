"""Typed errors raised by alerts/; the CLI and the web turn them into user messages."""
from __future__ import annotations


class AlertError(Exception):
    """Base class of every error alerts/ raises. The message is meant for the user."""


class InvalidSubscription(AlertError, ValueError):
    """A subscription cannot be stored: bad e-mail address, query or frequency."""


class InvalidEmail(InvalidSubscription):
    """The e-mail address is not a deliverable-looking address."""


class InvalidWebhook(InvalidSubscription):
    """The webhook URL is not an http(s) URL we can POST to."""


class UnknownSubscription(AlertError, LookupError):
    """No subscription has this id."""


class BadToken(AlertError, ValueError):
    """An unsubscribe token is malformed, tampered with or signed with another key."""


class MailConfigError(AlertError, ValueError):
    """The SMTP settings cannot be used (bad --smtp URL, none configured)."""


class DeliveryError(AlertError):
    """A channel's receiver (SMTP server, webhook URL) did not accept a digest.

    permanent: the receiver refused this recipient or message for good (SMTP 5xx, HTTP 4xx);
    retrying will not help.
    connection: the failure concerns the connection (refused, timed out, auth), not one
    digest, so every other digest through the same connection in this pass would fail the
    same way.
    recipient: the receiver refused the target itself (RCPT TO refused, HTTP 410 Gone), not
    the message: the subscription is suspended.
    """

    def __init__(self, message: str, *, permanent: bool = False, connection: bool = False,
                 recipient: bool = False, code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.connection = connection
        self.recipient = recipient
        self.code = code
