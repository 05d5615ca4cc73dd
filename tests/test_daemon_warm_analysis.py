"""`scamscope run` keeps analysis warm: one zygote loads the models, every crawl's workers
are forks of it; the daemon restarts a dead zygote and leaves no process behind on SIGTERM.

A real daemon, real crawls of the demo site on a local server, real processes read from /proc.
"""
from __future__ import annotations

import os
import signal
import time

from scamscope.demo.server import SiteServer
from tests.test_analysis_zygote import children, gone


def zygote_of(daemon_pid: int, timeout: float = 60.0, other_than: int | None = None) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in children(daemon_pid):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmdline = fh.read().split(b"\0")
            except FileNotFoundError:
                continue
            if b"nlp.zygote" in cmdline and pid != other_than:
                return pid
        time.sleep(0.1)
    raise AssertionError(f"no analysis zygote under the daemon {daemon_pid}")


def children_cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return int(fields[13]) + int(fields[14])  # cutime + cstime: reaped children's CPU


def test_daemon_crawls_fork_warm_workers_restart_a_dead_zygote_and_leave_nothing_behind(
        daemon_runner, data_dir):
    with SiteServer() as site:
        catalogue = data_dir.parent / "catalogue.toml"
        catalogue.write_text('[[sources]]\nname = "demo"\ntype = "sitemap"\n'
                             f'url = "{site.url("/sitemap.xml")}"\ninterval_minutes = 240\n')
        config = data_dir.parent / "scamscope.toml"
        config.write_text(f'sources_file = "{catalogue}"\nweb_in_daemon = false\n'
                          "download_delay = 0.0\nautothrottle = false\n")
        daemon = daemon_runner(config)
        first = zygote_of(daemon.proc.pid)
        done = daemon.wait_line("crawl demo:", timeout=600)
        assert "failed" not in done, daemon.output()
        # The crawl's analysis ran in the zygote's children, reaped by it: their CPU is its.
        assert children_cpu_ticks(first) > 0
        assert not children(first), "a forked worker outlived its crawl"

        os.kill(first, signal.SIGKILL)
        second = zygote_of(daemon.proc.pid, other_than=first)
        assert second != first and gone(first)

        assert daemon.terminate() == 0
        assert gone(second), "the zygote outlived the daemon"
