"""Index benchmark: bulk indexing articles/s and search latency p50/p95 per backend.

    .venv/bin/python bench/index.py                       # sqlite at 10k and 100k
    .venv/bin/python bench/index.py --sizes 2000 --queries 3
    .venv/bin/python bench/index.py --backend sqlite,elastic --elastic-url http://127.0.0.1:9200

The corpus is indexer.sample.sample_articles(size) (the same generator the
tests use). Baseline, measured in the same run on the same articles: a plain
SQLite table (no FTS, no side tables) filled with executemany, and searched
with LIKE '%word%' scans. Ratios are backend / baseline for indexing speed and
baseline / backend for search latency (both: bigger is better). Goal for the
embedded index: search p95 < 50 ms at 100k articles.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.query import Query  # noqa: E402
from indexer.sample import sample_articles  # noqa: E402

BATCH = 1000

# A mix of what researchers and alert subscriptions ask, common and rare terms,
# every filter kind, all three sorts. Facets on, 20 hits, like the web UI.
QUERIES = [
    Query(),
    Query(text="scam"),
    Query(text="scam centre"),
    Query(text='"scam compound"'),
    Query(text="traffick*"),
    Query(text="police -raided"),
    Query(text="诈骗园区"),
    Query(text="คอลเซ็นเตอร์"),
    Query(text="fraude OR estafas"),
    Query(text="rice OR floods"),
    Query(countries=["MM"]),
    Query(places=["Myawaddy"], min_usd=10e6),
    Query(text="sanctions", orgs=["US Treasury"]),
    Query(text="arnaque", langs=["fr"]),
    Query(text="myawaddy OR sihanoukville", since=datetime(2024, 6, 1, tzinfo=timezone.utc)),
    Query(since=datetime(2024, 1, 1, tzinfo=timezone.utc),
          until=datetime(2024, 3, 31, tzinfo=timezone.utc), sort="date"),
    Query(sort="date", sources=["frontier-wire"]),
    Query(text="scam", countries=["KH"], min_relevance=0.8, sort="date"),
    Query(text="compound*", offset=100),
    Query(countries=["TH"], sort="indexed"),
]
LIKE_TERMS = ["scam", "scam compound", "诈骗园区", "fraude", "rice", "myawaddy", "sanctions",
              "arnaque"]


def open_sqlite(directory: Path, args):
    from indexer.sqlite import SQLiteIndex

    return SQLiteIndex(directory / "bench.db"), lambda: None


def open_elastic(directory: Path, args):
    from indexer.elastic import ElasticIndex

    url = args.elastic_url or os.environ.get("SCAMSCOPE_TEST_CLUSTER")
    if not url:
        raise SystemExit("elastic: give --elastic-url (or start one with `make cluster`)")
    index = ElasticIndex(url, index_name=f"scamscope-bench-{uuid.uuid4().hex[:8]}")
    return index, index.drop


BACKENDS = {"sqlite": open_sqlite, "elastic": open_elastic}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def baseline(articles, directory: Path, rounds: int) -> dict:
    db = sqlite3.connect(directory / "baseline.db")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE docs (id TEXT PRIMARY KEY, title TEXT, text TEXT, date TEXT)")
    start = time.perf_counter()
    for i in range(0, len(articles), BATCH):
        with db:
            db.executemany("INSERT INTO docs VALUES (?,?,?,?)", [
                (a.id, a.title, a.text, (a.published or a.fetched_at).isoformat())
                for a in articles[i:i + BATCH]])
    rate = len(articles) / (time.perf_counter() - start)
    times, cpu = [], []
    for _ in range(rounds):
        for term in LIKE_TERMS:
            t, c = time.perf_counter(), time.process_time()
            pattern = f"%{term}%"
            db.execute("SELECT count(*) FROM docs WHERE title LIKE ? OR text LIKE ?",
                       (pattern, pattern)).fetchone()
            db.execute("SELECT id, title FROM docs WHERE title LIKE ? OR text LIKE ? "
                       "ORDER BY date DESC LIMIT 20", (pattern, pattern)).fetchall()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    db.close()
    return {"rate": rate, "p50": percentile(times, 0.5), "p95": percentile(times, 0.95),
            "cpu50": percentile(cpu, 0.5), "cpu95": percentile(cpu, 0.95)}


def run_backend(name: str, articles, directory: Path, args) -> dict:
    index, drop = BACKENDS[name](directory, args)
    try:
        start = time.perf_counter()
        for i in range(0, len(articles), BATCH):
            index.upsert(articles[i:i + BATCH])
        rate = len(articles) / (time.perf_counter() - start)
        for query in QUERIES:  # warm caches once, like a running service
            index.search(query)
        times: list[float] = []
        cpu: list[float] = []
        slowest: dict[str, float] = {}
        for _ in range(args.queries):
            for query in QUERIES:
                t, c = time.perf_counter(), time.process_time()
                results = index.search(query)
                elapsed = time.perf_counter() - t
                cpu.append(time.process_time() - c)
                times.append(elapsed)
                label = _label(query)
                slowest[label] = max(slowest.get(label, 0.0), elapsed)
                assert results.total >= len(results.hits)
        return {"rate": rate, "p50": percentile(times, 0.5), "p95": percentile(times, 0.95),
                "cpu50": percentile(cpu, 0.5), "cpu95": percentile(cpu, 0.95),
                "slowest": sorted(slowest.items(), key=lambda kv: -kv[1])[:3]}
    finally:
        drop()
        index.close()


def _times(r: dict) -> str:
    return (f"p50 {r['p50'] * 1e3:7.1f} ms  p95 {r['p95'] * 1e3:7.1f} ms  "
            f"(CPU p50 {r['cpu50'] * 1e3:6.1f}  p95 {r['cpu95'] * 1e3:6.1f})")


def _label(query: Query) -> str:
    parts = [repr(query.text)] if query.text else ["*"]
    for key, value in query.to_json().items():
        if key not in ("text", "sort") and value not in (None, []):
            parts.append(f"{key}={value}")
    if query.sort != "relevance":
        parts.append(f"sort={query.sort}")
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated corpus sizes (default 10000,100000)")
    parser.add_argument("--backend", default="sqlite",
                        help=f"comma-separated backends: {', '.join(BACKENDS)} (default sqlite)")
    parser.add_argument("--queries", type=int, default=10,
                        help=f"rounds of the {len(QUERIES)}-query mix per backend (default 10)")
    parser.add_argument("--elastic-url", help="cluster URL for the elastic backend")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("k", "000")) for s in args.sizes.split(",") if s]
    backends = [b.strip() for b in args.backend.split(",") if b.strip()]
    for name in backends:
        if name not in BACKENDS:
            parser.error(f"unknown backend {name!r}: use {', '.join(BACKENDS)}")

    rows = []
    for size in sizes:
        articles = sample_articles(size, seed=0)
        with tempfile.TemporaryDirectory(prefix="scamscope-bench-") as tmp:
            base = baseline(articles, Path(tmp), max(1, args.queries // 2))
            rows.append((size, "baseline (plain table, LIKE scan)", base, None))
            print(f"{size:>7}  baseline  {base['rate']:9.0f} art/s  " + _times(base), flush=True)
            for name in backends:
                result = run_backend(name, articles, Path(tmp), args)
                rows.append((size, name, result, base))
                print(f"{size:>7}  {name:<8}  {result['rate']:9.0f} art/s  " + _times(result),
                      flush=True)

    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(wall times suffer from other processes; CPU times much less). CPU is this "
          "process only: an embedded index's whole work, a cluster client's share of it.")
    print(f"{'size':>7}  {'backend':<34} {'index art/s':>11} {'x base':>7} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8} {'speedup p50':>11} "
          f"{'p95':>6}")
    for size, name, r, base in rows:
        ratio = f"{r['rate'] / base['rate']:7.2f}" if base else f"{'1.00':>7}"
        speed50 = f"{base['p50'] / r['p50']:10.1f}x" if base else f"{'1.0x':>11}"
        speed95 = f"{base['p95'] / r['p95']:5.1f}x" if base else f"{'1.0x':>6}"
        print(f"{size:>7}  {name:<34} {r['rate']:11.0f} {ratio} {r['p50'] * 1e3:8.1f} "
              f"{r['p95'] * 1e3:8.1f} {r['cpu50'] * 1e3:8.1f} {r['cpu95'] * 1e3:8.1f} "
              f"{speed50} {speed95}")
    for size, name, r, base in rows:
        if base:
            slow = "; ".join(f"{label} {t * 1e3:.0f} ms" for label, t in r["slowest"])
            print(f"{size:>7}  {name}: slowest queries: {slow}")
    by_backend = {}
    for size, name, r, base in rows:
        if base:
            by_backend.setdefault(name, []).append((size, r))
    for name, results in by_backend.items():
        if len(results) > 1:
            (s0, r0), (s1, r1) = results[0], results[-1]
            print(f"{name}: {s1 // s0}x the articles -> p95 x{r1['p95'] / r0['p95']:.1f}, "
                  f"indexing rate x{r1['rate'] / r0['rate']:.2f}")
    goal = [r for size, name, r, base in rows if name == "sqlite" and size >= 100_000]
    if goal:
        r = goal[-1]
        print(f"goal sqlite p95 < 50 ms at 100k: wall {r['p95'] * 1e3:.1f} ms "
              f"({'met' if r['p95'] < 0.05 else 'NOT met'}), CPU {r['cpu95'] * 1e3:.1f} ms "
              f"({'met' if r['cpu95'] < 0.05 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
