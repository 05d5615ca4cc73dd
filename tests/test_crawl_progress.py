"""The live progress line and the final summary text."""
from __future__ import annotations

import io

from crawler.summary import CrawlSummary, Progress, Tally


def test_progress_line_rewrites_itself_and_clears_at_the_end():
    stream = io.StringIO()
    progress = Progress(stream, enabled=True, interval=0)
    tally = Tally(on_change=progress.update)
    tally.add("a", "documents")
    tally.add("a", "links", 12)
    tally.add("a", "fetched")
    tally.fail("a", "http_404")
    text = stream.getvalue()
    assert text.count("\r") == 4 and "\n" not in text
    assert text.rsplit("\r", 1)[1].startswith("crawl: 1 feeds/pages · 12 links · 1 fetched")
    assert "1 failed" in text.rsplit("\r", 1)[1]
    progress.finish()
    assert stream.getvalue().endswith("\r")


def test_progress_is_silent_when_disabled():
    stream = io.StringIO()
    progress = Progress(stream, enabled=False)
    Tally(on_change=progress.update).add("a", "fetched")
    progress.finish()
    assert stream.getvalue() == ""


def test_summary_merges_the_sinks_counters_and_reports_failures():
    tally = Tally()
    tally.add("a", "documents")
    tally.add("a", "fetched", 3)
    tally.add("a", "unchanged")
    tally.fail("b", "dns")
    tally.fail("b", "dns")
    summary = CrawlSummary.from_tally(tally, {"extracted": 3, "indexed": 2, "unchanged": 1},
                                      sources=2, elapsed=1.5)
    data = summary.to_json()
    assert data["fetched"] == 3 and data["failed"] == {"dns": 2} and data["failed_total"] == 2
    assert data["indexed"] == 2 and data["extracted"] == 3
    assert data["unchanged"] == 1 and data["sink"]["unchanged"] == 1  # crawler's own wins
    assert data["by_source"]["b"] == {"failed:dns": 2}
    assert summary.anything_fetched
    lines = summary.lines()
    assert lines[-1] == "failed: 2 (dns 2)"
    assert not CrawlSummary.from_tally(Tally()).anything_fetched
