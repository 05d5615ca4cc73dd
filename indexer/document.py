"""What every backend indexes for one article: IndexDocument.from_article().

    doc = IndexDocument.from_article(article)
    doc.title_words, doc.text_stems   # indexer.analysis.analyze(): what the engines match
    doc.entities["org"]               # [(match key, display name)] per entity field
    doc.aliases["org"]                # keys of the surfaces they were written under
    doc.rest                          # the article's other fields, as stored JSON

The backends only lay this out in their own storage (SQLite rows and side
tables, a cluster's JSON document), so they cannot disagree about dates,
folding, fingerprints or the words a query can match. Times are integers of
microseconds since the epoch, UTC (to_micros / from_micros).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson

from indexer.analysis import analyze
from indexer.fields import ENTITY_FIELDS
from nlp.identity import content_hash as hash_text
from nlp.records import Article

# Columns of their own in every backend; everything else of the article is `rest`.
_COLUMNS = ("id", "url", "title", "text", "indexed_at", "fetched_at", "content_hash")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_micros(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int | None) -> datetime | None:
    if value is None:
        return None
    return _EPOCH + timedelta(microseconds=value)


@dataclass
class IndexDocument:
    id: str
    url: str
    title: str
    text: str
    lang: str | None  # lower-case code
    source: str
    published: int | None  # µs
    fetched_at: int | None  # µs
    date: int  # µs: published, else fetched_at (what since/until and date order use)
    content_hash: str
    fingerprint: str  # changes when anything stored changes (metadata included)
    story_id: str
    relevance: float
    max_usd: float | None
    rest: dict[str, Any]  # the article minus the columns above: provenance, entities...
    # space-joined tokens from indexer.analysis.analyze (words, tagged Snowball stems)
    title_words: str
    text_words: str
    title_stems: str
    text_stems: str
    entities: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # per entity field, filter-only keys: the surfaces of its values (Field.aliased)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    indexed_at: int | None = None  # set by the backend's upsert
    # rest as UTF-8 JSON (sorted keys, orjson's compact form): encoded once for the
    # fingerprint, reused by backends that store the article as JSON
    rest_json: bytes = field(default=b"{}", repr=False)

    def filter_keys(self, name: str) -> list[str]:
        """What an entity field's filter matches: its values' keys, then its surfaces'."""
        return [key for key, _ in self.entities.get(name) or ()] + (self.aliases.get(name) or [])

    @classmethod
    def from_article(cls, article: Article) -> "IndexDocument":
        rest = article.to_json()
        for key in _COLUMNS:
            rest.pop(key, None)
        chash = article.content_hash or hash_text(article.text)
        # orjson: a quarter of json.dumps's time. (The fingerprints of articles stored
        # before it differ once: a re-crawl then rewrites them, keeping indexed_at.)
        rest_json = orjson.dumps(rest, option=orjson.OPT_SORT_KEYS)
        fingerprint = hashlib.sha1(b"\x00".join((
            chash.encode(), article.url.encode(), article.title.encode(), rest_json))).hexdigest()
        published, fetched = to_micros(article.published), to_micros(article.fetched_at)
        lang = (article.lang or "").lower() or None
        entities: dict[str, list[tuple[str, str]]] = {}
        aliases: dict[str, list[str]] = {}
        for f in ENTITY_FIELDS:
            entities[f.name], aliases[f.name] = f.indexed(article.entities)
        analyzed = analyze(article.title or "", article.text or "", lang)
        return cls(
            id=article.id, url=article.url, title=article.title, text=article.text,
            lang=lang, source=article.source or "", published=published,
            fetched_at=fetched, date=published if published is not None else (fetched or 0),
            content_hash=chash, fingerprint=fingerprint, story_id=article.story_id or "",
            relevance=float(article.relevance or 0.0), max_usd=article.entities.max_usd(),
            rest=rest, title_words=analyzed.title_words, text_words=analyzed.text_words,
            title_stems=analyzed.title_stems, text_stems=analyzed.text_stems,
            entities=entities, aliases=aliases, rest_json=rest_json)
