"""Due frequencies: instant every pass, hourly at most once an hour, daily once after each
alerts_daily_at (local time); and `alerts send --dry-run` changes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alerts.mailer import parse_smtp_url
from alerts.runner import AlertOptions, run_pass
from alerts.subscriptions import Subscription, Subscriptions, is_due
from indexer.query import Query

LOCAL = datetime.now().astimezone().tzinfo


def sub(frequency: str, created: datetime, last: datetime | None = None) -> Subscription:
    return Subscription(id=1, channel="email", target="a@example.org", query=Query(),
                        frequency=frequency,
                        watermark=None, created=created, active=True, last_digest_at=last)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LOCAL)


def test_instant_is_always_due():
    assert is_due(sub("instant", at(1, 9), at(1, 9)), at(1, 9, 1))


def test_hourly_is_due_once_an_hour():
    s = sub("hourly", at(1, 9))
    assert is_due(s, at(1, 9, 1))  # never sent: the first digest goes at once
    s.last_digest_at = at(1, 9, 1)
    assert not is_due(s, at(1, 9, 59))
    assert is_due(s, at(1, 10, 0))  # the last run came a minute late; this one is on time
    assert is_due(s, at(1, 10, 1))
    assert is_due(s, at(1, 9, 31), hour=timedelta(minutes=30))  # tests shorten the hour


def test_daily_is_due_once_after_each_daily_time():
    s = sub("daily", created=at(1, 10))  # subscribed after today's 07:00
    assert not is_due(s, at(1, 23), daily_at=(7, 0))
    assert is_due(s, at(2, 7, 0), daily_at=(7, 0))
    s.last_digest_at = at(2, 7, 1)
    assert not is_due(s, at(2, 23, 59), daily_at=(7, 0))
    assert not is_due(s, at(3, 6, 59), daily_at=(7, 0))
    assert is_due(s, at(3, 7, 0), daily_at=(7, 0))
    # a daemon that was down at 07:00 sends the missed digest when it is back
    assert is_due(s, at(4, 15), daily_at=(7, 0))


def test_daily_subscription_waits_for_its_time_in_a_pass(alerts_env, smtp_server):
    alerts_env.add(title="Myanmar scam story", countries=("MM",))
    now = datetime.now(timezone.utc)
    daily_at = ((now.astimezone().hour + 12) % 24, 0)  # twelve hours from now
    with Subscriptions(alerts_env.data_dir) as subs:
        subs.subscribe("daily@example.org", Query(countries=["MM"]), "daily", now=now)
        subs.subscribe("now@example.org", Query(countries=["MM"]), "instant", now=now)
    options = AlertOptions(smtp=parse_smtp_url(smtp_server.url), secret=b"k",
                           daily_at=daily_at)
    report = run_pass(alerts_env.data_dir, alerts_env.index, options, now=now)
    assert [s.target for s in report.delivery.sent] == ["now@example.org"]
    assert report.matched.queued == 2  # both matched; the daily one waits in the outbox
    later = run_pass(alerts_env.data_dir, alerts_env.index, options,
                     now=now + timedelta(hours=13))
    assert [s.target for s in later.delivery.sent] == ["daily@example.org"]


def test_dry_run_changes_and_sends_nothing(cli, alerts_env, smtp_server):
    alerts_env.add(title="Myanmar scam story", countries=("MM",))
    assert cli("subscribe", "a@example.org", "--country", "MM", "--every", "instant").code == 0
    dry = cli("alerts", "send", "--dry-run", global_args=("--smtp", smtp_server.url))
    assert dry.code == 0, dry.err
    assert "subscription 1: 1 new matching article(s) (digest due now)" in dry.out
    assert "nothing was changed or sent" in dry.out
    assert smtp_server.messages == []
    assert cli("subscriptions", "list", "--json").json()["subscriptions"][0]["watermark"] is None
    real = cli("alerts", "send", global_args=("--smtp", smtp_server.url))
    assert real.code == 0 and len(smtp_server.messages) == 1
