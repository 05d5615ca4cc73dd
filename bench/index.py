"""Index benchmark: bulk indexing articles/s, search latency p50/p95 and memory per backend.

    .venv/bin/python bench/index.py --docs 20000                        # tantivy, raw Tantivy, sqlite
    .venv/bin/python bench/index.py --docs 300000,1000000 --backend tantivy,sqlite \\
        --cluster http://127.0.0.1:9200                                 # the figures of issue 15
    .venv/bin/python bench/index.py --docs 2000 --queries 3 --backend sqlite
    .venv/bin/python bench/index.py --docs 1m --keep /data/bench    # build once, search again

The corpus is indexer.sample.iter_sample_articles(size, seed=0), streamed (a
million articles never sit in memory at once); generating them is not timed.
Every backend answers the same query mix, in three groups (text alone, text +
filters, filters alone), each with the five facets and 20 hits, like the web UI.

The anchor, measured in the same run on the same articles and queries: raw
Tantivy ("tantivy-raw"), the library used directly with its own tokenizer and
query parser, the same filter and facet fields, no scamscope code: what the
engine costs for this job. It indexes and matches surface words only, while
scamscope indexes words and Snowball stems and matches a query word against the
stems of 13 languages; "tantivy-raw-stems" does that comparable work in the
engine (stemmer per article language, query words matched in every language's
stems) and is reported beside it. Ratios ("x raw") stay against the stricter
tantivy-raw; the goal lines give both. Ratios are backend / anchor (latency: lower is
better). A plain SQLite table searched with LIKE scans is kept as a second
baseline up to 100k articles (--like). Goals (issue 15): the embedded default's
p95 < 100 ms with facets at 300k and 1M and <= 2x raw Tantivy's p95; indexing
>= 10,000 articles/s. SQLite (issue 12): p95 < 100 ms at 1M, >= 2,000 articles/s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.query import FACETS, Query  # noqa: E402
from indexer.sample import iter_sample_articles  # noqa: E402
from nlp.records import Article  # noqa: E402

BATCH = 1000  # articles per upsert call (a crawl's batches are smaller)

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
GROUPS = ("text", "text+filters", "filters")


def group_of(query: Query) -> str:
    filtered = any(value not in (None, []) for key, value in query.to_json().items()
                   if key not in ("text", "sort"))
    if query.text:
        return "text+filters" if filtered else "text"
    return "filters"


# ------------------------------------------------------------------ backends


def open_tantivy(directory: Path, args):
    from indexer.tantivy_index import TantivyIndex

    return TantivyIndex(directory / "bench.tantivy"), lambda: None


def open_sqlite(directory: Path, args):
    from indexer.sqlite import SQLiteIndex

    return SQLiteIndex(directory / "bench.db"), lambda: None


def open_elastic(directory: Path, args):
    from indexer.elastic import ElasticIndex

    url = args.cluster or os.environ.get("SCAMSCOPE_TEST_CLUSTER")
    if not url:
        raise SystemExit("elastic: give --cluster URL (or start one with `make cluster`)")
    index = ElasticIndex(url, index_name=f"scamscope-bench-{uuid.uuid4().hex[:8]}")
    return index, index.drop


def open_raw(directory: Path, args):
    return RawTantivy(directory / "raw.tantivy"), lambda: None


def open_raw_stems(directory: Path, args):
    return RawTantivy(directory / "raw-stems.tantivy", stems=True), lambda: None


BACKENDS = {"tantivy": open_tantivy, "sqlite": open_sqlite, "elastic": open_elastic,
            "tantivy-raw": open_raw, "tantivy-raw-stems": open_raw_stems}


class RawTantivy:
    """Tantivy used directly, as its own documentation shows: its default tokenizer, its
    query parser for the text, term-set and range queries for the filters, terms
    aggregations for the facets. Nothing of scamscope's analysis or ranking rules."""

    FACETS = {"country": "countries", "place": "places", "org": "orgs", "lang": "lang",
              "source": "source"}

    def __init__(self, path: Path, stems: bool = False) -> None:
        """stems: also index each article's title and text through Tantivy's Snowball
        stemmer for its language (a field pair per language) and match query words
        against every language's stems too: the work scamscope's analysis does (words
        + stems in 13 languages), done by the engine in Rust. Tantivy has no Hindi or
        Indonesian/Malay stemmer: those articles get words only."""
        import tantivy

        self.t = tantivy
        path.mkdir(parents=True, exist_ok=True)
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("title")
        sb.add_text_field("text")
        from indexer.analysis import STEMMERS

        self.stemmed = {lang: algorithm for lang, algorithm in STEMMERS.items()
                        if stems and algorithm not in ("hindi", "indonesian")}
        for lang in self.stemmed:
            sb.add_text_field(f"title_{lang}", tokenizer_name=f"stem_{lang}")
            sb.add_text_field(f"text_{lang}", tokenizer_name=f"stem_{lang}")
        for name in ("countries", "places", "orgs", "lang", "source"):
            sb.add_text_field(name, fast=True, tokenizer_name="raw")
        sb.add_text_field("place_keys", tokenizer_name="raw")
        sb.add_text_field("org_keys", tokenizer_name="raw")
        sb.add_integer_field("date", indexed=True, fast=True)
        sb.add_integer_field("indexed_at", indexed=True, fast=True)
        sb.add_float_field("relevance", indexed=True, fast=True)
        sb.add_float_field("max_usd", indexed=True, fast=True)
        sb.add_bytes_field("article", stored=True)
        self.schema = sb.build()
        self.index = tantivy.Index(self.schema, path=str(path))
        for lang, algorithm in self.stemmed.items():
            self.index.register_tokenizer(f"stem_{lang}", tantivy.TextAnalyzerBuilder(
                tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40)).filter(
                tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer(algorithm)).build())
        self.fields = ["title", "text"] + [f"{part}_{lang}" for lang in self.stemmed
                                           for part in ("title", "text")]
        self.boosts = {f: 10.0 for f in self.fields if f.startswith("title")}

    def upsert(self, articles: Iterable[Article]) -> int:
        from indexer.query import name_key

        writer = self.index.writer(heap_size=128_000_000, num_threads=1)
        n = 0
        for a in articles:
            ents = a.entities
            doc = self.t.Document()
            doc.add_text("id", a.id)
            doc.add_text("title", a.title)
            doc.add_text("text", a.text)
            if a.lang in self.stemmed:
                doc.add_text(f"title_{a.lang}", a.title)
                doc.add_text(f"text_{a.lang}", a.text)
            for c in ents.countries():
                doc.add_text("countries", c)
            for field, keys, names in (("places", "place_keys", ents.place_names()),
                                       ("orgs", "org_keys", ents.org_names())):
                for name in names:
                    doc.add_text(field, name)
                    doc.add_text(keys, name_key(name))
            doc.add_text("lang", a.lang or "")
            doc.add_text("source", a.source)
            doc.add_integer("date", int((a.published or a.fetched_at).timestamp() * 1e6))
            doc.add_integer("indexed_at", n)
            doc.add_float("relevance", a.relevance)
            doc.add_float("max_usd", ents.max_usd() or -1.0)
            doc.add_bytes("article", json.dumps(a.to_json()).encode("utf-8"))
            writer.add_document(doc)
            n += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return n

    def search(self, query: Query):
        from indexer.query import FacetValue, Results, name_key

        t, s = self.t, self.schema
        clauses = []
        if query.text:
            q, _errors = self.index.parse_query_lenient(
                query.text, self.fields, field_boosts=self.boosts,
                conjunction_by_default=True)
            clauses.append((t.Occur.Must, q))
        for field, values in (("countries", query.countries), ("lang", query.langs),
                              ("source", query.sources),
                              ("place_keys", [name_key(p) for p in query.places]),
                              ("org_keys", [name_key(o) for o in query.orgs])):
            if values:
                clauses.append((t.Occur.Must, t.Query.term_set_query(s, field, values)))
        for field, low in (("max_usd", query.min_usd), ("relevance", query.min_relevance)):
            if low is not None:
                clauses.append((t.Occur.Must, t.Query.range_query(
                    s, field, t.FieldType.Float, float(low), None)))
        if query.since or query.until:
            clauses.append((t.Occur.Must, t.Query.range_query(
                s, "date", t.FieldType.Integer,
                int(query.since.timestamp() * 1e6) if query.since else None,
                int(query.until.timestamp() * 1e6) if query.until else None)))
        q = t.Query.boolean_query(clauses) if clauses else t.Query.all_query()
        searcher = self.index.searcher()
        if query.text and query.sort == "relevance":
            result = searcher.search(q, limit=query.limit, offset=query.offset)
        else:
            field, order = {"date": ("date", t.Order.Desc), "indexed": ("indexed_at", t.Order.Asc)
                            }.get(query.sort, ("relevance", t.Order.Desc))
            result = searcher.search(q, limit=query.limit, offset=query.offset,
                                     order_by_field=field, order=order)
        hits = [json.loads(searcher.doc(a).get_first("article")) for _, a in result.hits]
        aggs = searcher.aggregate(q, {name: {"terms": {"field": field, "size": query.facet_size}}
                                      for name, field in self.FACETS.items()})
        facets = {name: [FacetValue(b["key"], b["doc_count"]) for b in aggs[name]["buckets"]]
                  for name in FACETS}
        return Results(total=result.count, hits=hits, facets=facets)  # type: ignore[arg-type]

    def close(self) -> None:
        self.index = None


# ------------------------------------------------------------------ measuring


class TimedStream:
    """The articles, counting how long generating them took (not the backend's time)."""

    def __init__(self, size: int) -> None:
        self.source = iter_sample_articles(size, seed=0)
        self.generating = 0.0
        self.generating_cpu = 0.0
        self.count = 0

    def __iter__(self) -> Iterator[Article]:
        while True:
            start, cpu = time.perf_counter(), time.thread_time()
            article = next(self.source, None)
            self.generating += time.perf_counter() - start
            self.generating_cpu += time.thread_time() - cpu
            if article is None:
                return
            self.count += 1
            yield article


def batches(stream: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(stream)
    while chunk := list(islice(it, size)):
        yield chunk


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cpu_seconds() -> float:
    """CPU time of this process (every thread: the engine's indexing and merging
    threads too) and of its waited-for children (analysis workers)."""
    import resource

    own, children = (resource.getrusage(resource.RUSAGE_SELF),
                     resource.getrusage(resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def disk_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def like_baseline(size: int, directory: Path, rounds: int) -> dict:
    db = sqlite3.connect(directory / "baseline.db")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE docs (id TEXT PRIMARY KEY, title TEXT, text TEXT, date TEXT)")
    stream = TimedStream(size)
    start = time.perf_counter()
    for chunk in batches(stream, BATCH):
        with db:
            db.executemany("INSERT OR REPLACE INTO docs VALUES (?,?,?,?)", [
                (a.id, a.title, a.text, (a.published or a.fetched_at).isoformat()) for a in chunk])
    rate = size / (time.perf_counter() - start - stream.generating)
    times = []
    for _ in range(rounds):
        for term in LIKE_TERMS:
            t = time.perf_counter()
            pattern = f"%{term}%"
            db.execute("SELECT count(*) FROM docs WHERE title LIKE ? OR text LIKE ?",
                       (pattern, pattern)).fetchone()
            db.execute("SELECT id, title FROM docs WHERE title LIKE ? OR text LIKE ? "
                       "ORDER BY date DESC LIMIT 20", (pattern, pattern)).fetchall()
            times.append(time.perf_counter() - t)
    db.close()
    (directory / "baseline.db").unlink()
    return {"rate": rate, "all": times, "groups": {"text": times}}


def run_backend(name: str, size: int, directory: Path, args) -> dict:
    kept = None
    if args.keep and name != "elastic":  # built once, searched by later runs too
        directory = Path(args.keep) / f"{name}-{size}"
        directory.mkdir(parents=True, exist_ok=True)
        kept = directory / "built.json"
    before = rss_mb()
    index, drop = BACKENDS[name](directory, args)
    path = next(iter(sorted(directory.glob("raw*") if name.startswith("tantivy-raw")
                            else directory.glob("bench*"))), directory)
    try:
        if kept is not None and kept.exists():
            built = json.loads(kept.read_text())  # the build's own figures
            rate, cpu_1k = built["rate"], built.get("cpu_1k", float("nan"))
        else:
            stream = TimedStream(size)
            start, cpu_start = time.perf_counter(), cpu_seconds()
            if name == "sqlite" or name == "elastic":
                for chunk in batches(stream, BATCH):
                    index.upsert(chunk)
            else:  # the bulk path: one call, commits inside (as `scamscope reindex` does)
                index.upsert(stream)
            rate = size / (time.perf_counter() - start - stream.generating)
            # generating the articles runs on this thread too: its CPU is counted as wall
            cpu_1k = (cpu_seconds() - cpu_start - stream.generating_cpu) / size * 1000
            if kept is not None:
                kept.write_text(json.dumps({"rate": rate, "cpu_1k": cpu_1k}))
        for query in QUERIES:  # warm caches once, like a running service
            index.search(query)
        times: dict[str, list[float]] = {g: [] for g in GROUPS}
        every: list[float] = []
        cpu: list[float] = []  # CPU seconds of this process: steadier on a shared machine
        slowest: dict[str, float] = {}
        for _ in range(args.queries):
            for query in QUERIES:
                t, c = time.perf_counter(), time.process_time()
                results = index.search(query)
                elapsed = time.perf_counter() - t
                cpu.append(time.process_time() - c)
                times[group_of(query)].append(elapsed)
                every.append(elapsed)
                label = _label(query)
                slowest[label] = max(slowest.get(label, 0.0), elapsed)
                assert results.total >= len(results.hits)
        return {"rate": rate, "cpu_1k": cpu_1k, "all": every, "cpu": cpu, "groups": times,
                "rss": rss_mb() - before,
                "disk": disk_mb(path) if name != "elastic" else float("nan"),
                "slowest": sorted(slowest.items(), key=lambda kv: -kv[1])[:3]}
    finally:
        drop()
        index.close()
        for p in [] if kept is not None else list(directory.glob("bench*")) + list(
                directory.glob("raw*")):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()


def _label(query: Query) -> str:
    parts = [repr(query.text)] if query.text else ["*"]
    for key, value in query.to_json().items():
        if key not in ("text", "sort") and value not in (None, []):
            parts.append(f"{key}={value}")
    if query.sort != "relevance":
        parts.append(f"sort={query.sort}")
    return " ".join(parts)


def _ms(values: list[float], q: float) -> str:
    return f"{percentile(values, q) * 1e3:7.1f}"


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", "--sizes", dest="docs", default="10000,100000",
                        help="comma-separated corpus sizes, up to 1000000 (default 10000,100000)")
    parser.add_argument("--backend", default="tantivy,sqlite",
                        help="comma-separated: tantivy, sqlite, elastic (default tantivy,sqlite); "
                             "raw Tantivy always runs as the anchor (tantivy-raw: surface words "
                             "only; tantivy-raw-stems: words + Snowball stems, like scamscope)")
    parser.add_argument("--cluster", "--elastic-url", dest="cluster",
                        help="also run the same queries on this search cluster (elastic backend)")
    parser.add_argument("--queries", type=int, default=10,
                        help=f"rounds of the {len(QUERIES)}-query mix per backend (default 10)")
    parser.add_argument("--keep", metavar="DIR",
                        help="build the local indexes in DIR (one folder per backend and "
                             "size) and reuse them in later runs: only the searches are "
                             "measured again; the indexing rate is the build's")
    parser.add_argument("--no-stems-anchor", action="store_true",
                        help="skip tantivy-raw-stems (raw Tantivy stays the anchor)")
    parser.add_argument("--like", action="store_true",
                        help="also the plain-table LIKE baseline (sizes up to 100k only)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.strip().lower().replace("m", "000000").replace("k", "000"))
                 for s in args.docs.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--docs {args.docs!r}: give sizes like 20000 or 300k,1m")
    if any(not 0 < s <= 1_000_000 for s in sizes):
        parser.error("--docs: each size between 1 and 1000000")
    anchors = ["tantivy-raw"] if args.no_stems_anchor else ["tantivy-raw", "tantivy-raw-stems"]
    backends = anchors + [
        b.strip() for b in args.backend.split(",") if b.strip()]
    if args.cluster and "elastic" not in backends:
        backends.append("elastic")
    for name in backends:
        if name not in BACKENDS:
            parser.error(f"unknown backend {name!r}: use {', '.join(BACKENDS)}")
    backends = list(dict.fromkeys(backends))

    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="scamscope-bench-") as tmp:
            if args.like and size <= 100_000:
                rows.append((size, "baseline (plain table, LIKE)",
                             like_baseline(size, Path(tmp), max(1, args.queries // 2))))
            for name in backends:
                result = run_backend(name, size, Path(tmp), args)
                rows.append((size, name, result))
                print(f"{size:>8}  {name:<17} {result['rate']:9.0f} art/s  "
                      f"{result.get('cpu_1k', float('nan')):6.3f} cpu s/1k  p50 "
                      f"{_ms(result['all'], .5)} ms  p95 {_ms(result['all'], .95)} ms", flush=True)

    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs. "
          "Latency: wall ms per search (20 hits, total, 5 facets). 'x raw': this / raw Tantivy "
          "at the same size (indexing: rate ratio, higher is better; p95: lower is better).")
    head = (f"{'size':>8}  {'backend':<28} {'art/s':>7} {'x raw':>6} "
            + " ".join(f"{g + ' p50/p95':>21}" for g in GROUPS)
            + f" {'all p50':>8} {'all p95':>8} {'x raw':>6} {'rss MB':>7} {'disk MB':>8}")
    print(head)
    anchor = {size: r for size, name, r in rows if name == "tantivy-raw"}
    anchor_stems = {size: r for size, name, r in rows if name == "tantivy-raw-stems"}
    for size, name, r in rows:
        raw = anchor.get(size)
        rate_x = f"{r['rate'] / raw['rate']:6.2f}" if raw else f"{'':>6}"
        p95_x = (f"{percentile(r['all'], .95) / percentile(raw['all'], .95):6.2f}"
                 if raw else f"{'':>6}")
        groups = " ".join(f"{_ms(r['groups'].get(g, []), .5)}/{_ms(r['groups'].get(g, []), .95)}"
                          .rjust(21) for g in GROUPS)
        print(f"{size:>8}  {name:<28} {r['rate']:7.0f} {rate_x} {groups} {_ms(r['all'], .5)} "
              f" {_ms(r['all'], .95)} {p95_x} {r.get('rss', float('nan')):7.0f} "
              f"{r.get('disk', float('nan')):8.1f}")
    for size, name, r in rows:
        if r.get("slowest"):
            slow = "; ".join(f"{label} {t * 1e3:.0f} ms" for label, t in r["slowest"])
            print(f"{size:>8}  {name}: slowest: {slow}")
    for size, name, r in rows:
        p95 = percentile(r["all"], .95)
        raw = anchor.get(size)
        if r.get("cpu") and raw and raw.get("cpu"):
            cpu95 = percentile(r["cpu"], .95)
            print(f"{size:>8}  {name}: CPU p50 {_ms(r['cpu'], .5).strip()} ms, p95 "
                  f"{cpu95 * 1e3:.1f} ms ({cpu95 / percentile(raw['cpu'], .95):.2f}x raw "
                  f"Tantivy's CPU p95)")
        if name == "tantivy" and raw:
            ratio = p95 / percentile(raw["all"], .95)
            print(f"goal tantivy at {size}: p95 {p95 * 1e3:.1f} ms < 100 ms "
                  f"({'met' if p95 < 0.1 else 'NOT met'}), {ratio:.2f}x raw Tantivy <= 2x "
                  f"({'met' if ratio <= 2 else 'NOT met'}), indexing {r['rate']:.0f}/s "
                  f">= 10,000 ({'met' if r['rate'] >= 10_000 else 'NOT met'}); "
                  f"indexing {r['rate'] / raw['rate']:.2f}x raw; CPU {r['cpu_1k']:.3f} s per 1,000 "
                  f"articles, {r['cpu_1k'] / raw['cpu_1k']:.2f}x raw's {raw['cpu_1k']:.3f}")
            stems = anchor_stems.get(size)
            if stems:
                print(f"     against tantivy-raw-stems (words + stems in the engine): p95 "
                      f"{p95 / percentile(stems['all'], .95):.2f}x, indexing "
                      f"{r['rate'] / stems['rate']:.2f}x")
        if name == "sqlite":
            print(f"goal sqlite at {size}: p95 {p95 * 1e3:.1f} ms < 100 ms "
                  f"({'met' if p95 < 0.1 else 'NOT met'}), indexing {r['rate']:.0f}/s >= 2,000 "
                  f"({'met' if r['rate'] >= 2_000 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
