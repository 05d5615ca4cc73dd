"""`scamscope subscribe`, `subscriptions list|remove`: validation at subscribe time."""
from __future__ import annotations

import pytest

from alerts.errors import InvalidEmail
from alerts.subscriptions import normalize_email


def test_subscribe_list_remove(cli):
    made = cli("subscribe", "Analyst@Example.ORG", "scam centre", "--country", "mm",
               "--org", "United Nations", "--min-usd", "1000000", "--every", "hourly")
    assert made.code == 0, made.err
    assert made.out.strip() == ('subscription 1: Analyst@example.org gets hourly digests for '
                                '"scam centre" --country MM --org "United Nations" '
                                '--min-usd 1000000')
    again = cli("subscribe", "Analyst@example.org", "scam centre", "--country", "MM",
                "--org", "United Nations", "--min-usd", "1000000", "--every", "hourly")
    assert again.code == 0 and "already subscribed" in again.out
    assert cli("subscribe", "b@example.org", "--country", "KH").code == 0

    rows = cli("subscriptions", "list", "--json").json()["subscriptions"]
    assert [(r["id"], r["email"], r["frequency"], r["active"], r["pending"]) for r in rows] == [
        (1, "Analyst@example.org", "hourly", True, 0), (2, "b@example.org", "daily", True, 0)]
    assert rows[0]["query"]["text"] == "scam centre"
    assert rows[0]["query"]["countries"] == ["MM"] and rows[0]["query"]["min_usd"] == 1e6

    removed = cli("subscriptions", "remove", "1")
    assert removed.code == 0 and "removed subscription 1" in removed.out
    assert [r["id"] for r in cli("subscriptions", "list", "--json").json()["subscriptions"]] == [2]
    missing = cli("subscriptions", "remove", "1")
    assert missing.code == 2 and missing.err.strip() == (
        "scamscope subscriptions: there is no subscription 1")


@pytest.mark.parametrize("args, message", [
    (("not-an-address", "--country", "MM"), "is not an e-mail address"),
    (("a@b", "--country", "MM"), "bad domain"),
    (("Analyst <a@example.org>",), "is not an e-mail address"),
    (("a@example.org", '"unclosed'), "unclosed quote"),
    (("a@example.org", "(scam centre"), "unbalanced '('"),
    (("a@example.org", "NOT crypto"), "cannot only exclude"),
    (("a@example.org", "--country", "Atlantis"), "not a known country"),
])
def test_bad_subscriptions_are_refused_with_one_line(cli, args, message):
    result = cli("subscribe", *args)
    assert result.code == 2
    assert result.err.count("\n") == 1 and message in result.err, result.err
    assert "Traceback" not in result.err
    assert cli("subscriptions", "list", "--json").json() == {"subscriptions": []}


def test_bad_frequency_is_a_usage_error(cli):
    result = cli("subscribe", "a@example.org", "--every", "weekly")
    assert result.code == 2 and "invalid choice" in result.err


@pytest.mark.parametrize("good", ["a@example.org", "first.last+tag@sub.example.co.uk",
                                  "x@bücher.example"])
def test_addresses_we_accept(good):
    assert "@" in normalize_email(good)


@pytest.mark.parametrize("bad", ["", "a", "@example.org", "a@", "a..b@example.org",
                                 "a b@example.org", "a@-example.org", "a@example", "a@1.2.3.4",
                                 "a@example.org\nBcc: x@evil.org"])
def test_addresses_we_refuse(bad):
    with pytest.raises(InvalidEmail):
        normalize_email(bad)
