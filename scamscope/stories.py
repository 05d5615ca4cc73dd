"""Group syndicated copies of one wire story across crawls.

Each article's 64-bit SimHash (computed by the nlp stage) is split into four
16-bit bands. Two signatures within Hamming distance 3 must agree on at least
one band, so candidates are found by exact band lookups in a small SQLite
table in the data dir, then checked by distance. An article joins the story of
the closest earlier copy; otherwise it starts its own story (story_id = its id).
"""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Iterable

from nlp.records import Article

log = logging.getLogger(__name__)

MAX_DISTANCE = 3
_BANDS = 4
_MASK = (1 << 16) - 1


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def _bands(signature: int) -> list[int]:
    return [(signature >> (16 * i)) & _MASK for i in range(_BANDS)]


def _signed(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


class StoryGrouper:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS signatures (
                article_id TEXT PRIMARY KEY, simhash INTEGER NOT NULL, story_id TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS bands (
                band INTEGER NOT NULL, value INTEGER NOT NULL, article_id TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS bands_lookup ON bands(band, value);
            """)

    def assign(self, articles: Iterable[Article]) -> None:
        """Set story_id on each article, remembering its signature for later crawls."""
        with self.db:
            for article in articles:
                article.story_id = self._story_for(article)

    def _story_for(self, article: Article) -> str:
        known = self.db.execute("SELECT story_id FROM signatures WHERE article_id = ?",
                                (article.id,)).fetchone()
        if known:
            return known[0]
        if not article.simhash:
            return article.id
        best: tuple[int, str] | None = None
        for band, value in enumerate(_bands(article.simhash)):
            rows = self.db.execute(
                "SELECT s.simhash, s.story_id FROM bands b JOIN signatures s USING (article_id) "
                "WHERE b.band = ? AND b.value = ?", (band, value)).fetchall()
            for simhash, story_id in rows:
                distance = hamming(simhash, article.simhash)
                if distance <= MAX_DISTANCE and (best is None or distance < best[0]):
                    best = (distance, story_id)
        story_id = best[1] if best else article.id
        self.db.execute("INSERT INTO signatures VALUES (?, ?, ?)",
                        (article.id, _signed(article.simhash), story_id))
        self.db.executemany("INSERT INTO bands VALUES (?, ?, ?)",
                            [(band, value, article.id)
                             for band, value in enumerate(_bands(article.simhash))])
        if best:
            log.debug("%s joins story %s (distance %d)", article.url, story_id, best[0])
        return story_id

    def close(self) -> None:
        self.db.close()
