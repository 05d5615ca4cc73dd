"""Ingest throughput: extract + entities + index, against spaCy's NER-only nlp.pipe on the same texts.

    .venv/bin/python bench/ingest.py [--corpus DIR] [--repeat N] [--rounds R]
                                     [--real-pages [DIR]] [--workers W]

The corpus is the demo site's articles (scamscope/demo/site/articles/*.html),
repeated N times under distinct URLs so the run lasts long enough to measure.
Both sides are measured in this run, with models already loaded:
- scamscope: Analyzer.analyze (trafilatura, language, spaCy NER-only, gazetteers,
  money, relevance) in batches + upsert into a fresh SQLite index;
- baseline: spaCy nlp.pipe with only NER over the same extracted texts (the
  language's model; the English model for languages without one, which is what
  "raw spaCy" would be run with).
The sides alternate for R rounds; each side's best round counts (least disturbed).
The run reports all languages and the en+fr subset (where both sides run spaCy).
Prints articles/s of both and the ratio scamscope / baseline (issue 3 wants >= 0.75).

--real-pages also runs over real publishers' pages (the extraction benchmark corpus the
real-pages test finds, see tests/fixtures/realsite.py; or DIR), the way a crawl does:
analysis on W worker processes (nlp/workers.py; 0 = one per core) plus SQLite upserts,
start-up included, against one fresh process of raw spaCy NER-only (model load
included) over the texts scamscope extracted. Prints both rates, the ratio and W.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.base import open_index  # noqa: E402
from nlp.analyze import Analyzer  # noqa: E402
from nlp.entities import load_model  # noqa: E402
from nlp.options import NlpOptions  # noqa: E402
from nlp.records import Article, Page  # noqa: E402
from nlp.workers import AnalysisPool, default_workers  # noqa: E402


def load_corpus(directory: Path, repeat: int) -> list[Page]:
    files = sorted(directory.glob("*.html"))
    if not files:
        raise SystemExit(f"no .html files in {directory}")
    pages = []
    for n in range(repeat):
        for path in files:
            url = f"http://bench.example/{n}/{path.stem}"
            pages.append(Page(url=url, final_url=url, status=200, body=path.read_bytes(),
                              headers={"content-type": "text/html; charset=utf-8"},
                              source="bench"))
    return pages


def run_scamscope(analyzer: Analyzer, pages: list[Page], batch: int, db: Path) -> tuple[float, list]:
    index = open_index(f"sqlite://{db}")
    start = time.perf_counter()
    articles: list[Article] = []
    for i in range(0, len(pages), batch):
        done = [r for r in analyzer.analyze(pages[i:i + batch]) if isinstance(r, Article)]
        index.upsert(done)
        articles.extend(done)
    elapsed = time.perf_counter() - start
    close = getattr(index, "close", None)
    if close:
        close()
    return elapsed, articles


def run_baseline(analyzer: Analyzer, articles: list[Article], batch: int) -> float:
    default = analyzer.entities.model_name("en")
    groups: dict[str, list[str]] = {}
    for article in articles:
        name = analyzer.entities.model_name(article.lang) or default
        groups.setdefault(name, []).append(article.text)
    start = time.perf_counter()
    for name, texts in groups.items():
        for _ in load_model(name).pipe(texts, batch_size=batch):
            pass
    return time.perf_counter() - start


def run_pool(pages: list[Page], workers: int, batch: int, db: Path) -> tuple[float, list]:
    """Seconds for a fresh worker pool (start-up included) to analyse and index pages."""
    start = time.perf_counter()
    pool = AnalysisPool(NlpOptions(workers=workers))
    index = open_index(f"sqlite://{db}")
    articles: list[Article] = []

    def store(done) -> None:
        for _, results in done:
            kept = [r for r in results if isinstance(r, Article)]
            index.upsert(kept)
            articles.extend(kept)

    try:
        for i in range(0, len(pages), batch):
            pool.submit(pages[i:i + batch])
            store(pool.collect())
        store(pool.collect(block=True))
    finally:
        pool.close()
    elapsed = time.perf_counter() - start
    close = getattr(index, "close", None)
    if close:
        close()
    return elapsed, articles


_RAW_NER = """
import json, sys
from nlp.entities import load_model
for name, texts in json.load(open(sys.argv[1], encoding="utf-8")).items():
    for _ in load_model(name).pipe(texts, batch_size=int(sys.argv[2])):
        pass
"""


def run_raw_process(groups: dict[str, list[str]], batch: int, tmp: Path) -> float:
    """Seconds for one fresh process to load each model and run NER over its texts."""
    texts = tmp / "texts.json"
    texts.write_text(json.dumps(groups), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _RAW_NER, str(texts), str(batch)], check=True,
                   cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def real_pages(directory: Path | None, workers: int, rounds: int, batch: int) -> int:
    from tests.fixtures.realsite import CORPUS_HELP, load_corpus as load_real, real_pages_corpus

    directory = directory or real_pages_corpus()
    if directory is None or not (directory / "ground-truth.json").is_file():
        print(CORPUS_HELP, file=sys.stderr)
        return 2
    pages = [Page(url=p.url, final_url=p.url, status=200, body=p.html,
                  headers={"content-type": "text/html"}, source="bench")
             for p in load_real(directory)]
    workers = workers or default_workers()
    namer = Analyzer().entities
    default = namer.model_name("en")
    ours: list[float] = []
    base: list[float] = []
    articles: list[Article] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):  # interleaved, so machine load hits both sides
            elapsed, articles = run_pool(pages, workers, batch, Path(tmp) / f"r{r}.db")
            ours.append(elapsed)
            groups: dict[str, list[str]] = {}
            for article in articles:
                name = namer.model_name(article.lang) or default
                groups.setdefault(name, []).append(article.text)
            base.append(run_raw_process(groups, batch, Path(tmp)))
    n = len(articles)
    ours_rate, base_rate = n / min(ours), n / min(base)
    print(f"[real pages] {len(pages)} pages from {directory}, {n} articles, "
          f"{sum(len(a.text) for a in articles) / max(n, 1):.0f} characters each")
    print(f"  scamscope on {workers} worker(s), start-up included: {ours_rate:8.1f} articles/s")
    print(f"  raw spaCy NER-only, one process, model load included: {base_rate:8.1f} articles/s")
    print(f"  ratio: {ours_rate / base_rate:.2f} (analysis_workers {workers})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "scamscope/demo/site/articles")
    parser.add_argument("--repeat", type=int, default=5, help="copies of the corpus")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per side (best counts)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--real-pages", nargs="?", const="", default=None, metavar="DIR",
                        help="also run over the real-pages corpus (default: where the tests find it)")
    parser.add_argument("--workers", type=int, default=0,
                        help="analysis processes for --real-pages (0 = one per core)")
    args = parser.parse_args()

    pages = load_corpus(args.corpus, args.repeat)
    analyzer = Analyzer()
    analyzer.warm_up()
    analyzer.analyze(pages[:4])  # gazetteers, regexes, first-call costs
    langs = {r.fetched_url: r.lang for r in analyzer.analyze(pages) if isinstance(r, Article)}
    with_model = [p for p in pages if analyzer.entities.model_name(langs.get(p.url))]
    print(f"corpus: {len(pages)} pages ({args.corpus.name} x{args.repeat}); "
          f"{len(with_model)} in languages with a spaCy model")
    for label, subset in (("all languages", pages), ("en+fr only", with_model)):
        if not subset:
            continue
        ours: list[float] = []
        base: list[float] = []
        articles: list[Article] = []
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(args.rounds):  # interleaved, so machine load hits both sides
                elapsed, articles = run_scamscope(analyzer, subset, args.batch,
                                                  Path(tmp) / f"i{r}.db")
                ours.append(elapsed)
                base.append(run_baseline(analyzer, articles, args.batch))
        n = len(articles)
        ours_rate, base_rate = n / min(ours), n / min(base)
        chars = sum(len(a.text) for a in articles)
        print(f"[{label}] {n} articles, {chars / max(n, 1):.0f} characters each")
        print(f"  scamscope extract+entities+index: {ours_rate:8.1f} articles/s")
        print(f"  spaCy NER-only nlp.pipe:          {base_rate:8.1f} articles/s")
        print(f"  ratio: {ours_rate / base_rate:.2f}")
    if args.real_pages is not None:
        return real_pages(Path(args.real_pages) if args.real_pages else None, args.workers,
                          args.rounds, args.batch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
