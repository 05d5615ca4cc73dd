"""Delivery over real SMTP: exactly once, retried with backoff while the server is down,
permanent rejections parked and reported."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alerts.mailer import parse_smtp_url
from alerts.outbox import RetryPolicy
from alerts.runner import AlertOptions, run_pass
from alerts.subscriptions import Subscriptions
from indexer.query import Query


def options(server, **extra) -> AlertOptions:
    return AlertOptions(smtp=parse_smtp_url(server.url), secret=b"k", **extra)


def subscribe(data_dir, email, frequency="instant", **query):
    with Subscriptions(data_dir) as subs:
        return subs.subscribe(email, Query(**query), frequency)[0].id


def digests(data_dir):
    with Subscriptions(data_dir) as subs:
        return [dict(r) for r in subs.conn.execute("SELECT * FROM digests ORDER BY created")]


def test_second_pass_sends_nothing_new(alerts_env, smtp_server):
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",))
    subscribe(alerts_env.data_dir, "analyst@example.org", countries=["MM"])
    first = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server))
    second = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server))
    assert len(first.delivery.sent) == 1
    assert second.matched.queued == 0 and not second.delivery.sent
    # re-indexing the same article (a re-crawl) does not make it new again
    alerts_env.index.upsert([alerts_env.index.get(first_id(alerts_env))])
    third = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server))
    assert third.matched.queued == 0 and not third.delivery.sent
    assert len(smtp_server.messages) == 1


def first_id(env):
    return env.index.search(Query(limit=1)).hits[0].id


def test_smtp_down_then_up_delivers_exactly_once(alerts_env, smtp_server):
    alerts_env.add(title="Cambodia scam centre crackdown", countries=("KH",))
    subscribe(alerts_env.data_dir, "analyst@example.org", countries=["KH"])
    smtp_server.stop()
    now = datetime.now(timezone.utc)
    down = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server), now=now)
    assert down.pending == 1
    assert down.reason() == f"SMTP 127.0.0.1:{smtp_server.port} refused the connection"
    [digest] = digests(alerts_env.data_dir)
    assert digest["status"] == "pending" and digest["attempts"] == 1
    assert digest["next_attempt"] > digest["created"]  # backoff, not a busy loop

    smtp_server.start()
    # before next_attempt the daemon leaves it alone...
    early = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server),
                     now=now + timedelta(seconds=1))
    assert early.pending == 1 and not smtp_server.messages
    # ...and after it, sends it
    later = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server),
                     now=now + timedelta(minutes=2))
    assert later.pending == 0 and len(later.delivery.sent) == 1
    again = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server),
                     now=now + timedelta(minutes=3))
    assert not again.delivery.sent
    assert len(smtp_server.messages) == 1
    assert "Cambodia scam centre crackdown" in smtp_server.messages[0].get_body(
        ("plain",)).get_content()


def test_backoff_grows_and_gives_up_after_the_limit(alerts_env, smtp_server):
    alerts_env.add(title="Laos special economic zone raid", countries=("LA",))
    subscribe(alerts_env.data_dir, "analyst@example.org", countries=["LA"])
    smtp_server.stop()
    retry = RetryPolicy(base_seconds=60, max_delay_seconds=3600, give_up_after=timedelta(hours=2))
    start = datetime.now(timezone.utc)
    delays = []
    now = start
    for _ in range(4):
        report = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server, retry=retry),
                          now=now)
        [digest] = digests(alerts_env.data_dir)
        next_attempt = datetime.fromisoformat(digest["next_attempt"].replace("Z", "+00:00"))
        delays.append((next_attempt - now).total_seconds())
        now = next_attempt
    assert delays == [60, 120, 240, 480]
    report = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server, retry=retry),
                      now=start + timedelta(hours=3))
    assert report.pending == 0 and len(report.delivery.parked) == 1
    assert report.delivery.parked[0].reason.startswith("gave up after 2 h: SMTP")
    assert digests(alerts_env.data_dir)[0]["status"] == "parked"


def test_permanent_rejection_is_parked_and_reported(alerts_env, smtp_server):
    alerts_env.add(title="Philippines POGO hub closed", countries=("PH",))
    bad = subscribe(alerts_env.data_dir, "gone@example.org", countries=["PH"])
    subscribe(alerts_env.data_dir, "analyst@example.org", countries=["PH"])
    smtp_server.reject("gone@example.org")

    report = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server))
    assert [s.target for s in report.delivery.sent] == ["analyst@example.org"]
    [parked] = report.delivery.parked
    assert parked.target == "gone@example.org" and parked.subscription_id == bad
    assert "550" in parked.reason and "permanently" in parked.reason
    assert report.pending == 0  # parked is not pending: it is never retried

    with Subscriptions(alerts_env.data_dir) as subs:
        sub = subs.get(bad)
    assert not sub.active and "550" in sub.suspended

    alerts_env.add(title="Philippines raid, part two", countries=("PH",))
    again = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server))
    assert not again.delivery.parked and [s.target for s in again.delivery.sent] == [
        "analyst@example.org"]
    assert [m["To"] for m in smtp_server.messages] == ["analyst@example.org"] * 2


def test_cli_reports_pending_and_parked(cli, alerts_env, smtp_server):
    alerts_env.add(title="Myanmar border compound", countries=("MM",))
    assert cli("subscribe", "analyst@example.org", "--country", "MM", "--every", "instant").code == 0
    assert cli("subscribe", "gone@example.org", "--country", "MM", "--every", "instant").code == 0
    smtp_server.reject("gone@example.org")
    smtp_server.stop()
    down = cli("alerts", "send", global_args=("--smtp", smtp_server.url))
    assert down.code == 1
    assert down.err.strip() == (
        f"scamscope alerts: 2 digests still pending: SMTP 127.0.0.1:{smtp_server.port} refused "
        "the connection; they will be retried")
    listing = cli("subscriptions", "list", "--json").json()
    assert [s["pending"] for s in listing["subscriptions"]] == [1, 1]

    smtp_server.start()
    up = cli("alerts", "send", global_args=("--smtp", smtp_server.url))
    assert up.code == 1, up.err
    assert "sent digest to analyst@example.org: 1 article" in up.out
    assert up.err.count("\n") == 1 and "parked" in up.err and "550" in up.err
    final = cli("alerts", "send", global_args=("--smtp", smtp_server.url))
    assert final.code == 0, final.err
    assert [m["To"] for m in smtp_server.messages] == ["analyst@example.org"]
    listing = cli("subscriptions", "list").out
    assert "suspended" in listing and "550" in listing


def test_old_sent_digests_are_pruned_without_resending(alerts_env, smtp_server):
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",))
    subscribe(alerts_env.data_dir, "analyst@example.org", countries=["MM"])
    now = datetime.now(timezone.utc)
    run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server), now=now)
    later = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server),
                     now=now + timedelta(days=31))
    assert not later.delivery.sent
    assert digests(alerts_env.data_dir) == []
    with Subscriptions(alerts_env.data_dir) as subs:
        assert subs.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
    again = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server),
                     now=now + timedelta(days=32))
    assert not again.delivery.sent and again.matched.queued == 0
    assert len(smtp_server.messages) == 1


def test_removing_a_subscription_drops_its_pending_digest(alerts_env, smtp_server):
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",))
    gone = subscribe(alerts_env.data_dir, "gone@example.org", countries=["MM"])
    subscribe(alerts_env.data_dir, "stays@example.org", countries=["MM"])
    smtp_server.stop()
    assert run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server)).pending == 2
    with Subscriptions(alerts_env.data_dir) as subs:
        subs.remove(gone)
    smtp_server.start()
    report = run_pass(alerts_env.data_dir, alerts_env.index, options(smtp_server),
                      retry_now=True)
    assert report.pending == 0
    assert [m["To"] for m in smtp_server.messages] == ["stays@example.org"]
