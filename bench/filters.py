"""Filters by any name: does each gold place and organisation, used as a filter, find its article?

Every labelled article (tests/data/gold, and the held-out set tests/data/heldout when it is
there) is served as a plain news page and goes through the real nlp stage
(Analyzer.analyze: extraction, language, entities) into a temporary SQLite index. Then each gold place and organisation of each article is used as
`--place` / `--org`, written two ways: as it appears in its article (any language, the
`text` and `also` surfaces) and as its canonical name. A trial succeeds when the search
(scamscope.filters.query_from_mapping with a resolver bound to the index, exactly what
`scamscope search` runs) returns the article.

Baseline, in the same run: the same trials with the value passed to the index as typed
(no alias resolution), which is what the filters did before names were resolved (the
index still matches the surfaces each entity was written under: indexer.fields).
Beside each share, the mean number of articles a name returns: resolution that found
more by matching everything would show there.

    .venv/bin/python bench/filters.py [--gold DIR ...] [--misses]
"""
from __future__ import annotations

import argparse
import html
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
from nlp.records import Article, Page  # noqa: E402
from scamscope.errors import UserError  # noqa: E402
from scamscope.filters import query_from_mapping  # noqa: E402
from scamscope.names import index_bound  # noqa: E402

DEFAULT_GOLD = (ROOT / "tests" / "data" / "gold", ROOT / "tests" / "data" / "heldout")
FIELDS = {"places": "place", "orgs": "org"}


@dataclass
class Tally:
    found: int = 0
    trials: int = 0
    unknown: int = 0  # misses whose name neither the tables nor the index know
    returned: int = 0  # articles returned, all trials together
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, what: str, unknown: bool = False, returned: int = 0) -> None:
        self.trials += 1
        self.found += ok
        self.unknown += unknown
        self.returned += returned
        if not ok:
            self.misses.append(what)

    @property
    def fraction(self) -> float:
        return self.found / self.trials if self.trials else 1.0

    @property
    def breadth(self) -> float:
        return self.returned / self.trials if self.trials else 0.0


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
            out.unknown += tally.unknown
            out.returned += tally.returned
            out.misses.extend(tally.misses)
        return out


def gold_articles(dirs) -> list[dict]:
    out: list[dict] = []
    for directory in dirs:
        if Path(directory).is_dir():
            out.extend(load_gold(directory))
    return out


def gold_page(article: dict) -> Page:
    """The article as a news site would serve it (headline, navigation, footer)."""
    title = html.escape(article.get("title") or "")
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n\n"))
    body = (f'<!doctype html><html><head><meta charset="utf-8"><title>{title} | Gold Wire</title>'
            f'</head><body><nav><a href="/">Home</a></nav><h1>{title}</h1><article>'
            f'{paragraphs}</article><footer>© Gold Wire</footer></body></html>')
    url = f"https://gold.example/news/{article['id']}"
    return Page(url=url, final_url=url, status=200, body=body.encode("utf-8"),
                headers={"content-type": "text/html; charset=utf-8"})


def index_gold(articles: list[dict], index, analyzer: Analyzer | None = None) -> dict[str, str]:
    """Analyse and index the gold articles; gold id -> article id."""
    results = (analyzer or Analyzer()).analyze([gold_page(a) for a in articles])
    refused = [a["id"] for a, r in zip(articles, results) if not isinstance(r, Article)]
    if refused:
        raise RuntimeError(f"the nlp stage refused gold articles: {refused}")
    index.upsert(results)
    return {a["id"]: r.id for a, r in zip(articles, results)}


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
            ids = index_gold(articles, index, analyzer)
            names = index_bound(index)
            resolved: dict[str, Tally] = {}
            baseline: dict[str, Tally] = {}
            for gold in articles:
                for field_name, kind, name in trials(gold):
                    what = f"{gold['id']}: --{field_name} {name!r}"
                    label = f"{field_name}/{kind}"
                    unknown, hits = False, set()
                    try:
                        query = query_from_mapping({field_name: [name]}, limit=len(articles),
                                                   names=names)
                        hits = {h.id for h in index.search(query).hits}
                        ok = ids[gold["id"]] in hits
                    except UserError as exc:
                        ok, unknown, what = False, True, f"{what} ({exc})"
                    resolved.setdefault(label, Tally()).add(ok, what, unknown, len(hits))
                    side = {"place": "places", "org": "orgs"}[field_name]
                    raw = Query(**{side: [name]}, limit=len(articles), facets=False)
                    hits = {h.id for h in index.search(raw).hits}
                    baseline.setdefault(label, Tally()).add(
                        ids[gold["id"]] in hits, what, returned=len(hits))
        finally:
            index.close()
    return Outcome(resolved, baseline, len(articles))


def report(name: str, outcome: Outcome, misses: bool) -> None:
    print(f"== {name}: {outcome.articles} articles indexed by the real nlp stage\n")
    print(f"{'filter/form':<20} {'trials':>6} {'resolved':>9} {'as typed':>9} "
          f"{'articles/name':>14} {'as typed':>9}")
    rows = [(label, outcome.resolved[label], outcome.baseline[label])
            for label in sorted(outcome.resolved)]
    rows.append(("all", Outcome.total(outcome.resolved), Outcome.total(outcome.baseline)))
    for label, new, old in rows:
        print(f"{label:<20} {new.trials:6d} {new.fraction:9.3f} {old.fraction:9.3f} "
              f"{new.breadth:14.2f} {old.breadth:9.2f}")
    new, old = rows[-1][1], rows[-1][2]
    ratio = new.fraction / old.fraction if old.fraction else float("inf")
    missed = new.trials - new.found
    print(f"\n{name}: found its article {new.fraction:.3f} of {new.trials} names (as typed, "
          f"without resolution: {old.fraction:.3f}; ratio {ratio:.2f}). Of the {missed} "
          f"misses, {new.unknown} are names neither the alias tables nor the index hold (the nlp "
          f"stage did not find the entity anywhere, or named it otherwise) and "
          f"{missed - new.unknown} resolve but the stage did not tag this article with them.\n")
    if misses:
        print("misses:")
        for miss in new.misses:
            print("  " + miss)
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", action="append", type=Path, default=None,
                        help="gold directory, each measured on its own (repeatable; default "
                             "tests/data/gold and tests/data/heldout)")
    parser.add_argument("--misses", action="store_true", help="list the names that failed")
    args = parser.parse_args(argv)
    analyzer = Analyzer()
    outcomes = []
    for directory in args.gold or DEFAULT_GOLD:
        if Path(directory).is_dir():
            outcome = measure([directory], analyzer=analyzer)
            outcomes.append(outcome)
            report(Path(directory).name, outcome, args.misses)
    new = Outcome.total({str(i): Outcome.total(o.resolved) for i, o in enumerate(outcomes)})
    old = Outcome.total({str(i): Outcome.total(o.baseline) for i, o in enumerate(outcomes)})
    print(f"all sets: found its article {new.fraction:.3f} of {new.trials} names "
          f"(as typed: {old.fraction:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
