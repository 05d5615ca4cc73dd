"""Character pairs of unspaced scripts: a second, shorter way to find the same phrases.

Chinese, Thai, Burmese, Khmer, Lao, kana and Hangul are indexed one character
per word (indexer.query.words_of), so a query word such as "诈骗园区" is a phrase
of four characters, and a phrase over characters reads the positions of some of
the most frequent terms of the index (a Thai vowel occurs hundreds of times in
one article). An engine that keeps positions can also index each pair of
consecutive unspaced words as one token ("诈骗 骗园 园区"), each run of pairs
separated from the next by two BREAK tokens, and match the phrase of n
characters as a phrase of pairs: same hits, far shorter position lists.

    pairs_of(words) -> list[str]                the pair tokens of an article's words
    pairs_text(joined) -> str                   the same, from and to space-joined words
    pair_phrase(words) -> list[(offset, pair)] | None
                                                what a phrase of words matches there

Why the same hits: a pair stands for two words that are consecutive in the word
stream; pairs of one run of unspaced words sit at consecutive positions, and runs
are at least three positions apart (two BREAKs between them). A phrase of
characters c1..cn therefore matches at word position p exactly when the pairs
c1c2, c3c4, ... (every other one, plus the last) match at offsets 0, 2, 4, ...,
n-2 from one pair position: two pairs two positions apart are in the same run,
so the pair between them is there too.
"""
from __future__ import annotations

import re
from typing import Sequence

from indexer.query import UNSPACED_CHAR, is_unspaced

BREAK = "|"  # never a pair, never a query word: keeps separate runs apart
# A run of two or more unspaced words in space-joined index words. Every unspaced
# character is an index word of its own (indexer.query.folded_words), so a match is
# a whole run; one class per step, no nesting: linear.
_RUN = re.compile(f"{UNSPACED_CHAR}(?: {UNSPACED_CHAR})+")
_BETWEEN_RUNS = f" {BREAK} {BREAK} "


def pairs_of(words: Sequence[str]) -> list[str]:
    """The pair tokens of an article's index words, in order, runs kept apart."""
    out: list[str] = []
    previous = ""  # the last word when it was unspaced
    last = -2  # word index of the last pair's second word
    for i, word in enumerate(words):
        if not is_unspaced(word):
            previous = ""
            continue
        if previous:
            if last != i - 1 and out:
                out += (BREAK, BREAK)
            out.append(previous + word)
            last = i
        previous = word
    return out


def pairs_text(joined: str) -> str:
    """" ".join(pairs_of(joined.split(" "))), from one scan of the joined words (the
    indexing path: most text has no unspaced word and costs one isascii or one search)."""
    if joined.isascii():
        return ""
    # A run is two unspaced characters at least, each three bytes in UTF-8 (two more
    # than its one character): text with fewer extra bytes has none, and its scan is
    # skipped (an English article quoting "฿150", a French one with its accents).
    if len(joined.encode("utf-8", "surrogatepass")) - len(joined) < 4:
        return ""
    runs = []
    for run in _RUN.findall(joined):
        chars = run[::2]  # the run's characters (every other one is a space)
        # "ab bc cd ": each character, its successor and a space, interleaved by
        # slice assignment (twice as fast as joining pairs built one by one)
        out = [" "] * (3 * len(chars) - 3)
        out[0::3], out[1::3] = chars[:-1], chars[1:]
        runs.append("".join(out)[:-1])
    return _BETWEEN_RUNS.join(runs)


def pair_phrase(words: Sequence[str]) -> list[tuple[int, str]] | None:
    """The (offset, pair) terms that find a phrase of these words in the pair tokens,
    or None when the phrase is not two or more unspaced words (match the words)."""
    if len(words) < 2 or not all(is_unspaced(w) for w in words):
        return None
    starts = list(range(0, len(words) - 1, 2))
    if starts[-1] != len(words) - 2:
        starts.append(len(words) - 2)
    return [(i, words[i] + words[i + 1]) for i in starts]
