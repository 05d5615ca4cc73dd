"""Delivery over SMTPS and STARTTLS with a login, the password from the environment."""
from __future__ import annotations

import pytest

# aiosmtpd warns about AUTH without STARTTLS; under implicit TLS (smtps) that is moot.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def subscribe_and_index(cli, alerts_env):
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",))
    assert cli("subscribe", "analyst@example.org", "--country", "MM",
               "--every", "instant").code == 0


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_tls_with_login_delivers(cli, alerts_env, tls_smtp, mode):
    server = tls_smtp(mode, users={"alerts": "s3cret"})
    subscribe_and_index(cli, alerts_env)
    sent = cli("alerts", "send", global_args=("--smtp", server.url),
               env={**server.env, "SCAMSCOPE_SMTP_PASSWORD": "s3cret"})
    assert sent.code == 0, sent.err
    assert [m["To"] for m in server.messages] == ["analyst@example.org"]
    assert server.logins == [("alerts", True)]


def test_wrong_password_keeps_the_digest_pending(cli, alerts_env, tls_smtp):
    server = tls_smtp("starttls", users={"alerts": "s3cret"})
    subscribe_and_index(cli, alerts_env)
    wrong = cli("alerts", "send", global_args=("--smtp", server.url),
                env={**server.env, "SCAMSCOPE_SMTP_PASSWORD": "nope"})
    assert wrong.code == 1
    assert "rejected the login of 'alerts' (535)" in wrong.err and "still pending" in wrong.err
    right = cli("alerts", "send", global_args=("--smtp", server.url),
                env={**server.env, "SCAMSCOPE_SMTP_PASSWORD": "s3cret"})
    assert right.code == 0, right.err
    assert len(server.messages) == 1


def test_untrusted_certificate_is_refused(cli, alerts_env, tls_smtp):
    server = tls_smtp("smtps")
    subscribe_and_index(cli, alerts_env)
    refused = cli("alerts", "send", global_args=("--smtp", server.url))  # no SSL_CERT_FILE
    assert refused.code == 1
    assert "TLS with SMTP" in refused.err and "still pending" in refused.err
    assert server.messages == []


def test_plain_server_without_starttls_is_refused_for_starttls_urls(cli, alerts_env,
                                                                      smtp_server):
    subscribe_and_index(cli, alerts_env)
    url = smtp_server.url.replace("smtp://", "smtp+starttls://")
    result = cli("alerts", "send", global_args=("--smtp", url))
    assert result.code == 1 and "does not offer STARTTLS" in result.err
    assert smtp_server.messages == []


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1:25", "use smtp://, smtps:// or smtp+starttls://"),
    ("smtp://user:pw@127.0.0.1:25", "must not contain the password"),
    ("smtp://alerts@127.0.0.1:25", "SCAMSCOPE_SMTP_PASSWORD is not set"),
    ("smtp://127.0.0.1:notaport", "the port is not a number"),
])
def test_bad_smtp_settings_are_usage_errors(cli, url, message):
    result = cli("alerts", "send", global_args=("--smtp", url))
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1
