"""Subscribing a webhook: `scamscope subscribe --webhook URL [QUERY]`, the JSON API, bad
URLs refused with one line; `alerts send` POSTs it without any SMTP, signed with
SCAMSCOPE_WEBHOOK_SECRET."""
from __future__ import annotations

import re

import pytest

from alerts.subscriptions import Subscriptions
from alerts.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from tests.fixtures.web import WEB_TOKEN

AUTH = {"Authorization": f"Bearer {WEB_TOKEN}"}
SECRET = "a webhook secret from the environment"


def test_cli_subscribes_a_webhook_and_alerts_send_posts_it(cli, alerts_env, webhook_receiver):
    webhook_receiver.secret = SECRET.encode()
    alerts_env.add(title="Cambodia scam compound raided", countries=("KH",))
    made = cli("subscribe", "--webhook", webhook_receiver.url, "scam compound", "--country",
               "KH", "--every", "instant", "--json")
    assert made.code == 0, made.err
    sub = made.json()
    assert (sub["channel"], sub["target"], sub["email"]) == ("webhook", webhook_receiver.url,
                                                             None)
    assert sub["query"]["text"] == "scam compound" and sub["query"]["countries"] == ["KH"]
    again = cli("subscribe", "--webhook", webhook_receiver.url, "scam compound", "--country",
                "KH", "--every", "instant")
    assert again.code == 0 and "already exists" in again.out and "nothing was added" in again.out

    sent = cli("alerts", "send", env={"SCAMSCOPE_WEBHOOK_SECRET": SECRET})  # no --smtp at all
    assert sent.code == 0, sent.err
    assert f"sent digest to {webhook_receiver.url}: 1 article" in sent.out
    [delivery] = webhook_receiver.deliveries
    assert delivery.signed  # verified with the secret from the environment
    assert delivery.json["articles"][0]["title"] == "Cambodia scam compound raided"
    assert cli("alerts", "send", env={"SCAMSCOPE_WEBHOOK_SECRET": SECRET}).code == 0
    assert len(webhook_receiver.deliveries) == 1

    listing = cli("subscriptions", "list").out
    assert f"webhook {webhook_receiver.url}" in listing


def test_without_a_configured_secret_one_is_generated_and_kept(cli, alerts_env,
                                                              webhook_receiver):
    alerts_env.add(title="Myanmar scam story", countries=("MM",))
    assert cli("subscribe", "--webhook", webhook_receiver.url, "--country", "MM",
               "--every", "instant").code == 0
    assert cli("alerts", "send").code == 0
    key = (alerts_env.data_dir / "webhook_secret")
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    webhook_receiver.secret = key.read_text().strip().encode()
    [delivery] = webhook_receiver.deliveries
    assert verify(webhook_receiver.secret, delivery.headers[TIMESTAMP_HEADER], delivery.body,
                  delivery.headers[SIGNATURE_HEADER])


def test_email_digests_without_smtp_are_a_configuration_error(cli, alerts_env):
    alerts_env.add(title="Myanmar scam story", countries=("MM",))
    assert cli("subscribe", "a@example.org", "--country", "MM", "--every", "instant").code == 0
    result = cli("alerts", "send")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "no SMTP server is configured" in result.err
    listing = cli("subscriptions", "list", "--json").json()["subscriptions"]
    assert listing[0]["pending"] == 1  # waiting, not lost


@pytest.mark.parametrize("url, message", [
    ("ftp://hooks.example.org/x", "must start with http:// or https://"),
    ("hooks.example.org/x", "must start with http:// or https://"),
    ("https:///path", "names no host"),
    ("https://user:pw@hooks.example.org/x", "must not contain a user name or password"),
    ("https://hooks.example.org/a b", "spaces or control characters"),
    ("https://hooks.example.org:99999/x", "invalid host or port"),
    ("https://hooks.example.org/x#frag", "fragment"),
    ("https://hooks.example.org/" + "x" * 2001, "longer than 2000 characters"),
])
def test_bad_webhook_urls_are_refused_with_one_line(cli, url, message):
    result = cli("subscribe", "--webhook", url, "scam")
    assert result.code == 2
    assert result.err.count("\n") == 1 and message in result.err, result.err
    assert "Traceback" not in result.err
    assert cli("subscriptions", "list", "--json").json() == {"subscriptions": []}


def test_an_address_and_a_webhook_together_are_refused(cli):
    both = cli("subscribe", "a@example.org", "scam", "--webhook", "https://hooks.example.org/x")
    assert both.code == 2 and "not both" in both.err
    neither = cli("subscribe")
    assert neither.code == 2 and "--webhook URL" in neither.err


def test_api_creates_lists_and_refuses_webhooks(web):
    url = "https://Hooks.Example.ORG/scamscope?team=osint"
    created = web.post("/api/subscriptions", json={"webhook": url, "q": "scam",
                                                   "country": ["MM"], "every": "hourly"},
                       headers=AUTH)
    assert created.status_code == 201, created.text
    sub = created.json()
    assert (sub["channel"], sub["target"]) == ("webhook",
                                               "https://hooks.example.org/scamscope?team=osint")
    assert sub["created_now"] is True
    again = web.post("/api/subscriptions", json={"webhook": url, "q": "scam", "country": ["MM"],
                                                 "every": "hourly"}, headers=AUTH)
    assert again.status_code == 200 and again.json()["created_now"] is False
    [listed] = web.get("/api/subscriptions", headers=AUTH).json()["subscriptions"]
    assert listed["id"] == sub["id"] and listed["pending"] == 0
    assert listed["channel"] == "webhook"

    bad = web.post("/api/subscriptions", json={"webhook": "javascript:alert(1)", "q": "scam"},
                   headers=AUTH)
    assert bad.status_code == 400 and "http:// or https://" in bad.json()["detail"]
    both = web.post("/api/subscriptions", json={"webhook": url, "email": "a@example.org"},
                    headers=AUTH)
    assert both.status_code == 400 and "not both" in both.json()["detail"]
    neither = web.post("/api/subscriptions", json={"q": "scam"}, headers=AUTH)
    assert neither.status_code == 400


def test_the_page_form_takes_a_webhook_field_too(web, web_settings):
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/").text).group(1)
    form = {"csrf_token": token, "password": WEB_TOKEN, "q": "scam", "every": "daily",
            "webhook": "https://hooks.example.org/team"}
    made = web.post("/subscriptions", data=form, follow_redirects=False)
    assert made.status_code == 303 and "created=" in made.headers["location"]
    bad = web.post("/subscriptions", data={**form, "webhook": "file:///etc/passwd"})
    assert bad.status_code == 400 and "http:// or https://" in bad.text
    with Subscriptions(web_settings.data_path) as subs:
        assert [(s.channel, s.target) for s in subs.list()] == [
            ("webhook", "https://hooks.example.org/team")]
    listing = web.get("/subscriptions").text
    assert "webhook https://hooks.example.org/team" in listing


def test_an_https_webhook_is_verified_and_delivered(cli, alerts_env, tls_webhook_receiver,
                                                    smtp_certificate):
    tls_webhook_receiver.secret = SECRET.encode()
    alerts_env.add(title="Myanmar scam story", countries=("MM",))
    assert cli("subscribe", "--webhook", tls_webhook_receiver.url, "--country", "MM",
               "--every", "instant").code == 0
    env = {"SCAMSCOPE_WEBHOOK_SECRET": SECRET}
    untrusted = cli("alerts", "send", env=env)  # the self-signed certificate is not trusted
    assert untrusted.code == 1
    assert "1 digest still pending: TLS with webhook 127.0.0.1:" in untrusted.err
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.err
    assert not tls_webhook_receiver.deliveries
    trusted = cli("alerts", "send", env={**env, "SSL_CERT_FILE": str(smtp_certificate[0])})
    assert trusted.code == 0, trusted.err
    [delivery] = tls_webhook_receiver.deliveries
    assert delivery.signed and delivery.json["count"] == 1
