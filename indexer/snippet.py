"""Snippets with highlighted terms, computed from the raw text and the parse tree.

Engine-neutral on purpose: the snippet shows the stored raw text (escaped),
and a word is marked when its folded form matches a positive term of the query
exactly as the index matched it (the same `fold` and index words), so
"fraude" marks "fraudé" and 诈骗园区 marks the four characters inside a longer run.
Given the article's language, a word whose tagged stem is one of a query word's
stems is marked too (indexer.analysis), so "raid" marks "raided" as the index matched it.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import deque
from functools import lru_cache
from typing import Callable

from indexer.analysis import stem_token
from indexer.query import (WORD_GAP, And, Node, Not, Or, Phrase, Term, fold, folded_words,
                           is_unspaced, word_matches)

SNIPPET_CHARS = 240


def snippet(text: str, node: Node | None, size: int = SNIPPET_CHARS,
            lang: str | None = None) -> str:
    """HTML-escaped excerpt of text around the first match, matches in <mark>.

    Without a query (or when only the title matched) it is the start of the text.
    """
    if not text:
        return ""
    # Only the words up to one window past the first match are read.
    spans = match_spans(text, node, reach=size, lang=lang) if node is not None else []
    if spans:
        first = spans[0][0]
        start = _snap_start(text, max(0, first - size // 4))
    else:
        start = 0
    end = _snap_end(text, start, min(len(text), start + size))
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e or s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out).strip()


def match_spans(text: str, node: Node | None, reach: int | None = None,
                lang: str | None = None) -> list[tuple[int, int]]:
    """[start, end) offsets in text of the words and phrases the query's positive terms match.

    lang is the article's language: words matched through their stem are marked too.

    With reach, stop reading words that start more than reach characters after the first match.
    """
    plan = _plan(node) if node is not None else None
    if plan is None:
        return []
    exact, prefixes, phrases, longest, first_words, stems = plan
    folded, offsets = _fold_with_offsets(text)
    lang = (lang or "").lower() or None
    tag = f"{lang}:"
    stems = frozenset(s for s in stems if s.startswith(tag)) if lang else frozenset()
    stemmed = _stem_matcher(stems, lang) if stems else None
    # Skip straight to the first place any matching word could start: an exact word,
    # prefix or phrase (first_words finds them), or an earlier word whose stem matches
    # (an inflected form need not start like the query word: the words before the
    # first candidate are stemmed, from the table most of them are already in).
    candidate = first_words.search(folded)
    starts = [candidate.start()] if candidate is not None else []
    if stemmed is not None:
        for match in word_matches(folded, 0):
            if starts and match.start() >= starts[0]:
                break
            if stemmed(match.group(0)):
                starts = [match.start()]
                break
    if not starts:
        return []
    begin = starts[0]
    if not is_unspaced(folded[begin]):  # back to the start of its word
        begin = max(folded.rfind(" ", 0, begin), folded.rfind("\n", 0, begin)) + 1
    found: list[tuple[int, int]] = []
    stop = None
    if not phrases:  # the common case, kept lean: no window of recent words to keep
        for match in word_matches(folded, begin):
            s = match.start()
            if stop is not None and s > stop:
                break
            word = match.group(0)
            if (word in exact or (prefixes and word.startswith(prefixes))
                    or (stemmed is not None and stemmed(word))):
                found.append(match.span())
                if stop is None and reach is not None:
                    stop = s + reach
    else:
        recent: deque[tuple[str, int, int]] = deque(maxlen=longest)
        for match in word_matches(folded, begin):
            word = match.group(0)
            s, e = match.span()
            if stop is not None and s > stop:
                break
            recent.append((word, s, e))
            hit = (word in exact or bool(prefixes and word.startswith(prefixes))
                   or (stemmed is not None and stemmed(word)))
            if hit:
                found.append((s, e))
            for phrase in phrases.get(word, ()):  # phrases ending with this word
                n = len(phrase)
                if len(recent) >= n and tuple(w for w, _, _ in list(recent)[-n:]) == phrase:
                    found.append((recent[-n][1], e))
                    hit = True
            if hit and stop is None and reach is not None:
                stop = s + reach
    if offsets is not None:  # an end maps to where the next raw character starts
        found = [(offsets(s), len(text) if e >= len(folded) else offsets(e)) for s, e in found]
    return _merge(found)


@lru_cache(maxsize=256)
def _plan(node: Node):
    """What to look for: exact words, prefixes, phrases by last word, and a regex
    finding (a superset of) the places where any of them can begin."""
    exact: set[str] = set()
    stems: set[str] = set()
    prefixes: list[str] = []
    phrases: dict[str, list[tuple[str, ...]]] = {}

    def walk(n: Node | None) -> None:
        if n is None or isinstance(n, Not):
            return
        if isinstance(n, Term):
            (prefixes.append(n.text) if n.prefix else exact.add(n.text))
            stems.update(n.stems)
        elif isinstance(n, Phrase):
            phrases.setdefault(n.words[-1], []).append(tuple(n.words))
        elif isinstance(n, (And, Or)):
            for child in n.children:
                walk(child)

    walk(node)
    # a phrase's words follow each other with at most non-word characters between
    starts = exact | set(prefixes) | {WORD_GAP.join(map(re.escape, p))
                                      for group in phrases.values() for p in group}
    if not starts:
        return None
    longest = max((len(p) for group in phrases.values() for p in group), default=1)
    first_words = re.compile("|".join(
        re.escape(s) if s in exact or s in prefixes else s
        for s in sorted(starts, key=len, reverse=True)))
    return frozenset(exact), tuple(prefixes), phrases, longest, first_words, frozenset(stems)


def _fold_with_offsets(text: str) -> tuple[str, Callable[[int], int] | None]:
    """Folded text and, when lengths differ, a map from folded to raw offsets.

    Only characters whose fold is not exactly one character (a stripped accent
    in decomposed text, a ligature, Thai SARA AM...) shift offsets, so the map
    is built from those alone.
    """
    folded = fold(text)
    if len(folded) == len(text):
        return folded, None
    lengths = _FOLD_LENGTHS
    special = []
    for ch in set(text):
        n = lengths.get(ch)
        if n is None:
            n = lengths[ch] = len(fold(ch))
        if n != 1:
            special.append(ch)
    starts: list[int] = [0]  # folded offset where each segment begins
    shifts: list[int] = [0]  # raw offset minus folded offset within the segment
    shift = 0
    pattern = "[" + "".join(re.escape(ch) for ch in special) + "]"
    for match in re.finditer(pattern, text):
        raw = match.start()
        n = lengths[text[raw]]
        at = raw - shift  # folded offset of this character
        starts.append(at)
        shifts.append(-at + raw)  # every folded char of it maps back to raw
        shift += 1 - n
        starts.append(at + n)
        shifts.append(shift)

    def to_raw(pos: int) -> int:
        i = bisect_right(starts, pos) - 1
        seg_start, seg_shift = starts[i], shifts[i]
        if i % 2:  # inside a special character's expansion
            return seg_start + seg_shift
        return min(len(text) - 1, max(0, pos + seg_shift))

    return folded, to_raw


_FOLD_LENGTHS: dict[str, int] = {}


class _StemHits(dict):
    """word -> does its stem, in an article of lang, match one of stems. One per
    (stems, lang), shared by every hit of a search (and by later searches): news
    repeats its words, so nearly every lookup is a plain dict hit."""

    LIMIT = 50_000  # words remembered (cleared when full: bounded memory)

    def __init__(self, stems: frozenset[str], lang: str | None) -> None:
        super().__init__()
        self.stems, self.lang = stems, lang

    def __missing__(self, word: str) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        hit = self[word] = stem_token(word, self.lang) in self.stems
        return hit


@lru_cache(maxsize=64)
def _stem_matcher(stems: frozenset[str], lang: str | None) -> Callable[[str], bool]:
    return _StemHits(stems, lang).__getitem__


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _snap_start(text: str, start: int) -> int:
    """Move start back to the beginning of its word (at most 20 characters)."""
    if start <= 0:
        return 0
    space = text.rfind(" ", max(0, start - 20), start)
    return space + 1 if space >= 0 else start


def _snap_end(text: str, start: int, end: int) -> int:
    """Move end back to the end of a word, unless that loses more than a third."""
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", start, end)
    return space if space > start + (end - start) * 2 // 3 else end
