"""`scamscope run` offline is quiet: one line per crawl naming its source, its counts and
its reason, then one line per cycle that says when the network is unreachable; every line
has the same timestamp format; the crawls' own log lines only with -v.

Sources on `.invalid` hosts (RFC 6761: never resolves), so the crawls fail with "dns" on
any machine, with or without a network."""
from __future__ import annotations

import re
from pathlib import Path

from tests.fixtures.daemon import write_config

STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")


def offline_config(data_dir: Path, names: list[str], extra: str = "") -> Path:
    config = write_config(data_dir)  # short schedule, web off
    catalogue = data_dir.parent / "offline-catalogue.toml"
    catalogue.write_text("".join(
        f'[[sources]]\nname = "{name}"\ntype = "feed"\n'
        f'url = "http://{name}.example.invalid/feed.xml"\ninterval_minutes = 240\n\n'
        for name in names) + extra)
    config.write_text(config.read_text().replace(
        config.read_text().splitlines()[0], f'sources_file = "{catalogue}"')
        + "retry_times = 0\n")
    return config


def test_offline_daemon_prints_one_line_per_crawl_and_a_cycle_summary(daemon_runner, data_dir):
    names = [f"dead-{n}" for n in range(1, 7)]  # one more than crawl_report.EARLY
    daemon = daemon_runner(offline_config(data_dir, names))
    early = daemon.wait_line("cycle so far:")
    cycle = daemon.wait_line("cycle:")
    assert daemon.terminate() == 0
    lines = daemon.output().splitlines()

    assert all(STAMP.match(line) for line in lines), lines
    said = [STAMP.sub("", line) for line in lines]
    for name in names:
        [line] = [s for s in said if s.startswith(f"crawl {name}:")]
        assert re.fullmatch(rf"crawl {name}: unreachable \(dns 1\) in \d+s", line), line
    hint = (" — no network? `make demo` (scamscope demo) works offline on the bundled "
            "sample site")
    # Said once five crawls in, not only when all of a (maybe long) cycle is done.
    assert STAMP.sub("", early) == "cycle so far: 0/5 sources reachable (of 6); 5 dns" + hint
    assert STAMP.sub("", cycle) == "cycle: 0/6 sources reachable; 6 dns" + hint
    assert said.index(STAMP.sub("", early)) < said.index(STAMP.sub("", cycle))
    # Nothing else: no per-request warnings, no crawl summaries, no tracebacks.
    others = [s for s in said if not s.startswith(("crawl ", "cycle: ", "cycle so far: "))]
    assert [s.split(":")[0] for s in others] == ["scamscope run", "stopping", "stopped"], others


def test_the_cycle_counts_a_reachable_source_and_names_its_counts(daemon_runner, data_dir,
                                                                  test_site):
    live = (f'[[sources]]\nname = "live"\ntype = "feed"\nurl = "{test_site.url("/feed.xml")}"\n'
            "interval_minutes = 240\n")
    config = offline_config(data_dir, ["dead-one"], live)
    config.write_text(config.read_text() + "download_delay = 0.0\nautothrottle = false\n")
    daemon = daemon_runner(config)
    cycle = daemon.wait_line("cycle:", timeout=300)
    assert daemon.terminate() == 0
    assert cycle.endswith("cycle: 1/2 sources reachable; 1 dns")  # no "no network?"
    [live_line] = [line for line in daemon.lines if " crawl live: " in line]
    counts = re.search(r"crawl live: (\d+) fetched, (\d+) indexed", live_line)
    assert counts and int(counts.group(1)) > 0 and int(counts.group(2)) > 0, live_line


def test_verbose_daemon_shows_the_crawls_log_lines_in_the_same_format(daemon_runner, data_dir):
    daemon = daemon_runner(offline_config(data_dir, ["dead-one"]), args=("-v",))
    daemon.wait_line("cycle:")
    assert daemon.terminate() == 0
    lines = daemon.output().splitlines()
    assert any(line.endswith("crawl dead-one: started") or "crawl dead-one: started (pid" in line
               for line in lines)
    warnings = [line for line in lines if " WARNING crawler." in line and "dns" in line]
    assert warnings and all(STAMP.match(line) for line in warnings), lines
    # the crawl's own summary names its source
    assert any("nothing could be fetched from dead-one (dns 1)" in line for line in lines), lines
