"""Near-duplicate detection: 64-bit SimHash of the text, and story ids for wire copies.

The same agency story republished by many sites differs in a headline, a
byline, a paragraph cut; its SimHash over word 2-shingles differs in a few
bits, while different stories differ in about half of the 64. Two articles are
the same story when their signatures are within MAX_DISTANCE bits.

Lookup is by bands: the 64 bits are cut into 4 bands of 16; two signatures
within 3 bits agree exactly on at least one band (pigeonhole), so candidates
come from four dict lookups (or four indexed columns in a store).
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

MAX_DISTANCE = 3
BANDS = 4
_BAND_BITS = 64 // BANDS
_WORD = re.compile(r"\w+", re.UNICODE)
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u4e00-\u9fff"
                       "\uac00-\ud7af]")
_BIT_WEIGHTS = (1 << np.arange(64, dtype=np.uint64)).astype(np.uint64)


def _body(text: str) -> str:
    """The paragraphs: short lines (headline, byline, dateline, credits) differ between copies."""
    long_lines = [line for line in text.splitlines() if len(line) >= 80]
    body = "\n".join(long_lines)
    return body if len(body) >= 0.5 * len(text) else text


def _features(text: str) -> list[str]:
    words = _WORD.findall(_body(text).lower())
    if _UNSPACED.search(text):
        # Thai/Chinese/...: words are not spaced, use character 4-grams of the runs.
        chars = "".join(words)
        return [chars[i:i + 4] for i in range(max(1, len(chars) - 3))]
    if len(words) < 2:
        return words
    return [words[i] + " " + words[i + 1] for i in range(len(words) - 1)]


def simhash(text: str) -> int:
    """64-bit SimHash of text (0 for empty text), as a signed 64-bit int for storage."""
    features = _features(text)
    if not features:
        return 0
    hashes = np.frombuffer(b"".join(hashlib.blake2b(f.encode("utf-8"), digest_size=8).digest()
                                    for f in features), dtype="<u8")
    bits = ((hashes[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).astype(np.int32)
    votes = bits.sum(axis=0) * 2 - len(features)
    value = int(_BIT_WEIGHTS[votes > 0].sum(dtype=np.uint64)) if (votes > 0).any() else 0
    return to_signed(value)


def to_signed(value: int) -> int:
    """SQLite and Elasticsearch store signed 64-bit integers."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def distance(a: int, b: int) -> int:
    """Hamming distance between two signatures."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def band_keys(signature: int) -> list[int]:
    """The BANDS keys under which a signature is filed: band number in the top bits, then the band."""
    value = signature & ((1 << 64) - 1)
    mask = (1 << _BAND_BITS) - 1
    return [(band << _BAND_BITS) | ((value >> (band * _BAND_BITS)) & mask) for band in range(BANDS)]


class StoryIndex:
    """Assigns story ids: the id of the first article seen with a close signature.

    Seed it with (article_id, simhash, story_id) rows from the index to keep
    story ids stable across runs.
    """

    def __init__(self, rows=(), max_size: int = 50_000) -> None:
        self.max_size = max_size  # the most recent signatures kept (a daemon runs for weeks)
        self._entries: list[tuple[int, str]] = []
        self._bands: dict[int, list[tuple[int, str]]] = {}
        for article, signature, story in rows:
            self.add(signature, story or article)

    def add(self, signature: int, story_id: str) -> None:
        if len(self._entries) >= self.max_size:
            kept = self._entries[-(self.max_size // 2):]
            self._entries, self._bands = [], {}
            for old_signature, old_story in kept:
                self.add(old_signature, old_story)
        self._entries.append((signature, story_id))
        for key in band_keys(signature):
            self._bands.setdefault(key, []).append((signature, story_id))

    def find(self, signature: int) -> str | None:
        best: tuple[int, str] | None = None
        for key in band_keys(signature):
            for other, story in self._bands.get(key, ()):
                d = distance(signature, other)
                if d <= MAX_DISTANCE and (best is None or d < best[0]):
                    best = (d, story)
        return best[1] if best else None

    def assign(self, article_id: str, signature: int) -> str:
        """The story id for an article: an earlier close copy's, else its own id."""
        if signature == 0:
            return article_id
        story = self.find(signature)
        if story is None:
            story = article_id
        self.add(signature, story)
        return story
