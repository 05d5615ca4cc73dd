"""Start-up tax: a cold `scamscope extract page.html --json` against a bare `spacy.load`
of that page's model, for an English and a French page, in the same run.

    .venv/bin/python bench/startup.py [--rounds 5]

Each round runs, in fresh processes and alternately (so load on a shared machine hits
both alike): `python -c "import spacy; spacy.load(MODEL)"` and `python -m scamscope
extract PAGE --json` on an empty data dir. The compiled tables are in the cache
(nlp/cache.py) from a first, untimed extract, as they are after install or any run;
that first run's time (which builds them) is printed too. Prints the median wall time
and CPU time (user + system) of each and their ratios. Issue 12 asks for <= 1.5.

`scamscope` skips the collector's pass over every object at exit (scamscope/cli.py);
a bare `spacy.load` pays it. So a third process is timed too, `spacy.load` ending the
same way, and the ratio to it is printed as well: what our start-up costs beyond
spaCy's with the exit taken out of the comparison. The load average before and after
says how busy the machine was; CPU time moves less with load than wall time.
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


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from nlp.entities import installed_model
    from nlp.options import DEFAULT_MODELS

    report: dict = {}
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        for lang, page in PAGES.items():
            model = installed_model(DEFAULT_MODELS[lang])
            if model is None:
                print(f"no spaCy model for {lang} installed ({', '.join(DEFAULT_MODELS[lang])})",
                      file=sys.stderr)
                return 2
            bare = [sys.executable, "-c", f"import spacy; spacy.load({model!r})"]
            bare_frozen = [sys.executable, "-c",
                           f"import gc, spacy; spacy.load({model!r}); gc.freeze()"]

            def extract(n: int) -> list[str]:
                data = Path(tmp) / f"data-{lang}-{n}"
                return [sys.executable, "-m", "scamscope", "--data-dir", str(data),
                        "extract", str(page), "--json"]

            first = timed(extract(0), env)  # builds the cache when it is empty
            runs: dict[str, list[tuple[float, float]]] = {"bare": [], "bare_frozen": [],
                                                           "extract": []}
            for n in range(1, args.rounds + 1):
                runs["bare"].append(timed(bare, env))
                runs["extract"].append(timed(extract(n), env))
                runs["bare_frozen"].append(timed(bare_frozen, env))
            med = {name: (statistics.median(w for w, _ in times),
                          statistics.median(c for _, c in times))
                   for name, times in runs.items()}
            wall_ratio = med["extract"][0] / med["bare"][0]
            cpu_ratio = med["extract"][1] / med["bare"][1]
            strict_wall = med["extract"][0] / med["bare_frozen"][0]
            strict_cpu = med["extract"][1] / med["bare_frozen"][1]
            print(f"{lang}: bare spacy.load({model}) {med['bare'][0]:.2f}s wall {med['bare'][1]:.2f}s CPU;"
                  f" extract --json {med['extract'][0]:.2f}s wall {med['extract'][1]:.2f}s CPU;"
                  f" ratio {wall_ratio:.2f} wall, {cpu_ratio:.2f} CPU"
                  f" (first run, building the cache: {first[0]:.2f}s)")
            print(f"{lang}: against spacy.load with the same exit ({med['bare_frozen'][0]:.2f}s wall"
                  f" {med['bare_frozen'][1]:.2f}s CPU): ratio {strict_wall:.2f} wall,"
                  f" {strict_cpu:.2f} CPU")
            report[lang] = {"model": model, "rounds": args.rounds,
                            "bare_seconds": round(med["bare"][0], 2),
                            "bare_cpu_seconds": round(med["bare"][1], 2),
                            "extract_seconds": round(med["extract"][0], 2),
                            "extract_cpu_seconds": round(med["extract"][1], 2),
                            "ratio_wall": round(wall_ratio, 2), "ratio_cpu": round(cpu_ratio, 2),
                            "ratio_wall_same_exit": round(strict_wall, 2),
                            "ratio_cpu_same_exit": round(strict_cpu, 2),
                            "first_run_seconds": round(first[0], 2)}
    report["load_average"] = {"before": load_before, "after": _load()}
    print(f"load average (1 min) before {load_before}, after {report['load_average']['after']}"
          f" on {os.cpu_count()} cores")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
