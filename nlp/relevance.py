"""How much an article is about scam centres and trafficking for online fraud, 0..1.

A weighted multilingual lexicon (the weighted rows of nlp/data/concepts.tsv, which
the cross-language thesaurus shares): every distinct phrase
found adds weight * (1 + ln(count)); phrases in the title count double. The sum
is squashed to 0..1 with 1 - exp(-sum / SCALE), so one passing mention of
"fraud" stays low, an article about KK Park and pig-butchering scams is near 1.
"""
from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from nlp.gazetteer import Gazetteer, data_rows

DATA = Path(__file__).parent / "data"
SCALE = 8.0


class RelevanceLexicon:
    def __init__(self, extra_files: Iterable[str | os.PathLike] = ()) -> None:
        self.gazetteer: Gazetteer[tuple[str, float]] = Gazetteer()
        for path in [*extra_files, DATA / "concepts.tsv"]:
            for row in data_rows(path):
                phrase, weight = row[0], float((row + ["1"])[1] or 1)
                if weight > 0:  # weight 0: a thesaurus-only row
                    self.gazetteer.add(phrase, (phrase, weight), case_sensitive=False)

    def terms(self, text: str, tokens=None) -> dict[str, int]:
        """Lexicon phrases found in text, with their counts."""
        counts: dict[str, int] = {}
        for match in self.gazetteer.find(text, tokens):
            counts[match.value[0]] = counts.get(match.value[0], 0) + 1
        return counts

    def raw(self, text: str, tokens=None) -> float:
        total = 0.0
        weights: dict[str, float] = {}
        counts: dict[str, int] = {}
        for match in self.gazetteer.find(text, tokens):
            phrase, weight = match.value
            weights[phrase] = weight
            counts[phrase] = counts.get(phrase, 0) + 1
        for phrase, count in counts.items():
            total += weights[phrase] * (1.0 + math.log(count))
        return total

    def score(self, text: str, title: str = "", tokens=None) -> float:
        raw = self.raw(text, tokens) + 2.0 * self.raw(title)
        return round(1.0 - math.exp(-raw / SCALE), 4)


@lru_cache(maxsize=4)
def default_lexicon(extra_files: tuple[str, ...] = ()) -> RelevanceLexicon:
    return RelevanceLexicon(extra_files)


def relevance(text: str, title: str = "") -> float:
    """0..1: how much text (and its title) is about scam centres / trafficking for fraud."""
    return default_lexicon().score(text, title)
