"""Ingest throughput: extract + entities + index, against spaCy's NER-only nlp.pipe on the same texts.

    .venv/bin/python bench/ingest.py [--corpus DIR] [--repeat N] [--rounds R]

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
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.base import open_index  # noqa: E402
from nlp.analyze import Analyzer  # noqa: E402
from nlp.entities import load_model  # noqa: E402
from nlp.records import Article, Page  # noqa: E402


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "scamscope/demo/site/articles")
    parser.add_argument("--repeat", type=int, default=5, help="copies of the corpus")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per side (best counts)")
    parser.add_argument("--batch", type=int, default=32)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
