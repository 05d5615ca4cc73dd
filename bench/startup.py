"""Start-up tax: a cold `scamscope extract page.html --json` against a bare `spacy.load`
of that page's model, for an English and a French page, in the same run.

    .venv/bin/python bench/startup.py [--rounds 5]

Each round runs, in fresh processes and alternately (so load on a shared machine hits
both alike): `python -c "import spacy; spacy.load(MODEL)"` and `python -m scamscope
extract PAGE --json` on an empty data dir. The compiled tables are in the cache
(nlp/cache.py) from a first, untimed extract, as they are after install or any run;
that first run's time (which builds them) is printed too. Prints the median wall time
and CPU time (user + system) of each and their ratios. Issue 12 asks for <= 1.5.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAGES = {"en": REPO / "tests" / "data" / "html" / "article_en.html",
         "fr": REPO / "tests" / "data" / "html" / "article_fr.html"}


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a child process run to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, cwd=str(REPO))
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from nlp.entities import installed_model
    from nlp.options import DEFAULT_MODELS

    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        for lang, page in PAGES.items():
            model = installed_model(DEFAULT_MODELS[lang])
            if model is None:
                print(f"no spaCy model for {lang} installed ({', '.join(DEFAULT_MODELS[lang])})",
                      file=sys.stderr)
                return 2
            bare = [sys.executable, "-c", f"import spacy; spacy.load({model!r})"]

            def extract(n: int) -> list[str]:
                data = Path(tmp) / f"data-{lang}-{n}"
                return [sys.executable, "-m", "scamscope", "--data-dir", str(data),
                        "extract", str(page), "--json"]

            first = timed(extract(0), env)  # builds the cache when it is empty
            bares, ours = [], []
            for n in range(1, args.rounds + 1):
                bares.append(timed(bare, env))
                ours.append(timed(extract(n), env))
            med = {name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
                   for name, runs in (("bare", bares), ("extract", ours))}
            wall_ratio = med["extract"][0] / med["bare"][0]
            cpu_ratio = med["extract"][1] / med["bare"][1]
            print(f"{lang}: bare spacy.load({model}) {med['bare'][0]:.2f}s wall {med['bare'][1]:.2f}s CPU;"
                  f" extract --json {med['extract'][0]:.2f}s wall {med['extract'][1]:.2f}s CPU;"
                  f" ratio {wall_ratio:.2f} wall, {cpu_ratio:.2f} CPU"
                  f" (first run, building the cache: {first[0]:.2f}s)")
            report[lang] = {"model": model, "bare_seconds": round(med["bare"][0], 2),
                            "extract_seconds": round(med["extract"][0], 2),
                            "ratio_wall": round(wall_ratio, 2), "ratio_cpu": round(cpu_ratio, 2),
                            "first_run_seconds": round(first[0], 2)}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
