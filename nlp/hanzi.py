"""Simplified and traditional Chinese forms of a name, for the alias tables.

Reporting on the same institutions comes from the mainland (simplified), Taiwan and Hong
Kong (traditional) and Malaysian Chinese papers (simplified): a table entry written in one
script must match text in the other. The character pairs are in data/hanzi_variants.tsv;
only characters that differ between the scripts are listed, so a name converts
character by character.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from nlp.gazetteer import data_rows

DATA = Path(__file__).parent / "data" / "hanzi_variants.tsv"


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[int, str]]:
    to_traditional: dict[int, str] = {}
    to_simplified: dict[int, str] = {}
    for row in data_rows(DATA):
        simplified, traditional = row[0].strip(), row[1].strip()
        to_traditional.setdefault(ord(simplified), traditional)
        to_simplified.setdefault(ord(traditional), simplified)
    return to_traditional, to_simplified


def script_variants(name: str) -> list[str]:
    """name in the other Chinese script(s), without name itself; [] when it has no Han
    character that differs between them."""
    out = []
    for table in _tables():
        other = name.translate(table)
        if other != name and other not in out:
            out.append(other)
    return out
