"""Must show: each gold place and organisation, written as in its article (any language) or as
its canonical name and used as --place / --org, finds its article (bench/filters.py, pinned)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Measured when pinned: tuned gold set (68 articles, 1,752 names) 0.971 with names resolved,
# 0.937 passed as typed; held-out set (32 articles, 955 names, never tuned on) 0.896 vs 0.859.
# "As typed" is high since the index keeps each entity's surfaces as filter keys
# (indexer.fields); resolution adds the canonical names the articles do not write.
# Nearly every miss is an entity the nlp stage did not find in that article, or named in
# another language than the gold's canonical name (organisations in zh/th/ms/id above all).
FLOORS = {"gold": 0.96, "heldout": 0.88}


def bench():
    """bench/filters.py as a module (bench/ is scripts, not a package)."""
    if "bench_filters" in sys.modules:
        return sys.modules["bench_filters"]
    spec = importlib.util.spec_from_file_location("bench_filters", ROOT / "bench" / "filters.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_gold_names_used_as_filters_find_their_articles(name):
    module = bench()
    outcome = module.measure([ROOT / "tests" / "data" / name])
    resolved = module.Outcome.total(outcome.resolved)
    typed = module.Outcome.total(outcome.baseline)
    assert resolved.trials >= 900  # every place and organisation, two spellings each
    assert resolved.fraction >= FLOORS[name], "\n".join(resolved.misses[:40])
    assert resolved.fraction >= typed.fraction
    # what resolving names adds: canonical names of organisations the articles write otherwise
    canonical = outcome.resolved["org/canonical"], outcome.baseline["org/canonical"]
    assert canonical[0].fraction > canonical[1].fraction + 0.05
    # names as the articles write them, in every language, find their articles
    assert outcome.baseline["org/surface"].fraction >= 0.9
    # places as written in the articles, in every language, resolve
    assert outcome.resolved["place/surface"].fraction >= 0.9
