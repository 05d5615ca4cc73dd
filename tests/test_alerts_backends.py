"""Matching works the same on every index backend: new articles since the watermark,
each queued and mailed once, and nothing skipped when more arrive than a digest holds."""
from __future__ import annotations

from alerts.mailer import parse_smtp_url
from alerts.runner import AlertOptions, run_pass
from alerts.subscriptions import Subscriptions
from indexer.query import Query
from tests.fixtures.alerts import make_article


def test_new_articles_are_mailed_once_on_every_backend(any_index, tmp_path, smtp_server):
    options = AlertOptions(smtp=parse_smtp_url(smtp_server.url), secret=b"k", max_articles=2)
    any_index.upsert([make_article(1, title="Old Myanmar story", countries=("MM",))])
    with Subscriptions(tmp_path) as subs:
        subs.subscribe("analyst@example.org", Query(text="scam", countries=["MM"]), "instant")

    def titles_after_pass() -> list[str]:
        before = len(smtp_server.messages)
        report = run_pass(tmp_path, any_index, options)
        assert report.pending == 0
        found = []
        for message in smtp_server.messages[before:]:
            text = message.get_body(("plain",)).get_content()
            found += [line.split(". ", 1)[1] for line in text.splitlines()
                      if line[:1].isdigit() and ". " in line]
        return found

    assert titles_after_pass() == ["Old Myanmar story"]  # the first digest: what exists
    any_index.upsert([make_article(n, title=f"New Myanmar story {n}", countries=("MM",))
                      for n in range(2, 7)]
                     + [make_article(9, title="Cambodia story", countries=("KH",))])
    seen = []
    for _ in range(4):
        seen += titles_after_pass()
    assert sorted(seen) == [f"New Myanmar story {n}" for n in range(2, 7)]
    assert titles_after_pass() == []
