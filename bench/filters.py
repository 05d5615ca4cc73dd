"""Filters by any name: does each gold place and organisation, used as a filter, find its article?

Every labelled article (tests/data/gold, and the held-out set tests/data/heldout when it is
there) goes through the real nlp stage (Analyzer.analyze_text: language, entities) into a
temporary SQLite index. Then each gold place and organisation of each article is used as
`--place` / `--org`, written two ways: as it appears in its article (any language, the
`text` and `also` surfaces) and as its canonical name. A trial succeeds when the search
(scamscope.filters.query_from_mapping with a resolver bound to the index, exactly what
`scamscope search` runs) returns the article.

Baseline, in the same run: the same trials with the value passed to the index as typed
(no alias resolution), which is what the filters did before names were resolved.

    .venv/bin/python bench/filters.py [--gold DIR ...] [--misses]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.query import Query  # noqa: E402
from indexer.sqlite import SQLiteIndex  # noqa: E402
from nlp.analyze import Analyzer  # noqa: E402
from nlp.evaluate import load_gold  # noqa: E402
from scamscope.errors import UserError  # noqa: E402
from scamscope.filters import query_from_mapping  # noqa: E402
from scamscope.names import index_bound  # noqa: E402

DEFAULT_GOLD = (ROOT / "tests" / "data" / "gold", ROOT / "tests" / "data" / "heldout")
FIELDS = {"places": "place", "orgs": "org"}


@dataclass
class Tally:
    found: int = 0
    trials: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, what: str) -> None:
        self.trials += 1
        self.found += ok
        if not ok:
            self.misses.append(what)

    @property
    def fraction(self) -> float:
        return self.found / self.trials if self.trials else 1.0


@dataclass
class Outcome:
    resolved: dict[str, Tally]  # "place/surface", "org/canonical"... -> tally
    baseline: dict[str, Tally]
    articles: int

    @staticmethod
    def total(tallies: dict[str, Tally]) -> Tally:
        out = Tally()
        for tally in tallies.values():
            out.found += tally.found
            out.trials += tally.trials
            out.misses.extend(tally.misses)
        return out


def gold_articles(dirs) -> list[dict]:
    out: list[dict] = []
    for directory in dirs:
        if Path(directory).is_dir():
            out.extend(load_gold(directory))
    return out


def trials(article: dict):
    """(field, form kind, name) of every gold place and organisation, each once."""
    for key, field_name in FIELDS.items():
        seen: set[tuple[str, str]] = set()
        for item in article.get(key) or []:
            forms = [("surface", item.get("text"))] + [("surface", a) for a in item.get("also") or []]
            forms.append(("canonical", item.get("name")))
            for kind, name in forms:
                if name and (kind, name) not in seen:
                    seen.add((kind, name))
                    yield field_name, kind, name


def measure(dirs=DEFAULT_GOLD, *, analyzer: Analyzer | None = None) -> Outcome:
    articles = gold_articles(dirs)
    analyzer = analyzer or Analyzer()
    with tempfile.TemporaryDirectory() as tmp:
        index = SQLiteIndex(str(Path(tmp) / "gold.db"))
        try:
            ids = {}
            records = []
            for gold in articles:
                record = analyzer.analyze_text(gold["text"], url=f"https://gold.example/{gold['id']}",
                                               title=gold.get("title") or "", lang=gold.get("lang"))
                ids[gold["id"]] = record.id
                records.append(record)
            index.upsert(records)
            names = index_bound(index)
            resolved: dict[str, Tally] = {}
            baseline: dict[str, Tally] = {}
            for gold in articles:
                for field_name, kind, name in trials(gold):
                    what = f"{gold['id']}: --{field_name} {name!r}"
                    label = f"{field_name}/{kind}"
                    try:
                        query = query_from_mapping({field_name: [name]}, limit=len(articles),
                                                   names=names)
                        ok = ids[gold["id"]] in {h.id for h in index.search(query).hits}
                    except UserError as exc:
                        ok, what = False, f"{what} ({exc})"
                    resolved.setdefault(label, Tally()).add(ok, what)
                    side = {"place": "places", "org": "orgs"}[field_name]
                    raw = Query(**{side: [name]}, limit=len(articles), facets=False)
                    baseline.setdefault(label, Tally()).add(
                        ids[gold["id"]] in {h.id for h in index.search(raw).hits}, what)
        finally:
            index.close()
    return Outcome(resolved, baseline, len(articles))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", action="append", type=Path, default=None,
                        help="gold directory (repeatable; default tests/data/gold and "
                             "tests/data/heldout)")
    parser.add_argument("--misses", action="store_true", help="list the names that failed")
    args = parser.parse_args(argv)
    outcome = measure(args.gold or DEFAULT_GOLD)
    print(f"{outcome.articles} gold articles indexed by the real nlp stage\n")
    print(f"{'filter/form':<20} {'trials':>6} {'resolved':>9} {'as typed':>9}")
    for label in sorted(outcome.resolved):
        new, old = outcome.resolved[label], outcome.baseline[label]
        print(f"{label:<20} {new.trials:6d} {new.fraction:9.3f} {old.fraction:9.3f}")
    new, old = Outcome.total(outcome.resolved), Outcome.total(outcome.baseline)
    print(f"{'all':<20} {new.trials:6d} {new.fraction:9.3f} {old.fraction:9.3f}")
    ratio = new.fraction / old.fraction if old.fraction else float("inf")
    print(f"\nfound its article: {new.fraction:.3f} of {new.trials} names "
          f"(as typed, without resolution: {old.fraction:.3f}; ratio {ratio:.2f})")
    if args.misses:
        print("\nmisses:")
        for miss in new.misses:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
