"""Signed one-click unsubscribe tokens: valid, tampered, other key; the generated key."""
from __future__ import annotations

import os
import stat

import pytest

from alerts.errors import BadToken
from alerts.subscriptions import Subscriptions
from alerts.tokens import load_secret, unsubscribe_token, verify_unsubscribe_token
from indexer.query import Query


def test_valid_token_names_its_subscription():
    token = unsubscribe_token(b"key", 42)
    assert verify_unsubscribe_token(b"key", token) == 42


@pytest.mark.parametrize("tamper", [
    lambda t: t.replace("42.", "43.", 1),  # another subscription, same signature
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
    lambda t: t.split(".")[0],  # no signature
    lambda t: "042." + t.split(".")[1],  # same number, other spelling
    lambda t: t + ".x",
    lambda t: "",
    lambda t: "-1." + t.split(".")[1],
    lambda t: "४२." + t.split(".")[1],  # non-ASCII digits
])
def test_tampered_tokens_are_rejected(tamper):
    token = unsubscribe_token(b"key", 42)
    with pytest.raises(BadToken):
        verify_unsubscribe_token(b"key", tamper(token))


def test_token_signed_with_another_key_is_rejected():
    with pytest.raises(BadToken):
        verify_unsubscribe_token(b"other", unsubscribe_token(b"key", 42))


def test_generated_secret_is_kept_private_and_reused(tmp_path):
    first = load_secret(tmp_path)
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) >= 32
    assert load_secret(tmp_path) == first
    assert load_secret(tmp_path, "configured") == b"configured"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temp files left


def test_unsubscribe_removes_once_and_is_idempotent(tmp_path):
    secret = load_secret(tmp_path)
    with Subscriptions(tmp_path) as subs:
        sub, _ = subs.subscribe("analyst@example.org", Query(countries=["MM"]), "daily")
        keep, _ = subs.subscribe("other@example.org", Query(countries=["MM"]), "daily")
        token = unsubscribe_token(secret, sub.id)
        with pytest.raises(BadToken):
            subs.unsubscribe(unsubscribe_token(b"forged", keep.id), secret)
        assert subs.unsubscribe(token, secret).id == sub.id
        assert subs.unsubscribe(token, secret) is None  # a repeated one-click POST
        assert [s.id for s in subs.list()] == [keep.id]
        # ids are never reused, so the old token cannot remove a later subscription
        new, _ = subs.subscribe("analyst@example.org", Query(countries=["TH"]), "daily")
        assert new.id != sub.id
        assert subs.unsubscribe(token, secret) is None
        assert {s.id for s in subs.list()} == {keep.id, new.id}
