"""Real publishers' pages: scamscope's full pipeline against bare trafilatura, same pages, same run.

Serves every page of a corpus laid out like ScrapingHub's article-extraction-benchmark
(ground-truth.json {id: {articleBody, url}} and html/<id>.html.gz) from one local site at
its original path, crawls the site's sitemap with `scamscope crawl` on a fresh data dir,
reads every stored article back, and prints pages stored / lost / duplicated, the crawl's
time, and body token F1 (nlp.evaluate.body_prf) of the stored text and of bare
`trafilatura.extract` (default options) against the ground truth, with their ratio.
The corpus must not be committed to this repository.

    .venv/bin/python bench/realpages.py [CORPUS_DIR] [--timeout 1800] [--worst 10]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixtures.realsite import CORPUS_HELP, measure_real_pages, real_pages_corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="corpus directory (default: as the test finds it)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds before the crawl counts as hung and is killed")
    parser.add_argument("--worst", type=int, default=10,
                        help="list the pages where we fall furthest behind trafilatura")
    args = parser.parse_args()
    corpus = Path(args.corpus) if args.corpus else real_pages_corpus()
    if corpus is None or not (corpus / "ground-truth.json").is_file():
        print(CORPUS_HELP, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        report = measure_real_pages(corpus, data_dir, timeout=args.timeout)
    for line in report.lines():
        print(line)
    if report.crawl_summary:
        print("crawl: " + ", ".join(f"{k} {report.crawl_summary.get(k)}" for k in
                                    ("fetched", "passed", "indexed", "failed_total")
                                    if k in report.crawl_summary)
              + f"; failed {report.crawl_summary.get('failed', {})}")
    if report.lost:
        more = f" (+{len(report.lost) - 10} more)" if len(report.lost) > 10 else ""
        print(f"lost: {' '.join(i[:16] for i in report.lost[:10])}{more}")
    behind = sorted(report.per_page.items(), key=lambda kv: kv[1][0] - kv[1][1])[:args.worst]
    if behind:
        print("furthest behind trafilatura (id: ours / trafilatura):")
        for page_id, (ours, theirs) in behind:
            print(f"  {page_id[:16]}  {ours:.3f} / {theirs:.3f}")
    print(json.dumps({"pages": report.pages, "stored": report.stored, "lost": len(report.lost),
                      "duplicated": len(report.duplicated), "hung": report.crawl_code is None,
                      "crawl_seconds": round(report.crawl_seconds, 1),
                      "ours_f1": round(report.ours_f1, 4),
                      "trafilatura_f1": round(report.trafilatura_f1, 4),
                      "ratio": round(report.ratio, 4)}))
    return 0 if report.crawl_code == 0 and not report.lost and not report.duplicated else 1


if __name__ == "__main__":
    raise SystemExit(main())
