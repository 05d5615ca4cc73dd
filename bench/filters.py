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

Each miss is told apart by whether the nlp stage extracted the entity in that article
(a predicted place or organisation shares a key with the gold one, nlp.evaluate's rule):
an entity extracted but not found is the filter's fault (its name does not resolve to
what was indexed); one not extracted is the extraction's. Precision: a returned article
other than the trial's own is "foreign" when its gold labels no entity sharing a key with
the typed entity's (name, text, `also`): a filter widened to articles that do not
mention the entity shows there (an upper bound: gold labels are not exhaustive).

    .venv/bin/python bench/filters.py [--gold DIR ...] [--misses] [--backend B]
    B: sqlite (default), tantivy, or a cluster URL (http://host:port)
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

from indexer.base import is_cluster_url, open_index as open_url  # noqa: E402
from indexer.query import Query  # noqa: E402
from nlp.analyze import Analyzer  # noqa: E402
from nlp.evaluate import load_gold, norm  # noqa: E402
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
    extracted: int = 0  # misses whose entity the nlp stage did extract in that article
    foreign: int = 0  # returned articles whose gold lacks the entity
    misses: list[str] = field(default_factory=list)
    wide: list[str] = field(default_factory=list)  # trials that returned foreign articles

    def add(self, ok: bool, what: str, unknown: bool = False, returned: int = 0,
            extracted: bool = False, foreign: int = 0) -> None:
        self.trials += 1
        self.found += ok
        self.unknown += unknown
        self.returned += returned
        self.foreign += foreign
        if foreign:
            self.wide.append(f"{what} (+{foreign} foreign)")
        if not ok:
            self.extracted += extracted
            self.misses.append(("[extracted] " if extracted else "[not extracted] ") + what)

    def merge(self, other: "Tally") -> None:
        for name in ("found", "trials", "unknown", "returned", "extracted", "foreign"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses.extend(other.misses)
        self.wide.extend(other.wide)

    @property
    def fraction(self) -> float:
        return self.found / self.trials if self.trials else 1.0

    @property
    def breadth(self) -> float:
        return self.returned / self.trials if self.trials else 0.0

    @property
    def foreign_share(self) -> float:
        """Of the articles returned besides each trial's own, the share whose gold lacks
        the entity."""
        others = self.returned - self.found
        return self.foreign / others if others > 0 else 0.0


@dataclass
class Outcome:
    resolved: dict[str, Tally]  # "place/surface", "org/canonical"... -> tally
    baseline: dict[str, Tally]
    articles: int

    @staticmethod
    def total(tallies: dict[str, Tally]) -> Tally:
        out = Tally()
        for tally in tallies.values():
            out.merge(tally)
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


def analyse_gold(articles: list[dict], analyzer: Analyzer | None = None) -> list[Article]:
    """The gold articles through the real nlp stage, in order."""
    results = (analyzer or Analyzer()).analyze([gold_page(a) for a in articles])
    refused = [a["id"] for a, r in zip(articles, results) if not isinstance(r, Article)]
    if refused:
        raise RuntimeError(f"the nlp stage refused gold articles: {refused}")
    return results


def index_gold(articles: list[dict], index, analyzer: Analyzer | None = None) -> dict[str, str]:
    """Analyse and index the gold articles; gold id -> article id."""
    results = analyse_gold(articles, analyzer)
    index.upsert(results)
    return {a["id"]: r.id for a, r in zip(articles, results)}


def gold_keys(item: dict) -> set[str]:
    """nlp.evaluate's keys of a gold entity: name, text and `also`, normalised."""
    keys = {norm(item.get("name")), norm(item.get("text"))}
    keys.update(norm(x) for x in item.get("also") or ())
    keys.discard("")
    return keys


def was_extracted(item: dict, predicted) -> bool:
    """Did the nlp stage find this gold entity in its article (a predicted entity of the
    same kind sharing a key with it)?"""
    keys = gold_keys(item)
    return any({norm(p.name), norm(p.text)} & keys for p in predicted)


def labelled(article: dict, side: str) -> set[str]:
    """Every key of the article's gold entities of one kind."""
    return set().union(*(gold_keys(item) for item in article.get(side) or []))


def trials(article: dict):
    """(field, form kind, name, gold entity) of every gold place and organisation, each
    name once."""
    for key, field_name in FIELDS.items():
        seen: set[tuple[str, str]] = set()
        for item in article.get(key) or []:
            forms = [("surface", item.get("text"))] + [("surface", a) for a in item.get("also") or []]
            forms.append(("canonical", item.get("name")))
            for kind, name in forms:
                if name and (kind, name) not in seen:
                    seen.add((kind, name))
                    yield field_name, kind, name, item


def open_index(backend: str, directory: str):
    """A fresh, empty index of the backend: sqlite, tantivy or a cluster URL (an index of
    its own there, dropped by close_index)."""
    if backend in ("sqlite", "tantivy"):
        name = "gold.db" if backend == "sqlite" else "gold.tantivy"
        options = {"analysis_processes": 0} if backend == "tantivy" else {}
        return open_url(f"{backend}://{Path(directory) / name}", **options)
    if is_cluster_url(backend):
        import uuid

        return open_url(backend, index_name=f"scamscope-bench-{uuid.uuid4().hex[:12]}")
    raise ValueError(f"backend must be sqlite, tantivy or a cluster URL, not {backend!r}")


def close_index(index) -> None:
    if hasattr(index, "drop"):  # a cluster index: leave nothing behind on the shared cluster
        index.drop()
    index.close()


def measure(dirs=DEFAULT_GOLD, *, analyzer: Analyzer | None = None,
            backend: str = "sqlite") -> Outcome:
    articles = gold_articles(dirs)
    analyzer = analyzer or Analyzer()
    results = analyse_gold(articles, analyzer)
    ids = {a["id"]: r.id for a, r in zip(articles, results)}
    by_id = {r.id: a for a, r in zip(articles, results)}
    predicted = {a["id"]: r.entities for a, r in zip(articles, results)}
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(backend, tmp)
        try:
            index.upsert(results)
            names = index_bound(index)
            resolved: dict[str, Tally] = {}
            baseline: dict[str, Tally] = {}
            for gold in articles:
                for field_name, kind, name, item in trials(gold):
                    side = {"place": "places", "org": "orgs"}[field_name]
                    extracted = was_extracted(item, getattr(predicted[gold["id"]], side))
                    keys = gold_keys(item)

                    def foreign(hits: set[str]) -> int:
                        return sum(1 for hit in hits if hit != ids[gold["id"]]
                                   and not labelled(by_id[hit], side) & keys)

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
                    resolved.setdefault(label, Tally()).add(
                        ok, what, unknown, len(hits), extracted, foreign(hits))
                    raw = Query(**{side: [name]}, limit=len(articles), facets=False)
                    hits = {h.id for h in index.search(raw).hits}
                    baseline.setdefault(label, Tally()).add(
                        ids[gold["id"]] in hits, what, returned=len(hits), extracted=extracted,
                        foreign=foreign(hits))
        finally:
            close_index(index)
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
          f"misses, {new.extracted} are entities the nlp stage extracted in that article "
          f"(the filter's share: {new.extracted / new.trials:.3f} of the names) and "
          f"{missed - new.extracted} entities it did not extract there; {new.unknown} of all "
          f"misses are names refused as unknown.")
    print(f"precision: of the articles returned besides each name's own, "
          f"{new.foreign_share:.3f} have no such entity in their gold ({new.foreign} of "
          f"{new.returned - new.found}; as typed: {old.foreign_share:.3f}, {old.foreign} of "
          f"{old.returned - old.found}).\n")
    if misses:
        print("misses:")
        for miss in sorted(new.misses):
            print("  " + miss)
        print("\nnames returning articles whose gold lacks the entity:")
        for wide in new.wide:
            print("  " + wide)
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", action="append", type=Path, default=None,
                        help="gold directory, each measured on its own (repeatable; default "
                             "tests/data/gold and tests/data/heldout)")
    parser.add_argument("--misses", action="store_true",
                        help="list the names that failed, and those that returned articles "
                             "whose gold lacks the entity")
    parser.add_argument("--backend", default="sqlite",
                        help="sqlite (default), tantivy, or a search cluster's URL")
    args = parser.parse_args(argv)
    analyzer = Analyzer()
    outcomes = []
    for directory in args.gold or DEFAULT_GOLD:
        if Path(directory).is_dir():
            outcome = measure([directory], analyzer=analyzer, backend=args.backend)
            outcomes.append(outcome)
            report(Path(directory).name, outcome, args.misses)
    new = Outcome.total({str(i): Outcome.total(o.resolved) for i, o in enumerate(outcomes)})
    old = Outcome.total({str(i): Outcome.total(o.baseline) for i, o in enumerate(outcomes)})
    print(f"all sets: found its article {new.fraction:.3f} of {new.trials} names "
          f"(as typed: {old.fraction:.3f}); misses of extracted entities (the filter's "
          f"share) {new.extracted}, of entities not extracted {new.trials - new.found - new.extracted}; "
          f"foreign articles returned {new.foreign_share:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
