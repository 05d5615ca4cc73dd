"""Turning crawled content into safe markup: snippets, entity chips, highlighted text.

Everything that comes from a crawled page is escaped here or by Jinja's
autoescape; the only markup we let through is what we build ourselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

# The index's snippet re-escaped so that only <mark> survives, as in digests.
from alerts.digest import safe_snippet  # noqa: F401  (re-exported for the templates)
from indexer.fields import ENTITY_FIELDS
from nlp.records import Entities


def safe_href(url: str | None) -> str | None:
    """A crawled URL fit for an href: http(s) only, so no javascript: or data: links."""
    if not url:
        return None
    text = str(url).strip()
    if text.lower().startswith(("http://", "https://")):
        return text
    return None


def fmt_usd(value: float | None) -> str:
    if value is None:
        return "?"
    value = float(value)
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            number = value / limit
            text = f"{number:.1f}".rstrip("0").rstrip(".") if number < 100 else f"{number:.0f}"
            return f"${text}{suffix}"
    return f"${value:,.0f}"


@dataclass(frozen=True)
class Chip:
    kind: str  # country | place | org | money | person
    label: str  # what is shown
    param: str | None  # search parameter this chip filters on, if any
    value: str | None  # its value
    title: str = ""


def chips(entities: dict[str, Any] | Entities | None, *, most: int = 12) -> list[Chip]:
    """Entity chips of a hit or article: the chip fields of indexer.fields (countries,
    organisations...), then the largest amounts."""
    if not isinstance(entities, Entities):
        entities = Entities.from_json(entities)
    out: list[Chip] = []
    for f in ENTITY_FIELDS:
        for value in f.of(entities) if f.chip else ():
            title = f.describe(value)
            out.append(Chip(f.name, value, f.name, value, title if title != value else ""))
    amounts: dict[float, str] = {}
    for money in entities.money:
        if money.usd is not None:
            amounts.setdefault(float(money.usd), money.text)
    for usd, text in sorted(amounts.items(), reverse=True)[:3]:
        # min_usd just below the figure, so the article stays in the results
        out.append(Chip("money", fmt_usd(usd), "min_usd", f"{int(usd)}", text))
    return out[:most]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    title: str


def entity_spans(text: str, entities: Entities) -> list[Span]:
    """Non-overlapping entity spans that really point into text (offsets checked)."""
    candidates: list[Span] = []

    def add(start: int, end: int, surface: str, kind: str, title: str) -> None:
        if not (0 <= start < end <= len(text)):
            return
        if surface and text[start:end] != surface:
            return  # offsets from another version of the text
        candidates.append(Span(start, end, kind, title))

    for p in entities.places:
        title = p.name + (f" ({p.country})" if p.country else "") + f" · {p.kind}"
        add(p.start, p.end, p.text, "place", title)
    for o in entities.orgs:
        add(o.start, o.end, o.text, "org", o.name)
    for person in entities.people:
        add(person.start, person.end, person.text, "person", person.name)
    for m in entities.money:
        approx = "≈ " if m.approx else ""
        title = f"{approx}{m.amount:,.0f} {m.currency}"
        if m.usd is not None and m.currency != "USD":
            title += f" = {approx}{fmt_usd(m.usd)}"
        add(m.start, m.end, m.text, "money", title)
    # earliest first; of two starting together, the longer
    candidates.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[Span] = []
    last_end = 0
    for span in candidates:
        if span.start >= last_end:
            out.append(span)
            last_end = span.end
    return out


def _marked(text: str, spans: list[Span], start: int, end: int) -> Markup:
    parts: list[str] = []
    pos = start
    for span in spans:
        if span.start < start or span.end > end:
            continue
        parts.append(str(escape(text[pos:span.start])))
        parts.append(f'<mark class="ent ent-{span.kind}" title="{escape(span.title)}">'
                     f"{escape(text[span.start:span.end])}</mark>")
        pos = span.end
    parts.append(str(escape(text[pos:end])))
    return Markup("".join(parts))


def highlight_text(text: str, entities: Entities) -> Markup:
    """The article text, escaped, with each entity wrapped in <mark class="ent ent-KIND">."""
    return _marked(text, entity_spans(text, entities), 0, len(text))


def highlight_paragraphs(text: str, entities: Entities) -> list[Markup]:
    """highlight_text, one item per line of the text (an entity never spans two)."""
    spans = entity_spans(text, entities)
    out: list[Markup] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            out.append(_marked(text, spans, start, end))
        start = end + 1
    return out
