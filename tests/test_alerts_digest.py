"""Digest content and headers: HTML and text parts, why each article matched,
List-Unsubscribe, and crawled markup escaped."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from alerts.mailer import parse_smtp_url
from alerts.runner import AlertOptions, run_pass
from alerts.subscriptions import Subscriptions
from alerts.tokens import verify_unsubscribe_token
from indexer.query import Query

SECRET = b"test-secret"
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> Scam compound raided in Myanmar'


def options(server, **extra) -> AlertOptions:
    return AlertOptions(smtp=parse_smtp_url(server.url), secret=SECRET,
                        public_url="https://scamscope.example/", mail_from="Alerts <alerts@scamscope.example>",
                        **extra)


def subscribe(data_dir, email="analyst@example.org", **query) -> int:
    with Subscriptions(data_dir) as subs:
        sub, created = subs.subscribe(email, Query(**query), "instant")
        assert created
        return sub.id


def parts(message):
    text = message.get_body(("plain",)).get_content()
    body = message.get_body(("html",)).get_content()
    return text, body


def test_digest_has_text_and_html_parts_with_why_it_matched(alerts_env, smtp_server):
    alerts_env.add(title="Thai police raid scam centre on the Myanmar border",
                   countries=("MM", "TH"), orgs=("Royal Thai Police",), usd=3_000_000)
    alerts_env.add(title="Cambodia deports workers", countries=("KH",))
    sub_id = subscribe(alerts_env.data_dir, text="scam", countries=["MM"])

    report = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server))
    assert report.pending == 0 and len(report.delivery.sent) == 1

    [message] = smtp_server.messages
    assert message["To"] == "analyst@example.org"
    assert message.get_content_type() == "multipart/alternative"
    assert "1 new article" in message["Subject"]
    text, body = parts(message)

    for part in (text, body):
        assert "Myanmar border" in part
        assert "Cambodia deports" not in part
        assert "testnews" in part  # source
        assert "2026-11-01" in part  # date
        assert "https://news.example.org/articles/1" in part  # link
        assert "Myanmar (MM)" in part  # the country that made it match
        assert "Royal Thai Police" in part
        assert "$3,000,000" in part
    assert "<mark>scam</mark>" in body  # matched term highlighted in the snippet
    assert '<a href="https://news.example.org/articles/1">' in body
    assert "*scam*" in text

    # One-click unsubscribe (RFC 8058), signed for this subscription.
    header = message["List-Unsubscribe"]
    assert header.startswith("<https://scamscope.example/unsubscribe?token=") and header.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = parse_qs(urlsplit(header[1:-1]).query)["token"][0]
    assert verify_unsubscribe_token(SECRET, token) == sub_id
    assert header[1:-1] in body and header[1:-1] in text
    # on the wire the header is the plain URL, not an RFC 2047 encoded word
    assert f"\nList-Unsubscribe: {header}\r\n".encode() in smtp_server.raw[0]
    assert message["Message-ID"].startswith("<digest-") and message["Message-ID"].endswith(
        "@scamscope.example>")


def test_crawled_markup_is_escaped(alerts_env, smtp_server):
    alerts_env.add(title=EVIL, text=EVIL + " " + "Workers were trafficked into the scam compound. " * 5,
                   countries=("MM",))
    subscribe(alerts_env.data_dir, countries=["MM"])

    run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server))
    [message] = smtp_server.messages
    text, body = parts(message)
    assert "<script>" not in body and "<img" not in body
    assert "&lt;script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    # the text part carries the title as plain text, which is what a text part is for
    assert 'alert("x")' in text


def test_digest_caps_articles_and_the_rest_follow(alerts_env, smtp_server):
    alerts_env.add_many([{"title": f"Myanmar scam story {n}", "countries": ("MM",)}
                         for n in range(5)])
    with Subscriptions(alerts_env.data_dir) as subs:
        subs.subscribe("analyst@example.org", Query(countries=["MM"]), "instant")
        # the first digest of a new subscription carries the newest articles; later ones
        # carry everything new, max_articles at a time
    opts = options(smtp_server, max_articles=3)
    run_pass(alerts_env.data_dir, alerts_env.index, opts)
    alerts_env.add_many([{"title": f"Myanmar follow-up {n}", "countries": ("MM",)}
                         for n in range(4)])
    run_pass(alerts_env.data_dir, alerts_env.index, opts)
    run_pass(alerts_env.data_dir, alerts_env.index, opts)
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert subjects == ["scamscope: 3 new articles in Myanmar (MM)",
                        "scamscope: 3 new articles in Myanmar (MM)",
                        "scamscope: 1 new article in Myanmar (MM)"]
    bodies = "".join(parts(m)[0] for m in smtp_server.messages[1:])
    for n in range(4):
        assert f"Myanmar follow-up {n}" in bodies
