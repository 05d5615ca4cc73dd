"""Signed one-click unsubscribe tokens.

    secret = load_secret(data_dir, settings.secret_key)
    token = unsubscribe_token(secret, subscription_id)      # goes into the digest link
    subscription_id = verify_unsubscribe_token(secret, token)  # raises BadToken

A token is "<id>.<signature>", the signature an HMAC-SHA256 over a purpose string and the
id, base64url without padding. Subscription ids are never reused (AUTOINCREMENT), so a
token can only ever remove the subscription it was made for. With no secret_key in the
settings, a random key is generated once and kept in data_dir/secret_key (mode 0600).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from alerts.errors import BadToken

SECRET_FILE = "secret_key"
_PURPOSE = b"scamscope-unsubscribe-v1:"


def load_secret(data_dir: str | Path, configured: str = "", *,
                name: str = SECRET_FILE) -> bytes:
    """A signing key: the configured one, else data_dir/<name> (created once, 0600)."""
    if configured:
        return configured.encode("utf-8")
    path = Path(data_dir) / name
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key.encode("ascii") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        # link() fails if another process created the key first; theirs wins.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise FileNotFoundError(path)
    return key.encode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signature(secret: bytes, subscription_id: int) -> str:
    mac = hmac.new(secret, _PURPOSE + str(subscription_id).encode("ascii"), hashlib.sha256)
    return _b64(mac.digest())


def unsubscribe_token(secret: bytes, subscription_id: int) -> str:
    return f"{int(subscription_id)}.{_signature(secret, int(subscription_id))}"


def verify_unsubscribe_token(secret: bytes, token: str) -> int:
    """The subscription id the token was signed for; BadToken if it was not signed by us."""
    if not isinstance(token, str) or token.count(".") != 1:
        raise BadToken("this unsubscribe link is malformed")
    raw_id, signature = token.split(".")
    if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 18:
        raise BadToken("this unsubscribe link is malformed")
    subscription_id = int(raw_id)
    if str(subscription_id) != raw_id or not hmac.compare_digest(
            signature.encode("ascii", "replace"),
            _signature(secret, subscription_id).encode("ascii")):
        raise BadToken("this unsubscribe link is not valid (it was changed or signed with "
                       "another key)")
    return subscription_id
