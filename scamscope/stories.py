"""Group syndicated copies of one wire story across crawls.

Republished wire copies change the headline, the first sentence, a paragraph
cut here and there, and all of the site's boilerplate, but keep most of the
reporter's sentences word for word. So an article's signature is the set of
hashes of its normalised sentences; two articles are one story when at least
half of the smaller set (and at least MIN_SHARED sentences) are shared. The
hashes live in a small SQLite table in the data dir, so grouping works across
crawls and whichever index backend is used. (A 64-bit SimHash, which the nlp
stage also computes, flips too many bits when a lead sentence is rewritten:
measured 8 bits on the test site's syndicated pair.)
"""
from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Iterable

from nlp.records import Article

log = logging.getLogger(__name__)

MIN_SHARED = 3
MIN_OVERLAP = 0.5
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+|(?<=[。！？])")
_WORDS = re.compile(r"\w+", re.UNICODE)
_MIN_SENTENCE_CHARS = 30


def sentence_hashes(text: str) -> set[int]:
    """Hashes of the article's sentences, case and punctuation folded; short ones skipped."""
    out = set()
    for sentence in _SENTENCE_END.split(text):
        words = _WORDS.findall(sentence.lower())
        normal = " ".join(words)
        if len(normal) >= _MIN_SENTENCE_CHARS:
            digest = hashlib.blake2b(normal.encode("utf-8"), digest_size=8).digest()
            out.add(int.from_bytes(digest, "big", signed=True))
    return out


class StoryGrouper:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS articles (
                article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, sentences INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS sentences (hash INTEGER NOT NULL, article_id TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS sentences_by_hash ON sentences(hash);
            """)

    def assign(self, articles: Iterable[Article]) -> None:
        """Set story_id on each article, remembering its sentences for later crawls."""
        with self.db:
            for article in articles:
                article.story_id = self._story_for(article)

    def _story_for(self, article: Article) -> str:
        known = self.db.execute("SELECT story_id FROM articles WHERE article_id = ?",
                                (article.id,)).fetchone()
        if known:
            return known[0]
        hashes = sentence_hashes(article.text)
        story_id = article.id
        if len(hashes) >= MIN_SHARED:
            shared: Counter[str] = Counter()
            for chunk in _chunks(sorted(hashes), 500):
                marks = ",".join("?" * len(chunk))
                shared.update(row[0] for row in self.db.execute(
                    f"SELECT article_id FROM sentences WHERE hash IN ({marks})", chunk))
            best = None
            for other_id, count in shared.most_common(20):
                other_story, other_size = self.db.execute(
                    "SELECT story_id, sentences FROM articles WHERE article_id = ?",
                    (other_id,)).fetchone()
                if count >= MIN_SHARED and count >= MIN_OVERLAP * min(len(hashes), other_size):
                    best = other_story
                    log.debug("%s joins story %s (%d shared sentences)", article.url,
                              other_story, count)
                    break
            story_id = best or article.id
        self.db.execute("INSERT INTO articles VALUES (?, ?, ?)",
                        (article.id, story_id, len(hashes)))
        self.db.executemany("INSERT INTO sentences VALUES (?, ?)",
                            [(h, article.id) for h in hashes])
        return story_id

    def close(self) -> None:
        self.db.close()


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
