"""The multilingual thesaurus as data: concepts and entity names in many languages.

Two sources, both shipped tables (no download):
- nlp/data/concepts.tsv: rows of one concept are translations of each other
  (scam compound, trafficking, forced labour, raid, repatriation, sanctions...);
- the alias tables of places (places.tsv), countries (countries.tsv) and
  organisations (orgs.tsv): every alias of an entity names the same thing.

This module only reads the tables; matching query words against them (folding,
stemming) and rewriting queries is indexer.expansion's job.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.gazetteer import data_rows

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Entry:
    """One concept or entity: its names, each with a language (None: any / unknown)."""

    kind: str  # "concept" | "place" | "country" | "org"
    name: str  # concept id or canonical entity name
    terms: tuple[tuple[str | None, str], ...]  # (language, phrase), in table order


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Concepts first, then places, countries and organisations (earlier entries win
    when two share a phrase)."""
    return (*_concepts(), *_aliases("place", "places.tsv", name_col=0, alias_col=5),
            *_aliases("country", "countries.tsv", name_col=1, alias_col=2),
            *_aliases("org", "orgs.tsv", name_col=0, alias_col=1))


def _concepts() -> list[Entry]:
    terms: dict[str, list[tuple[str | None, str]]] = {}
    for row in data_rows(DATA / "concepts.tsv"):
        if len(row) < 4 or row[3] in ("", "-"):
            continue
        terms.setdefault(row[3], []).append((row[2] or None, row[0]))
    return [Entry("concept", name, tuple(t)) for name, t in terms.items()]


def _aliases(kind: str, filename: str, *, name_col: int, alias_col: int) -> list[Entry]:
    out = []
    for row in data_rows(DATA / filename):
        if len(row) <= name_col:
            continue
        name = row[name_col].strip()
        aliases = row[alias_col].split("|") if len(row) > alias_col else []
        names = list(dict.fromkeys(a.strip() for a in [name, *aliases] if a.strip()))
        if len(names) > 1:
            out.append(Entry(kind, name, tuple((None, a) for a in names)))
    return out
