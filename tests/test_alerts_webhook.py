"""Webhook alerts against a real local HTTP receiver: each digest POSTed once, signed
(HMAC-SHA256, verified by the receiver); nothing lost while the receiver is down or
answering 500, delivered once it is back; a second pass sends nothing; more matches than
one digest holds all arrive, each once."""
from __future__ import annotations

import collections
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

from alerts.outbox import RetryPolicy
from alerts.runner import AlertOptions, run_pass
from alerts.store import DigestRow
from alerts.subscriptions import Subscriptions
from alerts.webhook import DELIVERY_HEADER, WebhookSettings, sign
from indexer.query import Query
from tests.fixtures.webhook import SECRET


def options(**extra) -> AlertOptions:
    return AlertOptions(secret=b"k", webhook=WebhookSettings(secret=SECRET, timeout=5), **extra)


def hook(data_dir, url, frequency="instant", **query) -> int:
    with Subscriptions(data_dir) as subs:
        return subs.subscribe(url, Query(**query), frequency, channel="webhook")[0].id


def digests(data_dir):
    with Subscriptions(data_dir) as subs:
        rows = subs.conn.execute("SELECT * FROM digests ORDER BY created")
        return [DigestRow.from_row(r) for r in rows]


def test_a_digest_is_posted_once_signed_and_readable(alerts_env, webhook_receiver):
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",), usd=2_000_000)
    sub_id = hook(alerts_env.data_dir, webhook_receiver.url, countries=["MM"])
    first = run_pass(alerts_env.data_dir, alerts_env.index, options())
    second = run_pass(alerts_env.data_dir, alerts_env.index, options())
    assert [s.target for s in first.delivery.sent] == [webhook_receiver.url]
    assert second.matched.queued == 0 and not second.delivery.sent

    [delivery] = webhook_receiver.deliveries
    assert delivery.signed
    # what the README documents: sha256=HMAC(secret, timestamp "." body), recomputed here
    timestamp = delivery.headers["X-Scamscope-Timestamp"]
    assert delivery.headers["X-Scamscope-Signature"] == sign(SECRET, timestamp, delivery.body)
    assert delivery.headers["Content-Type"].startswith("application/json")
    payload = delivery.json
    assert delivery.headers[DELIVERY_HEADER] == payload["digest"] == digests(
        alerts_env.data_dir)[0].id
    assert payload["count"] == 1 and payload["subscription"]["id"] == sub_id
    assert payload["text"] == "scamscope: 1 new article in Myanmar (MM)"
    [article] = payload["articles"]
    assert article["title"] == "Myanmar scam compound raided"
    assert article["url"].startswith("https://news.example.org/articles/")
    assert {"label": "Countries", "matched": True, "values": ["Myanmar (MM)"]} in article["why"]
    assert payload["unsubscribe_url"].startswith("http://127.0.0.1:8000/unsubscribe?token=")

    # a tampered body no longer verifies
    assert sign(SECRET, timestamp, delivery.body + b" ") != delivery.headers[
        "X-Scamscope-Signature"]
    assert sign(b"another key", timestamp, delivery.body) != delivery.headers[
        "X-Scamscope-Signature"]

    alerts_env.add(title="Myanmar follow-up", countries=("MM",))
    third = run_pass(alerts_env.data_dir, alerts_env.index, options())
    assert len(third.delivery.sent) == 1
    assert [a["title"] for a in webhook_receiver.deliveries[1].json["articles"]] == [
        "Myanmar follow-up"]


def test_receiver_down_then_failing_then_back_delivers_exactly_once(alerts_env,
                                                                     webhook_receiver):
    alerts_env.add(title="Cambodia scam centre crackdown", countries=("KH",))
    hook(alerts_env.data_dir, webhook_receiver.url, countries=["KH"])
    webhook_receiver.stop()
    now = datetime.now(timezone.utc)
    down = run_pass(alerts_env.data_dir, alerts_env.index, options(), now=now)
    assert down.pending == 1 and not down.delivery.sent
    assert down.reason() == f"webhook 127.0.0.1:{webhook_receiver.port} refused the connection"
    [digest] = digests(alerts_env.data_dir)
    assert digest.status == "pending" and digest.attempts == 1
    assert digest.next_attempt > digest.created  # backoff, not a busy loop

    webhook_receiver.start()
    webhook_receiver.answer(500)
    early = run_pass(alerts_env.data_dir, alerts_env.index, options(),
                     now=now + timedelta(seconds=1))
    assert early.pending == 1 and not webhook_receiver.refused  # not due yet: left alone
    failing = run_pass(alerts_env.data_dir, alerts_env.index, options(),
                       now=now + timedelta(minutes=2))
    assert failing.pending == 1 and not failing.delivery.sent
    assert failing.reason().startswith(f"webhook 127.0.0.1:{webhook_receiver.port} answered "
                                       "500")
    assert len(webhook_receiver.refused) == 1 and not webhook_receiver.deliveries

    webhook_receiver.answer(200)
    back = run_pass(alerts_env.data_dir, alerts_env.index, options(),
                    now=now + timedelta(minutes=10))
    assert back.pending == 0 and len(back.delivery.sent) == 1
    again = run_pass(alerts_env.data_dir, alerts_env.index, options(),
                     now=now + timedelta(minutes=20))
    assert not again.delivery.sent and again.matched.queued == 0
    [delivery] = webhook_receiver.deliveries
    assert delivery.signed
    # the retry carried the same delivery id as the refused attempt: receivers can dedupe
    assert delivery.headers[DELIVERY_HEADER] == webhook_receiver.refused[0].headers[
        DELIVERY_HEADER]
    assert [a["title"] for a in delivery.json["articles"]] == ["Cambodia scam centre crackdown"]


def test_more_matches_than_a_digest_holds_arrive_each_once(alerts_env, webhook_receiver):
    """23 matching articles, 5 per digest, two webhook subscriptions on one receiver and
    one on a receiver that is down for the first passes: every article reaches every
    subscription exactly once, in digests of at most 5."""
    articles = alerts_env.add_many([{"title": f"Myanmar story {n}", "countries": ("MM",)}
                                    for n in range(23)])
    everything = hook(alerts_env.data_dir, webhook_receiver.url, countries=["MM"])
    scam = hook(alerts_env.data_dir, webhook_receiver.url + "?team=2", "instant", text="scam",
                countries=["MM"])
    opts = options(max_articles=5)
    now = datetime.now(timezone.utc)
    webhook_receiver.answer(503)
    run_pass(alerts_env.data_dir, alerts_env.index, opts, now=now)
    webhook_receiver.answer(200)
    # the first digest of a new subscription carries the newest max_articles articles;
    # everything indexed later follows. Add more after the first pass to cross the limit.
    later = alerts_env.add_many([{"title": f"Myanmar scam story {n}", "countries": ("MM",)}
                                 for n in range(17)])
    for step in range(1, 12):
        run_pass(alerts_env.data_dir, alerts_env.index, opts,
                 now=now + timedelta(hours=step), retry_now=True)
    final = run_pass(alerts_env.data_dir, alerts_env.index, opts,
                     now=now + timedelta(hours=13), retry_now=True)
    assert final.pending == 0 and not final.delivery.sent and final.matched.queued == 0

    received: dict[int, list[str]] = collections.defaultdict(list)
    ids = collections.Counter()
    for delivery in webhook_receiver.deliveries:
        assert delivery.signed
        payload = delivery.json
        assert 1 <= payload["count"] <= 5 == opts.max_articles
        ids[payload["digest"]] += 1
        received[payload["subscription"]["id"]] += [a["id"] for a in payload["articles"]]
    assert set(ids.values()) == {1}  # no digest twice
    before, after = {a.id for a in articles}, {a.id for a in later}
    for sub_id in (everything, scam):
        assert len(received[sub_id]) == len(set(received[sub_id]))  # no article twice
        # five of the articles there at subscription time, then every later one
        assert set(received[sub_id]) - after <= before
        assert len(set(received[sub_id]) - after) == 5 and after <= set(received[sub_id])
    assert len(webhook_receiver.deliveries) == 2 * 5  # 22 articles each, 5 per digest
    assert webhook_receiver.refused  # the first attempts really failed


def test_rejected_digests_are_parked_and_gone_receivers_suspended(alerts_env,
                                                                   webhook_receiver):
    alerts_env.add(title="Philippines POGO hub closed", countries=("PH",))
    hook(alerts_env.data_dir, webhook_receiver.url, countries=["PH"])
    webhook_receiver.answer(404)
    report = run_pass(alerts_env.data_dir, alerts_env.index, options())
    [parked] = report.delivery.parked
    assert "404" in parked.reason and "permanently" in parked.reason
    assert report.pending == 0

    gone = hook(alerts_env.data_dir, webhook_receiver.url + "?old=1", countries=["PH"])
    webhook_receiver.answer(410)
    report = run_pass(alerts_env.data_dir, alerts_env.index, options())
    [parked] = report.delivery.parked
    assert parked.subscription_id == gone and "410" in parked.reason
    with Subscriptions(alerts_env.data_dir) as subs:
        assert not subs.get(gone).active and "410" in subs.get(gone).suspended


def test_a_receiver_that_never_recovers_is_parked_after_the_limit(alerts_env,
                                                                   webhook_receiver):
    alerts_env.add(title="Laos special economic zone raid", countries=("LA",))
    hook(alerts_env.data_dir, webhook_receiver.url, countries=["LA"])
    webhook_receiver.stop()
    retry = RetryPolicy(base_seconds=60, max_delay_seconds=3600, give_up_after=timedelta(hours=2))
    start = datetime.now(timezone.utc)
    run_pass(alerts_env.data_dir, alerts_env.index, options(retry=retry), now=start)
    report = run_pass(alerts_env.data_dir, alerts_env.index, options(retry=retry),
                      now=start + timedelta(hours=3))
    assert report.pending == 0 and len(report.delivery.parked) == 1
    assert report.delivery.parked[0].reason.startswith("gave up after 2 h: webhook")


class RawReceiver:
    """A TCP server on 127.0.0.1 that answers every connection with `answer` (bytes),
    `pause` seconds between bytes: a receiver that trickles, or speaks odd HTTP."""

    def __init__(self, answer: bytes, pause: float = 0.0):
        self.answer, self.pause = answer, pause
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                self.requests.append(conn.recv(65536))
                try:
                    for i in range(len(self.answer)):
                        if self.stopped.is_set():
                            break
                        conn.sendall(self.answer[i:i + 1] if self.pause else self.answer[i:])
                        if not self.pause:
                            break
                        time.sleep(self.pause)
                except OSError:
                    pass  # the sender gave up on us

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()


def test_a_receiver_trickling_its_answer_is_cut_off_and_retried(alerts_env):
    receiver = RawReceiver(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n",
                           pause=0.2)
    try:
        alerts_env.add(title="Myanmar scam story", countries=("MM",))
        hook(alerts_env.data_dir, f"http://127.0.0.1:{receiver.port}/hook", countries=["MM"])
        opts = AlertOptions(secret=b"k", webhook=WebhookSettings(secret=SECRET, timeout=0.5))
        report = run_pass(alerts_env.data_dir, alerts_env.index, opts)
    finally:
        receiver.close()
    assert report.pending == 1 and not report.delivery.sent
    assert report.reason() == (f"webhook 127.0.0.1:{receiver.port} did not finish answering "
                               "within 1.5s")


def test_an_interim_100_continue_then_204_is_delivered(alerts_env):
    receiver = RawReceiver(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
    try:
        alerts_env.add(title="Myanmar scam story", countries=("MM",))
        hook(alerts_env.data_dir, f"http://127.0.0.1:{receiver.port}/hook?k=1",
             countries=["MM"])
        report = run_pass(alerts_env.data_dir, alerts_env.index, options())
    finally:
        receiver.close()
    assert len(report.delivery.sent) == 1 and report.pending == 0
    [request] = receiver.requests
    assert request.startswith(b"POST /hook?k=1 HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{receiver.port}\r\n".encode() in request
