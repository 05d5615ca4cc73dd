"""One line on stderr when a search runs on an embedded index past what it is good for.

SQLite FTS5 keeps search p95 under 100 ms at 100k articles and is six times over it at a
million (figures below); Tantivy, the default, holds at 300k and slows past it. A user
whose SQLite index grew large is told how to move it to Tantivy, and anyone whose embedded
index is large and slow is told what a search cluster gives: the hint names the command
and the measured figures. It never goes to stdout (scripts parse it), never under --json
or --quiet, and at most once a day per data dir (a stamp file there).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from indexer import base

log = logging.getLogger(__name__)

STAMP = "scale-hint.stamp"  # in the data dir; its mtime is when the hint was last shown
QUIET_SECONDS = 24 * 3600


@dataclass(frozen=True)
class EngineFigures:
    index_rate: int  # articles indexed per second
    p50_ms: int  # search with facets, wall
    p95_ms: int


# `bench/index.py --docs 1000000` (SQLite and the cluster: `--backend sqlite --cluster URL`,
# session 18, on this project's shared 2-core machine at load 1.7-2.6; Tantivy: `--backend
# tantivy --no-stems-anchor`, session 20, the same machine quiet, load 1.3), the same
# generated articles and queries (20 hits, total, 5 facets). The cluster was one
# OpenSearch node with a 3 GB heap on the same two cores: it scales by adding
# machines, which these figures do not show. README's "When the embedded index is too
# small" quotes them; tests/test_cli_scale_hint.py keeps the two in step.
BENCH_ARTICLES = 1_000_000
BENCH_1M: dict[str, EngineFigures] = {
    "sqlite": EngineFigures(index_rate=1_015, p50_ms=293, p95_ms=655),
    "tantivy": EngineFigures(index_rate=3_776, p50_ms=27, p95_ms=50),
    "cluster": EngineFigures(index_rate=1_149, p50_ms=97, p95_ms=214),
}


def _figures(engine: str) -> str:
    f = BENCH_1M[engine]
    return f"p95 {f.p95_ms} ms at 1M articles"


def hint_line(engine: str, articles: int, elapsed_ms: float, index_url: str) -> str:
    """The hint for a search on `engine` ("sqlite" or "tantivy") holding `articles`."""
    held = f"this {'SQLite' if engine == 'sqlite' else 'Tantivy'} index holds {articles:,} articles"
    cluster = (f"a search cluster (scamscope reindex --from {index_url} --to "
               f"http://HOST:9200; one node on 2 cores: {_figures('cluster')}, "
               f"and it scales out)")
    if engine == "sqlite":
        target = index_url.replace("sqlite:", "tantivy:", 1)
        target = target[:-3] + ".tantivy" if target.endswith(".db") else target + ".tantivy"
        return (f"hint: {held}; SQLite search slows past ~300k ({_figures('sqlite')}). "
                f"Move it to Tantivy: scamscope reindex --from {index_url} --to {target} "
                f"({_figures('tantivy')}), or to {cluster}. Figures: bench/index.py. "
                f"Shown once a day.")
    return (f"hint: {held} and this search took {elapsed_ms:,.0f} ms "
            f"(Tantivy: {_figures('tantivy')}). To search faster, move it to {cluster}. "
            f"Figures: bench/index.py. Shown once a day.")


def due(data_dir: Path, now: float | None = None) -> bool:
    """Whether the hint was not shown from this data dir in the last day."""
    try:
        shown = (data_dir / STAMP).stat().st_mtime
    except OSError:
        return True
    return (now if now is not None else time.time()) - shown >= QUIET_SECONDS


def _record(data_dir: Path) -> bool:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / STAMP).write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z\n"), encoding="utf-8")
        return True
    except OSError as exc:  # a read-only data dir: no stamp, so no hint on every search
        log.debug("cannot record the scale hint in %s: %s", data_dir, exc)
        return False


def engine_of(index_url: str) -> str | None:
    if base.sqlite_path(index_url):
        return "sqlite"
    if base.tantivy_path(index_url):
        return "tantivy"
    return None


def maybe_hint(index, index_url: str, data_dir: Path, elapsed_ms: float, *,
               min_articles: int, slow_ms: float) -> str | None:
    """The hint to show after a search that took elapsed_ms, or None; showing it is
    recorded in data_dir. An index is large from min_articles (0: never); a large
    SQLite index always gets the hint, a large Tantivy one when the search was slower
    than slow_ms. The index is counted only when a hint is due."""
    engine = engine_of(index_url)
    if engine is None or min_articles <= 0 or not due(data_dir):
        return None
    if engine == "tantivy" and elapsed_ms < slow_ms:
        return None
    articles = index.count()
    if articles < min_articles:
        return None
    if not _record(data_dir):
        return None
    return hint_line(engine, articles, elapsed_ms, index_url)
