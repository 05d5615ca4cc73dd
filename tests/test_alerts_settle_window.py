"""On a cluster, a pass leaves just-indexed articles for the next one, so a watermark
never moves past an article a parallel writer has not made searchable yet."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alerts.matcher import match_subscriptions
from alerts.subscriptions import Subscriptions
from indexer.query import Query
from scamscope.alerting import alert_options
from scamscope.config import load_settings


def test_recent_articles_wait_for_the_next_pass_then_arrive_once(alerts_env):
    with Subscriptions(alerts_env.data_dir) as subs:
        subs.subscribe("analyst@example.org", Query(countries=["MM"]), "instant")
        first = alerts_env.add(title="Myanmar scam story", countries=("MM",))
        report = match_subscriptions(subs, alerts_env.index, settle=timedelta(0))
        assert report.queued == 1  # the subscription's first digest: what exists already

        later = alerts_env.add(title="Myanmar follow-up", countries=("MM",))
        now = datetime.now(timezone.utc)
        settle = timedelta(seconds=30)
        report = match_subscriptions(subs, alerts_env.index, settle=settle, now=now)
        assert report.queued == 0  # indexed within the settle window: not yet

        report = match_subscriptions(subs, alerts_env.index, settle=settle,
                                     now=now + timedelta(seconds=31))
        assert report.queued == 1
        report = match_subscriptions(subs, alerts_env.index, settle=settle,
                                     now=now + timedelta(seconds=62))
        assert report.queued == 0
        queued = [row[0] for row in subs.conn.execute("SELECT article_id FROM outbox")]
        assert sorted(queued) == sorted([first.id, later.id])


def test_the_settle_window_applies_to_clusters_only(tmp_path):
    on_sqlite = load_settings(None, env={}, overrides={"data_dir": str(tmp_path)})
    on_cluster = load_settings(None, env={}, overrides={"data_dir": str(tmp_path),
                                                        "index": "http://127.0.0.1:9200"})
    assert alert_options(on_sqlite).settle == timedelta(0)
    assert alert_options(on_cluster).settle == timedelta(seconds=10)
