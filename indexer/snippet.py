"""Snippets with highlighted terms, computed from the raw text and the parse tree.

Engine-neutral on purpose: the snippet shows the stored raw text (escaped),
and a word is marked when its folded form matches a positive term of the query
exactly as the index matched it (same `fold`/`word_spans` as indexing), so
"fraude" marks "fraudé" and 诈骗园区 marks the four characters inside a longer run.
"""
from __future__ import annotations

import html

from indexer.query import And, Node, Not, Or, Phrase, Term, fold, word_spans

SNIPPET_CHARS = 240


def snippet(text: str, node: Node | None, size: int = SNIPPET_CHARS) -> str:
    """HTML-escaped excerpt of text around the first match, matches in <mark>.

    Without a query (or when only the title matched) it is the start of the text.
    """
    if not text:
        return ""
    spans = match_spans(text, node) if node is not None else []
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


def match_spans(text: str, node: Node | None) -> list[tuple[int, int]]:
    """[start, end) offsets in text of every word or phrase the query's positive terms match."""
    exact, prefixes, phrases = _positive(node)
    if not (exact or prefixes or phrases):
        return []
    folded, offsets = _fold_with_offsets(text)
    tokens = word_spans(folded)
    words = [t[0] for t in tokens]
    found: list[tuple[int, int]] = []
    for i, (word, s, e) in enumerate(tokens):
        if word in exact or any(word.startswith(p) for p in prefixes):
            found.append((s, e))
        for phrase in phrases.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                found.append((s, tokens[i + len(phrase) - 1][2]))
    if offsets is not None:
        found = [(offsets[s], offsets[e - 1] + 1) for s, e in found]
    return _merge(found)


def _positive(node: Node | None):
    exact: set[str] = set()
    prefixes: list[str] = []
    phrases: dict[str, list[tuple[str, ...]]] = {}

    def walk(n: Node | None) -> None:
        if n is None or isinstance(n, Not):
            return
        if isinstance(n, Term):
            (prefixes.append(n.text) if n.prefix else exact.add(n.text))
        elif isinstance(n, Phrase):
            phrases.setdefault(n.words[0], []).append(tuple(n.words))
        elif isinstance(n, (And, Or)):
            for child in n.children:
                walk(child)

    walk(node)
    return exact, prefixes, phrases


def _fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Folded text and, when its length differs from text, folded index -> raw index."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, None
    parts: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch)
        parts.append(f)
        offsets.extend([i] * len(f))
    return "".join(parts), offsets


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
