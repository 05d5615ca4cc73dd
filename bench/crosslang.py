"""Search across languages: what --all-languages finds that the plain query misses.

On the labelled mixed-language corpus tests/data/crosslang.json (short news items
in nine languages, relevance labels per English query written before any run),
each English query runs twice on the same index: as typed, and expanded through
the thesaurus (Query.all_languages). Per query it prints the relevant non-English
articles found with and without expansion (of how many are labelled), the
non-relevant non-English articles each returns (the price in precision), and
totals with the ratio.

    .venv/bin/python bench/crosslang.py [--index sqlite:///tmp/x.db | http://host:9200] [--json]

Without --index it builds a fresh SQLite index in a temporary directory; with a
cluster URL it uses an index of its own there and drops it at the end.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.base import is_cluster_url, open_index  # noqa: E402
from indexer.query import Query  # noqa: E402
from nlp.identity import article_id, content_hash  # noqa: E402
from nlp.records import Article  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "crosslang.json"


@dataclass
class Row:
    query: str
    relevant_foreign: int  # labelled relevant, not English
    plain: int  # of those, found by the plain query
    expanded: int  # of those, found with --all-languages
    plain_noise: int  # non-relevant non-English articles returned
    expanded_noise: int


def load_corpus(path: Path = CORPUS) -> tuple[list[Article], dict[str, str], list[dict]]:
    """The corpus as Articles, corpus id by article id, and the labelled queries."""
    data = json.loads(path.read_text("utf-8"))
    articles, key_of = [], {}
    when = datetime(2025, 3, 1, tzinfo=timezone.utc)
    for item in data["articles"]:
        url = f"https://crosslang.example/{item['lang']}/{item['id']}"
        article = Article(id=article_id(url), url=url, title=item["title"], text=item["text"],
                          lang=item["lang"], published=when, source=f"crosslang-{item['lang']}",
                          fetched_at=when, content_hash=content_hash(item["text"]))
        articles.append(article)
        key_of[article.id] = item["id"]
    return articles, key_of, data["queries"]


def found(index, text: str, all_languages: bool, key_of: dict[str, str]) -> set[str]:
    results = index.search(Query(text=text, all_languages=all_languages, limit=1000,
                                 facets=False))
    return {key_of[h.id] for h in results.hits}


def measure(index, key_of: dict[str, str], queries: list[dict],
            lang_of: dict[str, str]) -> list[Row]:
    rows = []
    for q in queries:
        relevant = set(q["relevant"])
        foreign = {k for k in relevant if lang_of[k] != "en"}
        other = {k for k in lang_of if lang_of[k] != "en"} - relevant
        plain = found(index, q["q"], False, key_of)
        expanded = found(index, q["q"], True, key_of)
        rows.append(Row(q["q"], len(foreign), len(plain & foreign), len(expanded & foreign),
                        len(plain & other), len(expanded & other)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="an index URL to load the corpus into (default: a "
                                         "temporary SQLite file)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    articles, key_of, queries = load_corpus()
    lang_of = {key_of[a.id]: a.lang for a in articles}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.index or f"sqlite:///{tmp}/crosslang.db"
        cluster = is_cluster_url(url)
        # on a cluster, an index of its own, dropped afterwards
        options = {"index_name": f"scamscope-bench-crosslang-{uuid.uuid4().hex[:8]}"} \
            if cluster else {}
        index = open_index(url, **options)
        try:
            index.upsert(articles)
            rows = measure(index, key_of, queries, lang_of)
        finally:
            if cluster:
                index.drop()  # type: ignore[attr-defined]
            index.close()
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2))
        return 0
    print(f"{'query':<20} {'relevant':>8} {'plain':>6} {'all-lang':>8}   "
          f"{'noise plain':>11} {'noise all-lang':>14}")
    for r in rows:
        print(f"{r.query:<20} {r.relevant_foreign:>8} {r.plain:>6} {r.expanded:>8}   "
              f"{r.plain_noise:>11} {r.expanded_noise:>14}")
    total = sum(r.relevant_foreign for r in rows)
    plain, expanded = sum(r.plain for r in rows), sum(r.expanded for r in rows)
    noise_plain, noise_expanded = sum(r.plain_noise for r in rows), sum(r.expanded_noise for r in rows)
    print(f"{'total':<20} {total:>8} {plain:>6} {expanded:>8}   {noise_plain:>11} "
          f"{noise_expanded:>14}")
    print(f"\nrelevant non-English articles found: {plain}/{total} ({plain / total:.0%}) plain, "
          f"{expanded}/{total} ({expanded / total:.0%}) with --all-languages "
          f"(+{expanded - plain}); non-relevant non-English returned: "
          f"{noise_plain} plain, {noise_expanded} with --all-languages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
