"""Typed records passed between the pipeline stages.

crawler -> Page -> nlp -> Article (with Entities) -> indexer -> search/alerts.
Everything here is plain data: no I/O, no third-party imports, so every stage
(and the tests) can build records cheaply.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import InitVar, dataclass, field
from datetime import datetime, timezone
from typing import Any


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Page:
    """One fetched HTTP response, as the crawler hands it on."""

    url: str  # the URL we asked for (as listed in the feed/sitemap)
    final_url: str  # after redirects
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    encoding: str | None = None  # what the HTTP layer decided, if anything
    source: str = ""  # catalogue source name, or the host of an ad-hoc URL
    # ISO 3166-1 alpha-2 of the catalogue source ("" when unknown: the site's
    # country-code TLD stands in); reads ambiguous money marks ("$", "元")
    country: str = ""
    fetched_at: datetime = field(default_factory=utcnow)
    # Hints from the feed/sitemap entry that listed this page; extraction
    # prefers the page's own metadata and falls back to these.
    hint_title: str | None = None
    hint_published: datetime | None = None
    hint_lang: str | None = None


@dataclass
class Place:
    text: str  # surface form as written in the article
    name: str  # canonical English name
    country: str | None  # ISO 3166-1 alpha-2; None for regions ("Southeast Asia")
    start: int = -1
    end: int = -1
    kind: str = "place"  # country | city | hub | region | place
    lat: float | None = None
    lon: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "country": self.country,
                "kind": self.kind, "lat": self.lat, "lon": self.lon,
                "start": self.start, "end": self.end}


@dataclass
class Org:
    text: str
    name: str  # canonical name (English where one exists), else the surface form
    start: int = -1
    end: int = -1

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "start": self.start, "end": self.end}


@dataclass
class Person:
    text: str
    name: str
    start: int = -1
    end: int = -1

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "start": self.start, "end": self.end}


@dataclass
class Money:
    text: str
    amount: float  # lower bound when approx is true ("billions" -> 1e9)
    currency: str  # ISO 4217 (USDT for tether)
    usd: float | None  # None when no rate is known for the currency
    approx: bool = False
    start: int = -1
    end: int = -1
    amount_max: float | None = None  # upper end of a range ("between $1m and $2m")

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "amount": self.amount, "currency": self.currency,
                "usd": self.usd, "approx": self.approx, "amount_max": self.amount_max,
                "start": self.start, "end": self.end}


@functools.lru_cache(maxsize=None)
def _field_names(klass: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(klass))


@dataclass
class Entities:
    places: list[Place] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "places": [p.to_json() for p in self.places],
            "orgs": [o.to_json() for o in self.orgs],
            "people": [p.to_json() for p in self.people],
            "money": [m.to_json() for m in self.money],
            "nationalities": list(self.nationalities),
        }

    # Read access in the shape of to_json() (entities["orgs"][0]["name"]), for code
    # written when search hits carried the stored JSON instead of this record.
    def __getitem__(self, kind: str) -> list[Any]:
        if kind not in _KINDS:
            raise KeyError(kind)
        return [v if isinstance(v, str) else v.to_json() for v in getattr(self, kind)]

    def get(self, kind: str, default: Any = None) -> Any:
        return self[kind] if kind in _KINDS else default

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "Entities":
        data = data or {}

        def build(klass, rows):
            names = _field_names(klass)
            out = []
            for row in rows or []:
                if row.keys() == names:  # as to_json() wrote it: nothing to fill in
                    out.append(klass(**row))
                    continue
                # Compact copies (the alerts outbox) may lack a field: fill it, do not fail.
                values = {"text": row.get("text") or row.get("name") or "",
                          "name": row.get("name") or row.get("text") or "",
                          "country": None, "usd": None, "currency": "",
                          "amount": row.get("usd") or 0.0}
                values.update((k, v) for k, v in row.items() if k in names)
                out.append(klass(**{k: v for k, v in values.items() if k in names}))
            return out

        return cls(
            places=build(Place, data.get("places")),
            orgs=build(Org, data.get("orgs")),
            people=build(Person, data.get("people")),
            money=build(Money, data.get("money")),
            nationalities=list(data.get("nationalities") or []),
        )

    # Sorted distinct values (the index itself reads entities through indexer.fields).
    def countries(self) -> list[str]:
        return sorted({p.country for p in self.places if p.country})

    def place_names(self) -> list[str]:
        return sorted({p.name for p in self.places})

    def org_names(self) -> list[str]:
        return sorted({o.name for o in self.orgs})

    def max_usd(self) -> float | None:
        values = [m.usd for m in self.money if m.usd is not None]
        return max(values) if values else None


_KINDS = frozenset(f.name for f in dataclasses.fields(Entities))


@dataclass
class Article:
    """An extracted, understood article: what the index stores."""

    id: str  # stable hash of the canonical URL
    url: str  # canonical URL
    title: str
    text: str
    lang: str | None
    published: datetime | None
    source: str
    # provenance
    fetched_url: str = ""
    final_url: str = ""
    fetched_at: datetime = field(default_factory=utcnow)
    status: int = 200
    content_hash: str = ""
    # Accepted and ignored: callers written when articles carried a SimHash, which
    # nothing read (stories group copies by shared sentences, scamscope/stories.py).
    simhash: InitVar[int] = 0
    story_id: str = ""  # shared by near-duplicate copies of one wire story
    entities: Entities = field(default_factory=Entities)
    relevance: float = 0.0  # 0..1, how much this is about scam centres
    # set by the index on first insert; the alerts watermark is based on it
    indexed_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "lang": self.lang,
            "published": iso(self.published),
            "source": self.source,
            "fetched_url": self.fetched_url,
            "final_url": self.final_url,
            "fetched_at": iso(self.fetched_at),
            "status": self.status,
            "content_hash": self.content_hash,
            "story_id": self.story_id,
            "entities": self.entities.to_json(),
            "relevance": self.relevance,
            "indexed_at": iso(self.indexed_at),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Article":
        return cls(
            id=data["id"],
            url=data["url"],
            title=data.get("title") or "",
            text=data.get("text") or "",
            lang=data.get("lang"),
            published=parse_iso(data.get("published")),
            source=data.get("source") or "",
            fetched_url=data.get("fetched_url") or "",
            final_url=data.get("final_url") or "",
            fetched_at=parse_iso(data.get("fetched_at")) or utcnow(),
            status=int(data.get("status") or 0),
            content_hash=data.get("content_hash") or "",
            story_id=data.get("story_id") or "",
            entities=Entities.from_json(data.get("entities")),
            relevance=float(data.get("relevance") or 0.0),
            indexed_at=parse_iso(data.get("indexed_at")),
        )


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_iso(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt
