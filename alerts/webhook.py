"""The webhook channel: each digest POSTed as JSON to the subscription's URL, signed.

    from alerts.webhook import WebhookChannel, WebhookSettings, normalize_webhook_url, sign
    url = normalize_webhook_url("https://hooks.example.org/scamscope")  # InvalidWebhook
    channel = WebhookChannel(WebhookSettings(secret=b"..."), digest_options)

Request: POST <url>, Content-Type: application/json, body = the digest (see
alerts.digest.build_payload), with these headers:

    X-Scamscope-Delivery:  the digest id; the same on every retry of one digest, so a
                           receiver can drop the rare duplicate (see the outbox's window)
    X-Scamscope-Timestamp: Unix seconds when this attempt was signed
    X-Scamscope-Signature: sha256=<hex HMAC-SHA256(webhook_secret, timestamp + "." + body)>

The receiver recomputes the HMAC over the timestamp, a dot and the raw body bytes, and
compares in constant time (verify() does exactly that); checking the timestamp is recent
stops an old request from being replayed.

One deadline (3 x timeout) bounds the whole exchange, and at most 64 KiB of answer
headers and 512 bytes of its body are read. Answers: any 2xx means delivered (and only then is the digest marked sent). 408, 425,
429 and 5xx, refused connections, timeouts and TLS failures are temporary: the digest
stays pending and is retried with the outbox's backoff. 410 Gone suspends the
subscription; any other answer (3xx: redirects are not followed; 4xx) parks the digest.

URLs: http:// or https:// with a host, no user:password (put a token in the path or
query instead), no fragment, at most 2000 characters.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from alerts.errors import DeliveryError, InvalidWebhook

if TYPE_CHECKING:
    from alerts.digest import Digest, DigestOptions

MAX_URL = 2000
_READ_BACK = 512  # bytes of an error answer kept for the reason
_TEMPORARY = {408, 425, 429}
_WHOLE_EXCHANGE = 3  # the whole request and answer: at most this many timeouts
_MAX_HEAD = 65536  # bytes of answer headers read before giving up on the receiver
SIGNATURE_HEADER = "X-Scamscope-Signature"
TIMESTAMP_HEADER = "X-Scamscope-Timestamp"
DELIVERY_HEADER = "X-Scamscope-Delivery"


def normalize_webhook_url(url: str) -> str:
    """The URL with scheme and host lower-cased; InvalidWebhook with one clear line if not."""
    text = (url or "").strip()
    if not text:
        raise InvalidWebhook("the webhook URL is empty: give one such as "
                             "https://hooks.example.org/scamscope")
    if len(text) > MAX_URL:
        raise InvalidWebhook(f"the webhook URL is longer than {MAX_URL} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise InvalidWebhook(f"webhook URL {text!r} contains spaces or control characters")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidWebhook(f"webhook URL {text!r} must start with http:// or https://")
    try:
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise InvalidWebhook(f"webhook URL {text!r} has an invalid host or port") from None
    if not host:
        raise InvalidWebhook(f"webhook URL {text!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhook("the webhook URL must not contain a user name or password: "
                             "put a token in its path or query instead")
    if parts.fragment:
        raise InvalidWebhook(f"webhook URL {text!r} has a #fragment, which is never sent")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The X-Scamscope-Signature value for this timestamp and body."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body).encode("ascii"),
                               (signature or "").encode("ascii", "replace"))


@dataclass
class WebhookSettings:
    secret: bytes
    timeout: float = 10.0
    user_agent: str = "scamscope-webhook/1"


class WebhookChannel:
    """Channel 'webhook': one POST per digest, one connection per POST."""

    name = "webhook"

    def __init__(self, settings: WebhookSettings, options: "DigestOptions"):
        self.settings = settings
        self.options = options

    def scope(self, target: str) -> str:
        # One host refusing connections says nothing about the other hosts.
        return urlsplit(target).netloc

    def send(self, digest: "Digest") -> None:
        from alerts.digest import build_payload

        body = json.dumps(build_payload(digest, self.options), ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": self.settings.user_agent,
                   "Connection": "close",
                   DELIVERY_HEADER: digest.row.id,
                   TIMESTAMP_HEADER: timestamp,
                   SIGNATURE_HEADER: sign(self.settings.secret, timestamp, body)}
        parts = urlsplit(digest.row.target)
        try:
            self._post(parts, body, headers)
        except (OSError, DeliveryError) as exc:
            raise _translate(exc, parts.netloc, parts.hostname, self.settings.timeout) from None

    def close(self) -> None:
        pass  # nothing is kept open between digests

    def _post(self, parts, body: bytes, headers: dict[str, str]) -> None:
        """One HTTP/1.1 exchange on a plain socket, so that one deadline bounds all of
        it (connect, TLS, send, answer): a receiver trickling its answer a byte at a time
        cannot hold the pass longer than timeout * _WHOLE_EXCHANGE."""
        label = parts.netloc
        allowed = self.settings.timeout * _WHOLE_EXCHANGE
        deadline = time.monotonic() + allowed
        port = parts.port or (443 if parts.scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}",
                f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in headers.items()]
        request = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body
        sock = socket.create_connection((parts.hostname, port), timeout=self.settings.timeout)
        try:
            if parts.scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock,
                                                                server_hostname=parts.hostname)
            sock.settimeout(_remaining(deadline, label, allowed))
            sock.sendall(request)
            status, reason, answer = _read_answer(sock, deadline, label, allowed)
        finally:
            sock.close()
        self._check(label, status, reason, answer)

    def _check(self, label: str, status: int, reason: str, answer: bytes) -> None:
        if 200 <= status < 300:
            return
        said = " ".join(answer.decode("utf-8", "replace").split())[:200]
        detail = f"{status} {reason}" + (f": {said}" if said else "")
        if status in _TEMPORARY or status >= 500:
            raise DeliveryError(f"webhook {label} answered {detail}", code=status)
        raise DeliveryError(f"webhook {label} refused the digest permanently: {detail}",
                            permanent=True, recipient=status == 410, code=status)


def _remaining(deadline: float, label: str, allowed: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeliveryError(f"webhook {label} did not finish answering within {allowed:g}s",
                            connection=True)
    return left


def _read_answer(sock: socket.socket, deadline: float, label: str,
                 allowed: float) -> tuple[int, str, bytes]:
    """(status, reason, the first bytes of the body) of the final (non-1xx) answer."""
    data = b""
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            if len(data) > _MAX_HEAD:
                raise DeliveryError(f"webhook {label} answered with headers over "
                                    f"{_MAX_HEAD} bytes", connection=True)
            sock.settimeout(_remaining(deadline, label, allowed))
            try:
                chunk = sock.recv(4096)
            except (socket.timeout, TimeoutError):  # waited until the deadline itself
                raise DeliveryError(f"webhook {label} did not finish answering within "
                                    f"{allowed:g}s", connection=True) from None
            if not chunk:
                raise DeliveryError(f"webhook {label} closed the connection without an "
                                    "answer", connection=True)
            data += chunk
            continue
        status_line = data[:data.find(b"\r\n")].decode("latin-1")
        version, _, rest = status_line.partition(" ")
        code, _, reason = rest.partition(" ")
        if not version.startswith("HTTP/1.") or not (code.isdigit() and len(code) == 3):
            raise DeliveryError(f"webhook {label} did not answer in HTTP", connection=True)
        if code.startswith("1"):  # 100 Continue and the like: the real answer follows
            data = data[end + 4:]
            continue
        return int(code), reason.strip(), data[end + 4:end + 4 + _READ_BACK]


def _translate(exc: Exception, label: str, host: str | None, timeout: float) -> DeliveryError:
    """A transport failure as a DeliveryError about the connection (retried later)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, ConnectionRefusedError):
        return DeliveryError(f"webhook {label} refused the connection", connection=True)
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return DeliveryError(f"webhook {label} did not answer within {timeout:g}s",
                             connection=True)
    if isinstance(exc, socket.gaierror):
        return DeliveryError(f"webhook host {host!r} cannot be resolved", connection=True)
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(f"TLS with webhook {label} failed: {exc.reason or exc}",
                             connection=True)
    return DeliveryError(f"webhook {label}: {getattr(exc, 'strerror', None) or exc!r}",
                         connection=True)
