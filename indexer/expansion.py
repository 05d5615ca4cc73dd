"""Search across languages: a query's words expanded through the thesaurus.

    expand(node) -> (node, [Expansion, ...])

A word, a run of words of an AND, or a phrase that names a thesaurus entry
(nlp.thesaurus: the topic's concepts in many languages, and the alias tables of
places, countries and organisations) becomes an OR of itself and the entry's
other names: `raid` -> (raid OR redada OR penggerebekan OR "突袭" ...). The
rewrite is a plain parse tree, so every backend runs it the same way, stems
included (indexer.analysis fills them in afterwards).

Matching: the query words equal an entry's phrase after folding, or after
stemming under the phrase's language (so `raids` names the concept of "raid",
`centres d'escroqueries` the one of "centre d'escroquerie").

Bounds, so an expanded query stays within what the engines take:
- at most MAX_ALTERNATIVES names per match, one per language (or script) in turn;
- at most MAX_EXPANDED_TERMS terms in all (the user's query has at most
  MAX_TERMS): once the budget is spent, later words stay as they are;
- no expansion where it would make the tree deeper than a parsed query can be
  (MAX_TREE_DEPTH), so the cluster's bool nesting limit still holds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from indexer.analysis import STEMMERS, stem_key
from indexer.query import (MAX_DEPTH, MAX_TERMS, And, Node, Not, Or, Phrase, Term,
                           count_terms, is_unspaced, words_of)
from nlp.thesaurus import Entry, entries

MAX_ALTERNATIVES = 16  # names added for one matched word or phrase
MAX_EXPANDED_TERMS = 4 * MAX_TERMS  # terms of the whole expanded query
MAX_SPAN = 6  # longest run of query words looked up as one name
# The deepest tree parse_query can build: OR, AND and NOT at the top and at every
# level of parentheses, then a leaf.
MAX_TREE_DEPTH = 3 * (MAX_DEPTH + 1) + 1
MIN_LATIN_NAME = 3  # shorter Latin aliases ("UN", "EU") are common words in some language


@dataclass(frozen=True)
class Expansion:
    """One match: the query's words, the entry they name, and the names added."""

    matched: str
    kind: str  # concept | place | country | org
    name: str
    added: tuple[str, ...]
    truncated: bool = False  # the budget cut some names

    def to_json(self) -> dict[str, Any]:
        return {"matched": self.matched, "kind": self.kind, "name": self.name,
                "added": list(self.added), "truncated": self.truncated}


@dataclass(frozen=True)
class _Name:
    words: tuple[str, ...]
    text: str  # as written in the table
    group: str  # language, or script for entity aliases: round-robin key
    lang: str | None


class _Table:
    """Every entry name under every key a query's words could match it by."""

    def __init__(self, items: tuple[Entry, ...]) -> None:
        self.by_key: dict[tuple[str, tuple[str, ...]], int] = {}
        self.entries = items
        self.names: list[list[_Name]] = []
        for i, entry in enumerate(items):
            names = []
            for lang, phrase in entry.terms:
                words = tuple(words_of(phrase))
                if not _usable(words):
                    continue
                names.append(_Name(words, phrase, lang or _script(phrase), lang))
                self.by_key.setdefault(("", words), i)
                if lang in STEMMERS:
                    self.by_key.setdefault((lang, stem_key(words, lang)), i)
            self.names.append(names)

    def lookup(self, words: tuple[str, ...]) -> int | None:
        found = self.by_key.get(("", words))
        if found is not None:
            return found
        for lang in sorted(STEMMERS):
            found = self.by_key.get((lang, stem_key(words, lang)))
            if found is not None:
                return found
        return None

    def alternatives(self, i: int, words: tuple[str, ...]) -> list[_Name]:
        """The entry's other names, one per language/script in turn, without the ones
        the query's own words already match (same words, or same stems)."""
        groups: dict[str, list[_Name]] = {}
        seen: set[tuple[str | None, tuple[str, ...]]] = {(None, words)}
        for name in self.names[i]:
            # a word whose stems the query's words, or an earlier name, already match
            # ("arnaques" after "arnaque") would add nothing; phrases are exact, so
            # "centres d'arnaque" still adds to "centre d'arnaque"
            stemmed = name.lang in STEMMERS and len(name.words) == 1
            key = (name.lang, stem_key(name.words, name.lang)) if stemmed else (None, name.words)
            if key in seen or (None, name.words) in seen or (
                    name.lang in STEMMERS  # the query's own words, stemmed, match it
                    and stem_key(name.words, name.lang) == stem_key(words, name.lang)):
                continue
            seen.update({key, (None, name.words)})
            groups.setdefault(name.group, []).append(name)
        out: list[_Name] = []
        queues = list(groups.values())
        while queues and len(out) < MAX_ALTERNATIVES:
            for queue in queues:
                if queue and len(out) < MAX_ALTERNATIVES:
                    out.append(queue.pop(0))
            queues = [q for q in queues if q]
        return out


def _usable(words: tuple[str, ...]) -> bool:
    if not words:
        return False
    if all(is_unspaced(w) for w in words):
        return len(words) >= 2  # one Chinese or Thai character is no name
    return len(words) > 1 or len(words[0]) >= MIN_LATIN_NAME


_SCRIPTS = [("han", re.compile("[\u3400-\u9fff\uf900-\ufaff]")),
            ("thai", re.compile("[\u0e00-\u0e7f]")), ("lao", re.compile("[\u0e80-\u0eff]")),
            ("myanmar", re.compile("[\u1000-\u109f]")), ("khmer", re.compile("[\u1780-\u17ff]")),
            ("hangul", re.compile("[\uac00-\ud7af]")), ("kana", re.compile("[\u3040-\u30ff]"))]


def _script(text: str) -> str:
    for name, pattern in _SCRIPTS:
        if pattern.search(text):
            return name
    return "latin"


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table(entries())


def _node_of(words: tuple[str, ...]) -> Node:
    return Term(words[0]) if len(words) == 1 else Phrase(words)


def depth(node: Node) -> int:
    """Levels of the tree (a leaf is 1)."""
    if isinstance(node, Not):
        return 1 + depth(node.child)
    if isinstance(node, (And, Or)):
        return 1 + max(depth(c) for c in node.children)
    return 1


class _Expander:
    def __init__(self, node: Node) -> None:
        self.table = _table()
        self.budget = MAX_EXPANDED_TERMS - count_terms(node)
        self.expansions: list[Expansion] = []

    def alternatives_for(self, words: tuple[str, ...], at_depth: int) -> list[Node] | None:
        """The nodes to OR with these words, or None (no entry, no budget, too deep).

        at_depth: the depth of the deepest leaf the rewrite would make."""
        if at_depth > MAX_TREE_DEPTH or self.budget <= 0:
            return None
        i = self.table.lookup(words)
        if i is None:
            return None
        names = self.table.alternatives(i, words)
        if not names:
            return None
        kept = names[:self.budget]
        self.budget -= len(kept)
        entry = self.table.entries[i]
        self.expansions.append(Expansion(" ".join(words), entry.kind, entry.name,
                                         tuple(n.text for n in kept), len(kept) < len(names)))
        return [_node_of(n.words) for n in kept]

    def walk(self, node: Node, level: int) -> Node:
        """level: the depth node sits at (the root is 1)."""
        if isinstance(node, Term) and not node.prefix:
            alts = self.alternatives_for((node.text,), level + 1)
            return Or((node, *alts)) if alts else node
        if isinstance(node, Phrase):
            alts = self.alternatives_for(node.words, level + 1)
            return Or((node, *alts)) if alts else node
        if isinstance(node, Not):
            return Not(self.walk(node.child, level + 1))
        if isinstance(node, Or):
            children: list[Node] = []
            for child in node.children:
                done = self.walk(child, level + 1)
                # an OR inside an OR is the same OR, one level shallower
                children.extend(done.children if isinstance(done, Or) else (done,))
            return Or(tuple(dict.fromkeys(children)))
        if isinstance(node, And):
            return self.walk_and(node, level)
        return node

    def walk_and(self, node: And, level: int) -> Node:
        children = list(node.children)
        out: list[Node] = []
        i = 0
        while i < len(children):
            run = 0  # plain words from i on, which may name an entry together
            while (i + run < len(children) and run < MAX_SPAN
                   and isinstance(children[i + run], Term) and not children[i + run].prefix):
                run += 1
            for size in range(run, 1, -1):  # the longest name first
                words = tuple(c.text for c in children[i:i + size])
                # And(level) > Or > And(the run) > its words
                alts = self.alternatives_for(words, level + 3)
                if alts:
                    out.append(Or((And(tuple(children[i:i + size])), *alts)))
                    i += size
                    break
            else:
                out.append(self.walk(children[i], level + 1))
                i += 1
        return And(tuple(out)) if len(out) > 1 else out[0]


def expand(node: Node | None) -> tuple[Node | None, list[Expansion]]:
    """The tree with thesaurus names OR-ed in, and what was added (see the module doc)."""
    if node is None:
        return None, []
    expander = _Expander(node)
    return expander.walk(node, 1), expander.expansions
