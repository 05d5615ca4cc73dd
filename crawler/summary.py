"""Counting what a crawl did: the live progress line and the final summary."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

# Counters of the crawl itself, in the order the summary shows them.
COUNTS = (
    "documents",  # feeds, sitemaps and listing pages fetched (200)
    "documents_not_modified",  # ... answered 304 to a conditional GET
    "links",  # article links found in them
    "bad_links",  # ... listed but not fetchable (javascript:, mailto:, bad port or host)
    "truncated",  # documents cut off before their end (their complete entries are used)
    "fetched",  # article pages fetched (200, HTML)
    "not_modified",  # article pages answered 304 to a conditional GET
    "unchanged",  # article pages fetched again with the same content hash
    "skipped_known",  # listed links the sink already has from within the revisit window
    "robots_denied",  # requests robots.txt does not allow
    "capped",  # links beyond max_pages_per_source
    "retried_after",  # 429/503 answers whose Retry-After we waited out
    "passed",  # pages handed to the sink
)


class Tally:
    """Counts per source. on_change (if any) is called after every change."""

    def __init__(self, on_change: Callable[["Tally"], None] | None = None):
        self.by_source: dict[str, Counter[str]] = {}
        self.total: Counter[str] = Counter()
        self.on_change = on_change

    def add(self, source: str, key: str, n: int = 1) -> None:
        self.by_source.setdefault(source or "?", Counter())[key] += n
        self.total[key] += n
        if self.on_change is not None:
            self.on_change(self)

    def fail(self, source: str, reason: str) -> None:
        self.add(source, "failed:" + reason)

    def failed(self) -> dict[str, int]:
        return {k.split(":", 1)[1]: v for k, v in sorted(self.total.items())
                if k.startswith("failed:")}


# Failure reasons of pages fetched but not stored by the pipeline: each is
# fetched again on the next crawl, and the crawl exits 1.
NOT_STORED = ("pipeline_error", "sink_error", "interrupted", "not_stored")


@dataclass
class SourceCheck:
    """Result of fetching one source once (`scamscope sources check`)."""

    name: str
    url: str
    ok: bool
    reason: str  # "ok" or a failure reason (dns, timeout, http_404, not_a_feed...)
    detail: str = ""  # e.g. "37 links" or the error message
    links: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "url": self.url, "ok": self.ok, "reason": self.reason,
                "detail": self.detail, "links": self.links}


@dataclass
class CrawlSummary:
    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    skipped_known: int = 0
    robots_denied: int = 0
    documents: int = 0
    documents_not_modified: int = 0
    links: int = 0
    bad_links: int = 0
    truncated: int = 0
    capped: int = 0
    retried_after: int = 0
    passed: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # reason -> count
    sink: dict[str, int] = field(default_factory=dict)  # the sink's own stats
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    checks: list[SourceCheck] = field(default_factory=list)  # check mode only
    sources: int = 0  # targets crawled
    elapsed: float = 0.0
    interrupted: bool = False  # stopped by a signal before the end

    @classmethod
    def from_tally(cls, tally: Tally, sink_stats: dict[str, int] | None = None, *,
                   sources: int = 0, elapsed: float = 0.0) -> "CrawlSummary":
        summary = cls(**{k: tally.total.get(k, 0) for k in COUNTS})
        summary.failed = tally.failed()
        summary.sink = {str(k): int(v) for k, v in (sink_stats or {}).items()}
        summary.by_source = {name: dict(sorted(c.items())) for name, c in
                             sorted(tally.by_source.items())}
        summary.sources = sources
        summary.elapsed = elapsed
        return summary

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    @property
    def not_stored(self) -> int:
        """Pages fetched but not stored: the next crawl fetches them again."""
        return sum(self.failed.get(reason, 0) for reason in NOT_STORED)

    @property
    def anything_fetched(self) -> bool:
        """Did any request at all get an answer from a server (200 or 304)?"""
        return (self.documents + self.documents_not_modified + self.fetched
                + self.not_modified + self.unchanged) > 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: getattr(self, k) for k in COUNTS}
        data["failed"] = dict(self.failed)
        data["failed_total"] = self.failed_total
        data["not_stored"] = self.not_stored
        data["interrupted"] = self.interrupted
        # The sink's counters (extracted, indexed, not_article...) sit at the top
        # level too, unless the crawler already uses the name; all are under "sink".
        for key, value in self.sink.items():
            data.setdefault(key, value)
        data["sink"] = dict(self.sink)
        data["sources"] = self.sources
        data["by_source"] = self.by_source
        data["elapsed_seconds"] = round(self.elapsed, 2)
        if self.checks:
            data["checks"] = [c.to_json() for c in self.checks]
        return data

    def lines(self, label: str = "") -> list[str]:
        """A short human summary; label names what was crawled (default: "N source(s)")."""
        docs = f"{self.documents} feed/sitemap/listing page(s)"
        if self.documents_not_modified:
            docs += f" (+{self.documents_not_modified} not modified since the last crawl)"
        if self.truncated:
            docs += f" ({self.truncated} cut off before their end)"
        out = [f"crawled {label or f'{self.sources} source(s)'} in {self.elapsed:.1f}s: {docs}, "
               f"{self.links} link(s) found"
               + (f" (+{self.bad_links} that cannot be fetched)" if self.bad_links else "")]
        out.append(f"articles: {self.fetched} fetched, {self.not_modified} not modified (304), "
                   f"{self.unchanged} unchanged, {self.skipped_known} already known, "
                   f"{self.robots_denied} denied by robots.txt"
                   + (f", {self.capped} over the per-source cap" if self.capped else ""))
        if self.sink:
            out.append("pipeline: " + ", ".join(f"{v} {k}" for k, v in sorted(self.sink.items())))
        if self.failed:
            out.append(f"failed: {self.failed_total} (" + ", ".join(
                f"{k} {v}" for k, v in sorted(self.failed.items(), key=lambda kv: -kv[1])) + ")")
        else:
            out.append("failed: 0")
        if self.not_stored:
            out.append(f"not stored: {self.not_stored} page(s); they will be fetched again "
                       "on the next crawl")
        if self.interrupted:
            out.append("interrupted: the crawl was stopped before its end")
        return out


class Progress:
    """One self-overwriting status line on a terminal; silent otherwise."""

    def __init__(self, stream: TextIO, enabled: bool = True, interval: float = 0.25):
        self.stream = stream
        self.enabled = enabled
        self.interval = interval
        self._last = 0.0
        self._width = 0

    def update(self, tally: Tally, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        t = tally.total
        failed = sum(v for k, v in t.items() if k.startswith("failed:"))
        line = (f"crawl: {t['documents']} feeds/pages · {t['links']} links · "
                f"{t['fetched']} fetched · {t['not_modified'] + t['unchanged']} unchanged · "
                f"{t['skipped_known']} known · {failed} failed")
        pad = max(0, self._width - len(line))
        self._width = len(line)
        try:
            self.stream.write("\r" + line + " " * pad)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False

    def finish(self) -> None:
        if self.enabled and self._width:
            try:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
        self._width = 0
