"""SIGTERM stops a crawl within seconds, even in the middle of analysis, and loses nothing:
what was not stored is fetched again by the next crawl, and each article is stored once."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

from tests.fixtures.cli import clean_env
from tests.fixtures.realsite import VOLUME_ARTICLES

FAST = {"SCAMSCOPE_DOWNLOAD_DELAY": "0", "SCAMSCOPE_AUTOTHROTTLE": "false",
        "SCAMSCOPE_NLP_BATCH_SIZE": "4"}


def test_sigterm_mid_analysis_stops_the_crawl_and_the_next_crawl_completes_it(
        cli, data_dir, volume_site):
    feed = volume_site.url("/feed.xml")
    proc = subprocess.Popen(
        [sys.executable, "-m", "scamscope", "--data-dir", str(data_dir), "crawl", "--feed", feed],
        env=clean_env(**FAST), cwd=str(data_dir), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    # Wait until analysis is under way: pages are being fetched and handed over.
    deadline = time.monotonic() + 120
    while (len(volume_site.log.entries(prefix="/articles/")) < 40
           and time.monotonic() < deadline and proc.poll() is None):
        time.sleep(0.2)
    assert proc.poll() is None, "the crawl ended before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the crawl did not stop within 10 s of SIGTERM") from None
    assert proc.returncode in (0, 1), err[-2000:]  # a summary, not death by signal
    assert "Traceback" not in err
    assert "interrupted: the crawl was stopped before its end" in out, out
    assert time.monotonic() - signalled < 10

    again = cli("crawl", "--feed", feed, "--json", env=FAST, timeout=1200)
    assert again.code == 0, again.err[-2000:]
    result = cli("search", "--json", "--limit", "1000")
    paths = [urlsplit(h["url"]).path for h in result.json()["hits"]]
    assert len(paths) == len(set(paths)) == VOLUME_ARTICLES
