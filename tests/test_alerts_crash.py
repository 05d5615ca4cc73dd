"""kill -9 in the middle of sending, then run again: nothing is lost, and at most the
digest that was in flight arrives twice, under the same Message-ID (README: duplicate
window)."""
from __future__ import annotations

import collections
import subprocess
import sys

from alerts.subscriptions import Subscriptions
from indexer.query import Query
from tests.fixtures.cli import clean_env
from tests.fixtures.daemon import write_config

RECIPIENTS = ["a@example.org", "b@example.org", "c@example.org"]


def start_send(data_dir, smtp_url) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scamscope", "--data-dir", str(data_dir), "--smtp", smtp_url,
         "alerts", "send"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(), cwd=str(data_dir))


def setup(alerts_env):
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",))
    with Subscriptions(alerts_env.data_dir) as subs:
        for email in RECIPIENTS:
            subs.subscribe(email, Query(countries=["MM"]), "instant")


def test_kill_9_while_the_server_holds_the_message(alerts_env, smtp_server, cli):
    """The server has stored the first digest but we never heard its 250: the worst case."""
    setup(alerts_env)
    reached = smtp_server.stall_data()
    proc = start_send(alerts_env.data_dir, smtp_server.url)
    assert reached.wait(120), "the sender never reached DATA"
    proc.kill()  # SIGKILL: no cleanup, no commit
    proc.wait()
    smtp_server.release()
    in_flight = smtp_server.messages[0]["Message-ID"]

    after = cli("alerts", "send", global_args=("--smtp", smtp_server.url))
    assert after.code == 0, after.err
    assert cli("alerts", "send", global_args=("--smtp", smtp_server.url)).code == 0

    ids = collections.Counter(m["Message-ID"] for m in smtp_server.messages)
    delivered = {m["To"] for m in smtp_server.messages}
    assert delivered == set(RECIPIENTS)  # nothing lost
    assert ids[in_flight] == 2  # the one duplicate, recognisable by its Message-ID
    assert all(count == 1 for mid, count in ids.items() if mid != in_flight)
    assert len(ids) == 3


def test_kill_9_between_messages_loses_and_repeats_nothing(alerts_env, smtp_server, cli):
    """Killed while waiting on the second digest's DATA (not stored): the first, already
    committed as sent, is not repeated; the others follow on the next run."""
    setup(alerts_env)
    first = cli("alerts", "send", "--dry-run", global_args=("--smtp", smtp_server.url))
    assert first.code == 0 and "nothing was changed" in first.out
    assert smtp_server.messages == []
    # Let one message through, then hold the next one without storing it.
    reached = smtp_server.stall_data(after=1, record=False)
    proc = start_send(alerts_env.data_dir, smtp_server.url)
    assert reached.wait(120)
    proc.kill()
    proc.wait()
    smtp_server.release()
    assert len(smtp_server.messages) == 1

    assert cli("alerts", "send", global_args=("--smtp", smtp_server.url)).code == 0
    ids = collections.Counter(m["Message-ID"] for m in smtp_server.messages)
    assert sorted(m["To"] for m in smtp_server.messages) == RECIPIENTS
    assert set(ids.values()) == {1}


def test_daemon_killed_mid_send_resumes_on_restart(alerts_env, smtp_server, daemon_runner):
    """The same worst case with the daemon: SIGKILL while the server holds the first
    digest; the restarted daemon (the dead one's lock is gone with it) delivers the rest
    and the in-flight digest once more, under its Message-ID."""
    setup(alerts_env)
    config = write_config(alerts_env.data_dir)
    env = {"SCAMSCOPE_SMTP": smtp_server.url}
    reached = smtp_server.stall_data()
    daemon = daemon_runner(config, env)
    assert reached.wait(120), "the daemon never reached DATA"
    daemon.kill()
    smtp_server.release()
    in_flight = smtp_server.messages[0]["Message-ID"]

    again = daemon_runner(config, env)
    smtp_server.wait_for(4)
    assert again.terminate() == 0
    ids = collections.Counter(m["Message-ID"] for m in smtp_server.messages)
    assert {m["To"] for m in smtp_server.messages} == set(RECIPIENTS)
    assert ids[in_flight] == 2 and len(ids) == 3
    assert all(count == 1 for mid, count in ids.items() if mid != in_flight)
