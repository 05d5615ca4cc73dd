"""What the daemon says about crawls: one line per crawl (source, counts, reason) and one
summary per cycle, so an offline machine reads as "no network", not as 200 warnings.

Built from a crawl's summary as `scamscope crawl --json` prints it (CrawlSummary.to_json),
so it does not matter whether the crawl ran in a subprocess or in the daemon itself.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

# Failures that mean "this machine could not reach the site" rather than "the site said no".
NETWORK_REASONS = frozenset({"dns", "connection_refused", "connection", "timeout", "tls"})


@dataclass
class CrawlOutcome:
    source: str
    reachable: bool  # some server answered (a 200 or a 304), even if little was new
    reason: str  # "ok", the most frequent failure reason, or "exit N" / "signal N"
    line: str  # for people, without the timestamp


def _reasons(failed: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(failed.items(), key=lambda kv: (-kv[1], kv[0]))


def crawl_outcome(source: str, summary: Mapping[str, Any] | None, code: int,
                  took: float, last_error: str = "") -> CrawlOutcome:
    """The one line for one crawl. summary is None when the crawl printed none (it
    crashed, or was killed): then the exit code and its last error line say why."""
    head = f"crawl {source}:"
    if summary is None:
        reason = f"signal {-code}" if code < 0 else f"exit {code}"
        why = f"stopped by signal {-code}" if code < 0 else f"failed (exit {code})"
        if last_error:
            why = f"{why[:-1]}: {last_error})" if why.endswith(")") else f"{why}: {last_error}"
        return CrawlOutcome(source, False, reason, f"{head} {why} in {took:.0f}s")
    failed = _reasons(summary.get("failed") or {})
    answered = sum(int(summary.get(k, 0) or 0) for k in (
        "documents", "documents_not_modified", "fetched", "not_modified", "unchanged"))
    failures = ", ".join(f"{k} {v}" for k, v in failed)
    if not answered and summary.get("interrupted"):
        return CrawlOutcome(source, False, "stopped",
                            f"{head} stopped before any site answered in {took:.0f}s")
    if not answered:
        reason = failed[0][0] if failed else "nothing"
        return CrawlOutcome(source, False, reason,
                            f"{head} unreachable ({failures or 'no answer'}) in {took:.0f}s")
    sink = summary.get("sink") or {}
    parts = [f"{summary.get('fetched', 0)} fetched", f"{sink.get('indexed', 0)} indexed"]
    known = int(summary.get("skipped_known", 0) or 0) + int(summary.get("not_modified", 0) or 0)
    if known:
        parts.append(f"{known} already known")
    if failures:
        parts.append(f"failed: {failures}")
    if summary.get("not_stored"):
        parts.append(f"{summary['not_stored']} not stored (fetched again next time)")
    if summary.get("interrupted"):
        parts.append("interrupted")
    return CrawlOutcome(source, True, "ok", f"{head} {', '.join(parts)} in {took:.0f}s")


# After this many crawls of a cycle all failed on the network, say so at once rather than
# at the end of a cycle that may take many minutes to reach every source.
EARLY = 5


@dataclass
class Cycle:
    """Collects outcomes until every scheduled source has reported once, then sums up.
    Early in each cycle, if the first EARLY crawls all failed on the network, it says so."""
    sources: frozenset[str]
    outcomes: dict[str, CrawlOutcome] = field(default_factory=dict)

    def add(self, outcome: CrawlOutcome) -> str | None:
        """The cycle's summary line once the last source has reported, an early "so far"
        line when the network looks down, else None."""
        if outcome.source not in self.sources:
            return None
        self.outcomes[outcome.source] = outcome
        done = list(self.outcomes.values())
        if len(done) < len(self.sources):
            if len(done) == EARLY and _no_network(done):
                return summary_line(done, of=len(self.sources))
            return None
        self.outcomes = {}
        return summary_line(done)


def _no_network(outcomes: list[CrawlOutcome]) -> bool:
    return bool(outcomes) and all(not o.reachable and o.reason in NETWORK_REASONS
                                  for o in outcomes)


def summary_line(outcomes: list[CrawlOutcome], of: int = 0) -> str:
    """"cycle: 12/69 sources reachable; 57 dns", or with of (a cycle under way)
    "cycle so far: 0/5 sources reachable (of 69); 5 dns — no network? ..." """
    reachable = sum(o.reachable for o in outcomes)
    line = (f"cycle so far: {reachable}/{len(outcomes)} sources reachable (of {of})" if of
            else f"cycle: {reachable}/{len(outcomes)} sources reachable")
    reasons = Counter(o.reason for o in outcomes if not o.reachable)
    if reasons:
        line += "; " + ", ".join(f"{n} {r}" for r, n in _reasons(reasons))
    if _no_network(outcomes):
        line += (" — no network? `make demo` (scamscope demo) works offline on the bundled "
                 "sample site")
    return line
