"""A 64-bit SimHash of an article's text, stored with it as a near-duplicate signature.

Lightly edited copies (a headline, a byline, a credit line) differ in a few
bits; different stories in about half of the 64. Grouping copies into stories
across crawls is the app shell's job (scamscope/stories.py), which matches on
shared sentences because a rewritten lead sentence flips too many bits here.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

MAX_DISTANCE = 3
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
