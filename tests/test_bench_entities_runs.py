"""bench/entities.py runs end to end on the gold set and prints both systems side by side."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_entities_prints_scores_and_throughput_ratio():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "entities.py"), "--rounds", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600, check=True).stdout
    assert "spaCy P" in out and "scamscope P" in out
    for kind in ("places", "countries", "orgs", "money"):
        assert f"\n{kind} " in out
    assert "ratio scamscope/spaCy" in out
    # the held-out set (never tuned on) comes first, beside the tuned one
    assert 0 <= out.index("HELD-OUT") < out.index("dev batch 2") < out.index("tuned set")
