"""A search saved on the web, a digest sent by alerts over real SMTP, and its one-click
List-Unsubscribe link POSTed back to the web app: the whole loop, with the signing key the
daemon keeps in the data dir (no secret_key configured)."""
from __future__ import annotations

from urllib.parse import urlsplit

from alerts.runner import run_pass
from alerts.subscriptions import Subscriptions
from scamscope.alerting import alert_options
from scamscope.config import Settings
from tests.fixtures.web import WEB_TOKEN, make_client


def test_the_unsubscribe_link_of_a_real_digest_works(alerts_env, smtp_server):
    alerts_env.add(title="Police raid scam centre in Myawaddy", countries=("MM",))
    settings = Settings(data_dir=str(alerts_env.data_dir), index=alerts_env.index_url,
                        web_token=WEB_TOKEN, smtp=smtp_server.url)
    assert settings.secret_key == ""  # both sides use data_dir/secret_key
    with make_client(settings, alerts_env.index) as web:
        created = web.post("/api/subscriptions", json={"email": "analyst@example.org",
                                                       "q": "scam", "country": ["MM"],
                                                       "every": "instant"},
                           headers={"Authorization": f"Bearer {WEB_TOKEN}"})
        assert created.status_code == 201

        report = run_pass(alerts_env.data_dir, alerts_env.index, alert_options(settings))
        assert len(report.delivery.sent) == 1
        [message] = smtp_server.messages
        link = urlsplit(message["List-Unsubscribe"].strip("<>"))
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link.path == "/unsubscribe"

        # what a mail client does for RFC 8058: POST the body to the link, no cookies
        web.cookies.clear()
        done = web.post(f"{link.path}?{link.query}",
                        content="List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert done.status_code == 200 and "analyst@example.org" in done.text
    with Subscriptions(alerts_env.data_dir) as subs:
        assert subs.list() == []
