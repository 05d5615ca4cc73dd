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
from indexer.errors import QuerySyntaxError
from indexer.fields import ENTITY_FIELDS
from indexer.query import Node, Not, Phrase, Query, Term, fold, parse_query, word_matches
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
    matched: bool = False  # this entity is why the hit matched the search


def chips(entities: dict[str, Any] | Entities | None, *, most: int = 12,
          query: Query | None = None) -> list[Chip]:
    """Entity chips of a hit or article: the chip fields of indexer.fields (countries,
    organisations...), then the largest amounts. With the search's query, the chips it
    matched on (any entity field it filtered on, amounts from min_usd up) come first and
    are marked, however many other chips there are."""
    if not isinstance(entities, Entities):
        entities = Entities.from_json(entities)
    out: list[Chip] = []
    for f in ENTITY_FIELDS:
        wanted = f.values(query) if query is not None else []
        matched = set(f.matching(entities, wanted)) if wanted else set()
        for value in f.of(entities):
            if f.chip or value in matched:
                title = f.describe(value)
                out.append(Chip(f.name, value, f.name, value, title if title != value else "",
                                matched=value in matched))
    amounts: dict[float, str] = {}
    for money in entities.money:
        if money.usd is not None:
            amounts.setdefault(float(money.usd), money.text)
    floor = query.min_usd if query is not None else None
    for n, (usd, text) in enumerate(sorted(amounts.items(), reverse=True)):
        hit = floor is not None and usd >= floor
        if n < 3 or (hit and n < 10):
            # min_usd just below the figure, so the article stays in the results
            out.append(Chip("money", fmt_usd(usd), "min_usd", f"{int(usd)}", text, matched=hit))
    first = [c for c in out if c.matched]
    return first + [c for c in out if not c.matched][:max(0, most - len(first))]


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


# ------------------------------------------------------- query terms in text

_FOLD_CACHE: dict[str, str] = {}


def _folded(text: str) -> tuple[str, list[int]]:
    """text folded as the index folds it, and for each folded character its offset in text."""
    parts: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = _FOLD_CACHE.get(char)
        if folded is None:
            folded = fold(char)
            if len(_FOLD_CACHE) < 10_000:
                _FOLD_CACHE[char] = folded
        parts.append(folded)
        origin.extend([i] * len(folded))
    return "".join(parts), origin


def _positive(node: Node | None) -> list[Term | Phrase]:
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, (Term, Phrase)):
        return [node]
    return [leaf for child in node.children for leaf in _positive(child)]


def _word_hits(word: str, term: str, prefix: bool) -> bool:
    if word == term:
        return True
    # a prefix* term, or an inflected form (raid -> raids, centre -> centres) as stemming finds
    return word.startswith(term) and (prefix or (len(term) >= 4 and len(word) - len(term) <= 3))


def query_spans(text: str, query_text: str | None) -> list[tuple[int, int]]:
    """[start, end) in text of the words and phrases a search asked for (not its -excluded
    ones), compared folded like the index compares them."""
    if not query_text or not text:
        return []
    try:
        wants = _positive(parse_query(query_text))
    except QuerySyntaxError:
        return []
    if not wants:
        return []
    folded, origin = _folded(text)
    words = [(m.group(0), m.start(), m.end()) for m in word_matches(folded)]
    firsts: dict[str, list[Term | Phrase]] = {}
    for want in wants:
        first = want.text if isinstance(want, Term) else want.words[0]
        firsts.setdefault(first, []).append(want)
    out: list[tuple[int, int]] = []
    for i, (word, start, end) in enumerate(words):
        for first, group in firsts.items():
            if not word.startswith(first):
                continue
            for want in group:
                if isinstance(want, Term):
                    size = 1 if _word_hits(word, want.text, want.prefix) else 0
                else:
                    n = len(want.words)
                    size = n if i + n <= len(words) and all(
                        _word_hits(words[i + k][0], want.words[k], False)
                        for k in range(n)) else 0
                if size:
                    out.append((origin[start], origin[words[i + size - 1][2] - 1] + 1))
                    break
    out.sort()
    merged: list[tuple[int, int]] = []
    for start, end in out:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _plain(text: str, start: int, end: int, hits: list[tuple[int, int]]) -> str:
    """text[start:end] escaped, with the query's words in <mark class="q">."""
    parts: list[str] = []
    pos = start
    for a, b in hits:
        a, b = max(a, start), min(b, end)
        if a >= b or a < pos:
            continue
        parts.append(str(escape(text[pos:a])))
        parts.append(f'<mark class="q">{escape(text[a:b])}</mark>')
        pos = b
    parts.append(str(escape(text[pos:end])))
    return "".join(parts)


def _marked(text: str, spans: list[Span], start: int, end: int,
            hits: list[tuple[int, int]] = ()) -> Markup:
    parts: list[str] = []
    pos = start
    for span in spans:
        if span.start < start or span.end > end:
            continue
        parts.append(_plain(text, pos, span.start, hits))
        hit = " q-hit" if any(a < span.end and span.start < b for a, b in hits) else ""
        parts.append(f'<mark class="ent ent-{span.kind}{hit}" title="{escape(span.title)}">'
                     f"{escape(text[span.start:span.end])}</mark>")
        pos = span.end
    parts.append(_plain(text, pos, end, hits))
    return Markup("".join(parts))


def highlight_text(text: str, entities: Entities, query_text: str | None = None) -> Markup:
    """The article text, escaped, with each entity wrapped in <mark class="ent ent-KIND">
    and the search's words in <mark class="q"> (an entity holding one gets class q-hit)."""
    return _marked(text, entity_spans(text, entities), 0, len(text),
                   query_spans(text, query_text))


def highlight_paragraphs(text: str, entities: Entities,
                         query_text: str | None = None) -> list[Markup]:
    """highlight_text, one item per line of the text (an entity never spans two)."""
    spans = entity_spans(text, entities)
    hits = query_spans(text, query_text)
    out: list[Markup] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            out.append(_marked(text, spans, start, end, hits))
        start = end + 1
    return out
