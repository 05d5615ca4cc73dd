"""Web security: the write-action token, login sessions, CSRF tokens, response headers.

- API writes carry `Authorization: Bearer <web_token>`.
- Forms carry the same secret once (a password field); a correct one sets a
  signed, HttpOnly, SameSite=Strict session cookie so later forms need no password.
- Every form carries a signed double-submit CSRF token: a random value in a
  cookie, and in the form the same value with an HMAC of it, so a value planted
  in the cookie by someone without the key is worthless.
- An empty web_token means write actions are refused, not open.
- A request body over MAX_BODY bytes is refused with 413 (BodyLimit), and API writes
  check their token before their body is read (scamscope.web.api.TokenFirst).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from starlette.exceptions import HTTPException

SESSION_COOKIE = "scamscope_session"
CSRF_COOKIE = "scamscope_csrf"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = 12 * 3600
# Bodies here are a saved search or a login form: a few kilobytes. 1 MB is generous and
# still keeps one request from costing the server more than a moment.
MAX_BODY = 1_000_000

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Links go out to news sites: do not tell them what the researcher searched for.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Signer:
    """HMAC-SHA256 signatures under one key, with a purpose label per use."""

    def __init__(self, key: bytes):
        self.key = key

    def sign(self, purpose: str, value: str) -> str:
        mac = hmac.new(self.key, f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def verify(self, purpose: str, value: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, value), signature or "")


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time check of a write token; an empty expected token matches nothing."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


class Sessions:
    """Signed login cookies. The signature covers a digest of the token, so changing
    web_token logs everybody out."""

    def __init__(self, signer: Signer, web_token: str):
        self.signer = signer
        self.token_digest = hashlib.sha256(web_token.encode()).hexdigest()[:16] if web_token else ""

    def issue(self, now: float | None = None) -> str:
        issued = str(int(now if now is not None else time.time()))
        nonce = secrets.token_urlsafe(9)
        value = f"{issued}.{nonce}"
        return f"{value}.{self.signer.sign('session:' + self.token_digest, value)}"

    def valid(self, cookie: str | None, now: float | None = None) -> bool:
        if not cookie or not self.token_digest:
            return False
        issued, _, rest = cookie.partition(".")
        nonce, _, signature = rest.partition(".")
        if not issued.isdigit() or not nonce:
            return False
        if not self.signer.verify("session:" + self.token_digest, f"{issued}.{nonce}", signature):
            return False
        age = (now if now is not None else time.time()) - int(issued)
        return 0 <= age <= SESSION_MAX_AGE


class Csrf:
    """Signed double-submit tokens."""

    def __init__(self, signer: Signer):
        self.signer = signer

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(18)

    def form_token(self, cookie: str) -> str:
        return f"{cookie}.{self.signer.sign('csrf', cookie)}"

    def valid(self, cookie: str | None, form_value: str | None) -> bool:
        if not cookie or not form_value:
            return False
        value, _, signature = form_value.rpartition(".")
        return (hmac.compare_digest(value.encode(), cookie.encode())
                and self.signer.verify("csrf", value, signature))


class BodyLimit:
    """ASGI middleware: a request body over max_bytes ends in 413 as soon as it is known to
    be too large (declared in Content-Length, or counted while it streams in), never read
    whole. The app still decides when to read, so a route that refuses first (a wrong
    token) reads nothing at all."""

    def __init__(self, app, max_bytes: int = MAX_BODY):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        seen = 0

        async def limited_receive():
            nonlocal seen
            if declared is not None and declared > self.max_bytes:
                raise self.too_large()
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise self.too_large()
            return message

        await self.app(scope, limited_receive, send)

    def too_large(self) -> HTTPException:
        return HTTPException(status_code=413, detail=f"request body too large: at most "
                                                     f"{self.max_bytes:,} bytes")


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
