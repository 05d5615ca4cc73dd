"""`scamscope run`: real jobs on short intervals, one daemon per data dir, clean stop on
SIGTERM/SIGINT, and a restart that resumes the stored schedule without losing or repeating
mail."""
from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from alerts.subscriptions import Subscriptions
from indexer.query import Query
from tests.fixtures.daemon import write_config
from tests.fixtures.smtp import free_port


def stored_jobs(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "schedule.db") as conn:
        return sorted(r[0] for r in conn.execute("SELECT id FROM apscheduler_jobs"))


def test_daemon_sends_digests_stops_cleanly_and_resumes_without_duplicates(
        daemon_runner, alerts_env, smtp_server):
    config = write_config(alerts_env.data_dir)
    env = {"SCAMSCOPE_SMTP": smtp_server.url}
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",))
    with Subscriptions(alerts_env.data_dir) as subs:
        subs.subscribe("analyst@example.org", Query(countries=["MM"]), "instant")

    daemon = daemon_runner(config, env)
    daemon.wait_line("alerts instant: sent digest to analyst@example.org: 1 article")
    alerts_env.add(title="Second Myanmar story", countries=("MM",))
    daemon.wait_line("alerts instant: sent digest to analyst@example.org: 1 article")
    daemon.wait_line("crawl local-feed:")  # the crawl job runs too, and fails cleanly
    assert daemon.terminate() == 0
    assert "stopped" in daemon.output()
    assert stored_jobs(alerts_env.data_dir) == ["alerts:daily", "alerts:hourly",
                                                "alerts:instant", "crawl:local-feed"]

    # While the daemon is down, an article arrives; the restarted daemon resumes the
    # stored jobs and delivers it once.
    alerts_env.add(title="Third Myanmar story, while the daemon was down", countries=("MM",))
    again = daemon_runner(config, env, wait=False)
    assert "(4 resumed, 0 new)" in again.wait_line("scamscope run:")
    again.wait_line("alerts instant: sent digest to analyst@example.org: 1 article")
    alerts_env.add(title="Fourth Myanmar story", countries=("MM",))
    again.wait_line("alerts instant: sent digest to analyst@example.org: 1 article")
    again.signal(signal.SIGINT)
    assert again.terminate() == 0

    bodies = [m.get_body(("plain",)).get_content() for m in smtp_server.messages]
    assert len(bodies) == 4
    for n, title in enumerate(["Myanmar scam compound raided", "Second Myanmar story",
                               "Third Myanmar story", "Fourth Myanmar story"]):
        assert title in bodies[n]
        assert sum(title in b for b in bodies) == 1
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 4


def test_second_daemon_on_the_same_data_dir_is_refused(daemon_runner, cli, data_dir):
    config = write_config(data_dir)
    first = daemon_runner(config)
    second = cli("--config", str(config), "run")
    assert second.code == 2
    assert second.err.count("\n") == 1
    assert "another 'scamscope run' (pid" in second.err and "already using" in second.err
    once = cli("--config", str(config), "run", "--once")
    assert once.code == 2
    assert first.terminate() == 0
    # the lock goes with the process: a new daemon starts fine
    third = daemon_runner(config)
    assert third.terminate() == 0


def test_restart_follows_the_configured_sources(daemon_runner, data_dir):
    config = write_config(data_dir, sources=["feed-a", "feed-b"])
    assert daemon_runner(config).terminate() == 0
    assert "crawl:feed-b" in stored_jobs(data_dir)
    config = write_config(data_dir, sources=["feed-a", "feed-c"])
    daemon = daemon_runner(config, wait=False)
    line = daemon.wait_line("scamscope run:")
    assert "2 crawl job(s)" in line and "(4 resumed, 1 new)" in line
    assert daemon.terminate() == 0
    jobs = stored_jobs(data_dir)
    assert "crawl:feed-c" in jobs and "crawl:feed-b" not in jobs


def test_daemon_serves_the_web_ui_and_the_digest_link_unsubscribes(
        daemon_runner, alerts_env, smtp_server, cli):
    import urllib.request

    port = free_port()
    config = write_config(alerts_env.data_dir)
    config.write_text(config.read_text().replace("web_in_daemon = false", "web_in_daemon = true")
                      + f"web_port = {port}\npublic_url = \"http://127.0.0.1:{port}\"\n")
    alerts_env.add(title="Myanmar scam compound raided", countries=("MM",))
    assert cli("subscribe", "analyst@example.org", "--country", "MM",
               "--every", "instant").code == 0
    daemon = daemon_runner(config, {"SCAMSCOPE_SMTP": smtp_server.url})
    daemon.wait_all(f"web UI: http://127.0.0.1:{port}/",
                    "web UI: SCAMSCOPE_WEB_TOKEN is not set",  # the warning `serve` gives
                    "alerts instant: sent digest to analyst@example.org")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
        assert page.status == 200
        # hardened like `serve`: no Server header to fingerprint
        assert page.headers.get("server") is None
    link = smtp_server.messages[0]["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"http://127.0.0.1:{port}/unsubscribe?token=")
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL
    request = urllib.request.Request(link, data=b"List-Unsubscribe=One-Click", method="POST",
                                     headers={"Content-Type":
                                              "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200
    assert cli("subscriptions", "list", "--json").json() == {"subscriptions": []}
    assert daemon.terminate() == 0


def test_sigterm_lets_the_running_crawl_finish(daemon_runner, data_dir, test_site):
    catalogue = data_dir.parent / "catalogue.toml"
    catalogue.write_text('[[sources]]\nname = "slow"\ntype = "feed"\n'
                         f'url = "{test_site.url("/slow?seconds=3")}"\n')
    config = data_dir.parent / "scamscope.toml"
    config.write_text(f'sources_file = "{catalogue}"\nweb_in_daemon = false\n'
                      "download_delay = 0.0\nautothrottle = false\n")
    daemon = daemon_runner(config, args=("-v",))  # -v: "started" lines too
    daemon.wait_line("crawl slow: started")
    daemon.signal(signal.SIGTERM)
    # One signal only: a second one (as terminate() would send) stops running crawls.
    assert daemon.proc.wait(timeout=120) == 0
    daemon.terminate()
    lines = daemon.output().splitlines()
    [finished] = [n for n, line in enumerate(lines) if line.split(" ", 2)[-1].startswith(
        "crawl slow: ") and "started" not in line]
    stopped = next(n for n, line in enumerate(lines) if line.endswith(" stopped"))
    assert finished < stopped
    assert "stopped by signal" not in lines[finished]


def test_a_crawl_past_crawl_max_minutes_is_stopped_and_the_daemon_goes_on(
        daemon_runner, data_dir, test_site):
    catalogue = data_dir.parent / "slow-catalogue.toml"
    catalogue.write_text('[[sources]]\nname = "stalled"\ntype = "feed"\n'
                         f'url = "{test_site.url("/slow?seconds=90")}"\ninterval_minutes = 240\n')
    config = data_dir.parent / "slow.toml"
    config.write_text(f'sources_file = "{catalogue}"\nweb_in_daemon = false\n'
                      "download_timeout = 300.0\nretry_times = 0\n"
                      "crawl_max_minutes = 0.1\n")
    daemon = daemon_runner(config)
    daemon.wait_line("crawl stalled: still running after 0.1 min; stopping it")
    # Stopped by its SIGTERM well before the server would have answered.
    done = daemon.wait_line("crawl stalled:", timeout=60)
    seconds = int(done.rsplit(" in ", 1)[1].rstrip("s"))
    assert seconds < 90, done
    assert daemon.terminate() == 0
