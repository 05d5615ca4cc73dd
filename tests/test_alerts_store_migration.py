"""An alerts database written by the e-mail-only version (schema 1) opens, is migrated in
place, keeps its subscriptions as e-mail ones and still delivers its pending digest."""
from __future__ import annotations

import json
import sqlite3

from alerts.mailer import parse_smtp_url
from alerts.runner import AlertOptions, run_pass
from alerts.store import SCHEMA_VERSION, DigestRow
from alerts.subscriptions import Subscriptions
from indexer.query import Query

# The schema of version 1, as it shipped.
VERSION_1 = """
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL, query TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('instant', 'hourly', 'daily')),
    watermark TEXT, created TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
    last_digest_at TEXT, suspended TEXT);
CREATE TABLE outbox (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL, queued_at TEXT NOT NULL, hit TEXT NOT NULL,
    digest_id TEXT REFERENCES digests(id) ON DELETE CASCADE,
    PRIMARY KEY (subscription_id, article_id));
CREATE INDEX outbox_unassigned ON outbox (subscription_id, digest_id);
CREATE TABLE digests (
    id TEXT PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    email TEXT NOT NULL, frequency TEXT NOT NULL, created TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'parked')),
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt TEXT NOT NULL, last_error TEXT,
    sent_at TEXT, message_id TEXT NOT NULL);
CREATE INDEX digests_status ON digests (status, next_attempt);
PRAGMA user_version=1;
"""
WHEN = "2026-11-01T08:00:00.000000Z"


def write_version_1(data_dir) -> None:
    query = json.dumps(Query(countries=["MM"]).to_json(), sort_keys=True)
    hit = json.dumps({"id": "a1", "url": "https://news.example.org/a1", "lang": "en",
                      "title": "Old pending Myanmar story", "source": "testnews",
                      "published": "2026-11-01", "snippet": "scam", "entities": {}})
    with sqlite3.connect(data_dir / "alerts.db") as conn:
        conn.executescript(VERSION_1)
        conn.execute("INSERT INTO subscriptions (email, query, frequency, watermark, created) "
                     "VALUES ('old@example.org', ?, 'instant', ?, ?)", (query, WHEN, WHEN))
        conn.execute("INSERT INTO digests (id, subscription_id, email, frequency, created, "
                     "status, attempts, next_attempt, message_id) VALUES ('d1', 1, "
                     "'old@example.org', 'instant', ?, 'pending', 2, ?, "
                     "'<digest-d1@localhost>')", (WHEN, WHEN))
        conn.execute("INSERT INTO outbox VALUES (1, 'a1', ?, ?, 'd1')", (WHEN, hit))


def test_a_version_1_database_is_migrated_and_its_digest_still_sent(alerts_env, smtp_server):
    write_version_1(alerts_env.data_dir)
    with Subscriptions(alerts_env.data_dir) as subs:
        [sub] = subs.list()
        assert (sub.channel, sub.target, sub.email) == ("email", "old@example.org",
                                                        "old@example.org")
        assert sub.watermark == WHEN and sub.query.countries == ["MM"]
        [digest] = [DigestRow.from_row(r) for r in subs.conn.execute("SELECT * FROM digests")]
        assert (digest.channel, digest.target, digest.attempts) == ("email", "old@example.org", 2)
        # new subscriptions go into the migrated tables next to the old ones
        hook, created = subs.subscribe("https://hooks.example.org/x", Query(text="scam"),
                                       channel="webhook")
        assert created and hook.id == 2
    with Subscriptions(alerts_env.data_dir) as subs:  # opening again changes nothing
        assert [s.channel for s in subs.list()] == ["email", "webhook"]
        assert subs.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION

    report = run_pass(alerts_env.data_dir, alerts_env.index,
                      AlertOptions(smtp=parse_smtp_url(smtp_server.url), secret=b"k"),
                      retry_now=True, frequencies=["instant"])
    assert [s.target for s in report.delivery.sent] == ["old@example.org"]
    [message] = smtp_server.messages
    assert message["Message-ID"] == "<digest-d1@localhost>"
    assert "Old pending Myanmar story" in message.get_body(("plain",)).get_content()
