"""The issue's "Must show", end to end through the real CLI: subscribe to Myanmar, crawl a
feed from the test site, `alerts send` against a real SMTP server; again (nothing new);
with the server down a new subscriber's digest stays pending; back up, it is delivered.
And the daemon doing the same on its own: a scheduled crawl, then the digest."""
from __future__ import annotations

FAST = {"SCAMSCOPE_DOWNLOAD_DELAY": "0", "SCAMSCOPE_AUTOTHROTTLE": "false"}


def myanmar_titles(cli) -> set[str]:
    result = cli("search", "--country", "MM", "--json", "--limit", "100")
    assert result.code == 0, result.err
    return {h["title"] for h in result.json()["hits"]}


def test_must_show(cli, test_site, smtp_server):
    smtp = ("--smtp", smtp_server.url)
    subscribed = cli("subscribe", "analyst@example.org", "--country", "MM", "--every", "instant")
    assert subscribed.code == 0, subscribed.err
    crawl = cli("crawl", "--feed", test_site.url("/feed.xml"), env=FAST)
    assert crawl.code == 0, crawl.err
    titles = myanmar_titles(cli)
    assert len(titles) >= 3

    first = cli("alerts", "send", global_args=smtp)
    assert first.code == 0, first.err
    [digest] = smtp_server.messages
    assert digest["To"] == "analyst@example.org"
    assert digest["List-Unsubscribe"].startswith("<http") and "unsubscribe?token=" in \
        digest["List-Unsubscribe"]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = digest.get_body(("plain",)).get_content()
    html = digest.get_body(("html",)).get_content()
    for title in titles:
        assert title in text
    assert "Myanmar (MM)" in html
    assert f"{len(titles)} new articles" in digest["Subject"]

    second = cli("alerts", "send", global_args=smtp)
    assert second.code == 0, second.err
    assert "0 digest(s) sent" in second.out
    assert len(smtp_server.messages) == 1

    smtp_server.stop()
    assert cli("subscribe", "editor@example.org", "--country", "MM",
               "--every", "instant").code == 0
    down = cli("alerts", "send", global_args=smtp)
    assert down.code == 1
    assert down.err.strip() == (f"scamscope alerts: 1 digest still pending: SMTP "
                                f"127.0.0.1:{smtp_server.port} refused the connection; it will "
                                "be retried")
    pending = {s["email"]: s["pending"]
               for s in cli("subscriptions", "list", "--json").json()["subscriptions"]}
    assert pending == {"analyst@example.org": 0, "editor@example.org": 1}

    smtp_server.start()
    up = cli("alerts", "send", global_args=smtp)
    assert up.code == 0, up.err
    assert [m["To"] for m in smtp_server.messages] == ["analyst@example.org",
                                                      "editor@example.org"]
    late = smtp_server.messages[1].get_body(("plain",)).get_content()
    for title in titles:
        assert title in late
    assert cli("alerts", "send", global_args=smtp).code == 0
    assert len(smtp_server.messages) == 2


def test_the_daemon_crawls_on_schedule_and_mails_the_digest(cli, data_dir, test_site,
                                                             smtp_server, daemon_runner):
    catalogue = data_dir.parent / "catalogue.toml"
    catalogue.write_text('[[sources]]\nname = "regional-wire"\ntype = "feed"\n'
                         f'url = "{test_site.url("/feed.xml")}"\ninterval_minutes = 60\n')
    config = data_dir.parent / "scamscope.toml"
    config.write_text(f'sources_file = "{catalogue}"\nweb_in_daemon = false\n'
                      "schedule_minute_seconds = 0.5\nalerts_instant_minutes = 1\n"
                      "download_delay = 0.0\nautothrottle = false\n")
    assert cli("subscribe", "analyst@example.org", "--country", "MM",
               "--every", "instant").code == 0
    daemon = daemon_runner(config, {"SCAMSCOPE_SMTP": smtp_server.url})
    # the digest may go out before the crawl process has printed its summary
    _, line = daemon.wait_all("crawl regional-wire: 14 fetched, 14 indexed",
                              "alerts instant: sent digest to analyst@example.org")
    assert daemon.terminate() == 0
    titles = myanmar_titles(cli)
    assert f"{len(titles)} articles" in line
    [digest] = smtp_server.messages
    text = digest.get_body(("plain",)).get_content()
    assert all(title in text for title in titles)


def test_run_once_crawls_every_source_then_sends(cli, data_dir, test_site, smtp_server):
    catalogue = data_dir.parent / "catalogue.toml"
    catalogue.write_text('[[sources]]\nname = "regional-wire"\ntype = "feed"\n'
                         f'url = "{test_site.url("/feed.xml")}"\n')
    config = data_dir.parent / "scamscope.toml"
    config.write_text(f'sources_file = "{catalogue}"\nweb_in_daemon = false\n'
                      "download_delay = 0.0\nautothrottle = false\n")
    assert cli("subscribe", "analyst@example.org", "--country", "MM",
               "--every", "instant").code == 0
    once = cli("--config", str(config), "run", "--once",
               env={"SCAMSCOPE_SMTP": smtp_server.url})
    assert once.code == 0, once.err + once.out
    assert "crawl regional-wire: 14 fetched, 14 indexed" in once.out
    assert "alerts all: sent digest to analyst@example.org" in once.out
    assert len(smtp_server.messages) == 1
