"""Engine-neutral search requests and results.

A user's query string is parsed here, once, into a small tree; each backend
compiles the tree to its own syntax (FTS5 MATCH, Elasticsearch query DSL). That
is what lets both engines agree on what a query means, and lets a syntax error
become one clear message before any engine sees it.

Query language (documented in README.md):
    scam centre          both words (AND is the default)
    "scam centre"        the exact phrase
    scam OR fraud        either word
    -crypto, NOT crypto  exclude
    (a OR b) c           grouping
    traffick*            prefix

Limits (so that no one request can monopolise an index): at most MAX_QUERY_CHARS
characters, MAX_TERMS distinct words or phrases, and MAX_DEPTH levels of
parentheses. A word repeated is one term: it cannot change what matches, only
how long the engine takes to rank it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterator, Union

from indexer.errors import QuerySyntaxError

if TYPE_CHECKING:
    from nlp.records import Entities

# --------------------------------------------------------------------- tree


@dataclass(frozen=True)
class Term:
    text: str  # lower-cased, one word
    prefix: bool = False
    # tagged stems the word also matches (indexer.analysis.query_stems); filled in by
    # Query.parsed(), empty straight out of parse_query()
    stems: tuple[str, ...] = ()
    exact: bool = False  # a quoted single word: matched as written, never stemmed


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    child: "Node"


Node = Union[Term, Phrase, And, Or, Not]

# Scripts written without spaces between words. Both backends index and query
# them one character at a time (a phrase of characters), so a search for
# "诈骗园区" finds it inside a longer run of Chinese text.
_UNSPACED = re.compile(
    "[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Burmese, Khmer
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"  # kana, CJK, Hangul
)
_WORD_CHARS = r"\w\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"
_WORD = re.compile(f"[{_WORD_CHARS}]+", re.UNICODE)
# Regex text for what may separate two consecutive index words in folded text.
WORD_GAP = f"[^{_WORD_CHARS}]*"
# Regex text for one character of an unspaced script (each is an index word of its own).
UNSPACED_CHAR = _UNSPACED.pattern
# One index word: a single unspaced character (Thai marks included), or a run of
# other word characters. (\w never matches a combining mark, so no mark is left
# to attach to the character before it.)
_INDEX_WORD = re.compile(_UNSPACED.pattern + "|" + "[^\\W" + _UNSPACED.pattern[1:-1] + "]+")
# The same words in runs: (a run of unspaced characters, "") or ("", one other word).
_RUNS = re.compile(f"({_UNSPACED.pattern}+)|(" + "[^\\W" + _UNSPACED.pattern[1:-1] + "]+)")


# Combining marks fold() strips: every mark outside the unspaced scripts (no
# combining marks exist above the SMP).
_MARKS = frozenset(chr(code) for code in range(0x20000)
                   if unicodedata.combining(chr(code)) and not _UNSPACED.match(chr(code)))


def fold(text: str) -> str:
    """Lower-case and strip Latin diacritics, the way both indexes fold text.

    The result is NFC, so Hangul syllables stay whole (and are indexed one per
    character like the other unspaced scripts) instead of becoming jamo runs.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    for mark in _MARKS.intersection(text):  # set lookups beat a regex class here
        text = text.replace(mark, "")
    return unicodedata.normalize("NFC", text)


def word_matches(folded: str, pos: int = 0) -> Iterator[re.Match[str]]:
    """Lazily, the index words of already folded text (from pos, a word boundary)."""
    return (_INDEX_WORD if _UNSPACED.search(folded) else _WORD).finditer(folded, pos)


def words_of(text: str) -> list[str]:
    """Split text into index words: runs of letters/digits, unspaced scripts per character."""
    return folded_words(fold(text))


def folded_words(folded: str) -> list[str]:
    """The index words of already folded text."""
    if not _UNSPACED.search(folded):
        return _WORD.findall(folded)
    # _INDEX_WORD's words, a run of unspaced characters at a time: a Thai or Chinese
    # text is mostly such runs, and splitting a run into characters costs no match each
    words: list[str] = []
    for unspaced, other in _RUNS.findall(folded):
        if unspaced:
            words.extend(unspaced)
        else:
            words.append(other)
    return words


def has_unspaced(text: str) -> bool:
    """Does text hold any character of a script written without spaces?"""
    return _UNSPACED.search(text) is not None


def is_unspaced(word: str) -> bool:
    """Is this index word one character of a script written without spaces?"""
    return len(word) == 1 and _UNSPACED.match(word) is not None


_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_ACRONYM_DOT = re.compile(r"(?<=\w)\.(?=\w)")  # fixed-width lookarounds: linear
_UNSPACED_GAP = re.compile(f"(?<={_UNSPACED.pattern}) (?={_UNSPACED.pattern})")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """How names (places, organisations, people) are matched, by every index and every
    filter alike: folded (case, accents, width); apostrophes and acronym dots dropped
    ("Prosecutors' Office" = "Prosecutors Office", "U.S." = "US"); other punctuation
    read as a space and "&" as "and"; a leading "the" dropped; no space between two
    characters of an unspaced script; spaces collapsed."""
    text = _ACRONYM_DOT.sub("", fold(name).translate(_APOSTROPHES))
    if not text.isalnum():
        text = "".join(_NAME_CHARS.get(ch) or _name_char(ch) for ch in text)
    text = " ".join(text.split())
    if text.startswith("the ") and len(text) > 4:
        text = text[4:]
    return _UNSPACED_GAP.sub("", text) if " " in text and _UNSPACED.search(text) else text


_NAME_CHARS: dict[str, str] = {"&": " and "}


def _name_char(ch: str) -> str:
    """A character as name_key keeps it: punctuation and symbols become a space."""
    out = " " if unicodedata.category(ch)[0] in "PS" else ch
    if len(_NAME_CHARS) < 4096:  # the characters of names are few
        _NAME_CHARS[ch] = out
    return out


# ------------------------------------------------------------------- parser

MAX_QUERY_CHARS = 2000
MAX_TERMS = 64
# Each level of parentheses can add three levels of AND/OR/NOT to the tree, and a
# cluster refuses bool queries nested deeper than indices.query.bool.max_nested_depth
# (20 to 30 by default): 8 keeps the worst case within 30, and no real search needs more.
MAX_DEPTH = 8

_TOKEN = re.compile(r'\s*(?:(?P<quote>"[^"]*"?)|(?P<lpar>\()|(?P<rpar>\))|(?P<word>[^\s()"]+))')


def parse_query(text: str | None) -> Node | None:
    """Parse a user's query string; None means "match everything".

    Raises QuerySyntaxError with a message meant for the user.
    """
    if text is None or not text.strip():
        return None
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query too long: at most {MAX_QUERY_CHARS} characters "
                               f"and {MAX_TERMS} terms")
    tokens = _tokenize(text)
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.pos < len(tokens):
        kind, value = tokens[parser.pos]
        if kind == "rpar":
            raise QuerySyntaxError("unbalanced ')' in query: remove it or add a matching '('")
        raise QuerySyntaxError(f"unexpected {value!r} in query")
    if node is None:
        # Only punctuation, symbols, emoji or invisible characters: nothing an index
        # can look up, and "match everything" would be a silent wrong answer.
        raise QuerySyntaxError("the query has no searchable words: use letters or digits, "
                               "or leave it empty to match everything")
    if count_terms(node) > MAX_TERMS:
        raise QuerySyntaxError(f"query too long: at most {MAX_TERMS} terms "
                               "(different words or phrases)")
    if _only_negative(node):
        raise QuerySyntaxError(
            "a query cannot only exclude words: add a word to search for, or use filters alone")
    return node


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
        if match.group("quote") is not None:
            raw = match.group("quote")
            if len(raw) < 2 or not raw.endswith('"'):
                raise QuerySyntaxError('unclosed quote in query: add the closing "')
            tokens.append(("phrase", raw[1:-1]))
        elif match.group("lpar"):
            tokens.append(("lpar", "("))
        elif match.group("rpar"):
            tokens.append(("rpar", ")"))
        else:
            word = match.group("word")
            if word in ("AND", "OR", "NOT"):
                tokens.append((word.lower(), word))
            elif word.startswith("-") and len(word) > 1:
                tokens.append(("not", "-"))
                tokens.append(("word", word[1:]))
            elif word == "-":
                tokens.append(("not", "-"))
            else:
                tokens.append(("word", word))
    # "-" directly before a quote or a parenthesis
    return tokens


class _Parser:
    """Recursive descent; only parentheses recurse, and at most MAX_DEPTH deep."""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse_or(self) -> Node | None:
        parts = [self.parse_and()]
        while self.peek() == "or":
            self.pos += 1
            if self.peek() in (None, "rpar", "or", "and"):
                raise QuerySyntaxError("OR needs a word after it")
            parts.append(self.parse_and())
        if parts[0] is None and len(parts) > 1:
            raise QuerySyntaxError("OR needs a word before it")
        parts = _distinct(p for p in parts if p is not None)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Node | None:
        parts: list[Node] = []
        while self.peek() not in (None, "rpar", "or"):
            if self.peek() == "and":
                self.pos += 1
                if not parts or self.peek() in (None, "rpar", "or", "and"):
                    raise QuerySyntaxError("AND needs a word on both sides")
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        parts = _distinct(parts)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_unary(self) -> Node | None:
        kind = self.peek()
        if kind == "not":
            self.pos += 1
            if self.peek() in (None, "rpar", "or", "and", "not"):
                raise QuerySyntaxError("NOT (or '-') needs a word after it")
            child = self.parse_unary()
            return Not(child) if child is not None else None
        return self.parse_atom()

    def parse_atom(self) -> Node | None:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "lpar":
            if self.depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"query nests parentheses too deeply: at most "
                                       f"{MAX_DEPTH} levels")
            self.depth += 1
            node = self.parse_or()
            self.depth -= 1
            if self.peek() != "rpar":
                raise QuerySyntaxError("unbalanced '(' in query: add the closing ')'")
            self.pos += 1
            if node is None:
                raise QuerySyntaxError("empty parentheses in query")
            return node
        if kind == "phrase":
            words = words_of(value)
            if not words:
                return None
            return Term(words[0], exact=True) if len(words) == 1 else Phrase(tuple(words))
        if kind == "word":
            prefix = value.endswith("*")
            words = words_of(value.rstrip("*"))
            if not words:
                if prefix:
                    raise QuerySyntaxError("'*' must follow at least one letter, as in traffick*")
                return None  # lone punctuation
            if len(words) == 1:
                return Term(words[0], prefix=prefix)
            return Phrase(tuple(words))
        raise QuerySyntaxError(f"unexpected {value!r} in query")


def _distinct(nodes) -> list[Node]:
    """The nodes without repeats, first occurrence first ("scam scam" is "scam")."""
    return list(dict.fromkeys(nodes))


def count_terms(node: Node) -> int:
    """Words and phrases in the tree (a phrase is one: its cost grows with its length,
    which MAX_QUERY_CHARS bounds)."""
    count, stack = 0, [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (And, Or)):
            stack.extend(item.children)
        elif isinstance(item, Not):
            stack.append(item.child)
        else:
            count += 1
    return count


def _only_negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(c) for c in node.children)
    if isinstance(node, Or):
        return any(_only_negative(c) for c in node.children)
    return False


def positive_terms(node: Node | None) -> list[str]:
    """Words a match must have contained; used to explain matches in digests."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Phrase):
        return list(node.words)
    out: list[str] = []
    for child in node.children:
        out.extend(positive_terms(child))
    return out


# ------------------------------------------------------------ request/result

SORTS = ("relevance", "date", "indexed")
MAX_WINDOW = 1_000_000_000  # the largest limit or offset of one search


@dataclass
class Query:
    """A search request. Values within one filter are OR-ed; filters are AND-ed."""

    text: str | None = None
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2
    places: list[str] = field(default_factory=list)  # canonical names, case-insensitive
    orgs: list[str] = field(default_factory=list)  # canonical names, case-insensitive
    people: list[str] = field(default_factory=list)  # full names, case-insensitive
    langs: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    min_usd: float | None = None  # the article mentions at least this much money
    min_relevance: float | None = None
    since: datetime | None = None  # article date (published, else fetched) >= since
    until: datetime | None = None  # article date <= until
    indexed_after: datetime | None = None  # alerts watermark: strictly after
    story_id: str | None = None
    sort: str = "relevance"  # relevance | date (newest first) | indexed (oldest first)
    limit: int = 20
    offset: int = 0
    facets: bool = True
    facet_size: int = 10
    facet_names: tuple[str, ...] | None = None  # which facets; None: indexer.fields.FACETS
    # search across languages: words naming a concept or entity of the thesaurus also
    # match its names in other languages (indexer.expansion)
    all_languages: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise QuerySyntaxError(f"unknown sort {self.sort!r}: use one of {', '.join(SORTS)}")
        if self.limit < 0 or self.offset < 0:
            raise QuerySyntaxError("limit and offset must not be negative")
        if self.limit > MAX_WINDOW or self.offset > MAX_WINDOW:
            # past this, engines overflow their 64-bit arithmetic instead of saying so
            raise QuerySyntaxError(f"limit and offset must be at most {MAX_WINDOW:,}")
        self.countries = [c.upper() for c in self.countries]
        self.langs = [lang.lower() for lang in self.langs]
        if self.facet_names is not None:
            from indexer.fields import field

            for name in self.facet_names:
                try:
                    field(name)
                except KeyError:
                    raise QuerySyntaxError(f"unknown facet {name!r}") from None

    def parsed(self) -> Node | None:
        """The query's text as the backends run it: parsed, expanded across languages
        when all_languages is set, and every plain word given its stems under the
        languages it may be in (indexer.analysis)."""
        return self.analyzed()[0]

    def expansions(self) -> list[Any]:
        """What all_languages added (indexer.expansion.Expansion), in query order."""
        return self.analyzed()[1]

    def analyzed(self) -> tuple[Node | None, list[Any]]:
        node, expansions = _analyzed(self.text, tuple(self.langs), self.all_languages)
        return node, list(expansions)

    def to_json(self) -> dict[str, Any]:
        from indexer.fields import FIELDS
        from nlp.records import iso

        data: dict[str, Any] = {"text": self.text}
        data.update((f.attr, f.values(self)) for f in FIELDS)
        data.update(min_usd=self.min_usd, min_relevance=self.min_relevance,
                    since=iso(self.since), until=iso(self.until), sort=self.sort)
        if self.all_languages:
            data["all_languages"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Query":
        from indexer.fields import FIELDS
        from nlp.records import parse_iso

        return cls(
            text=data.get("text"), **{f.attr: list(data.get(f.attr) or []) for f in FIELDS},
            min_usd=data.get("min_usd"), min_relevance=data.get("min_relevance"),
            since=parse_iso(data.get("since")), until=parse_iso(data.get("until")),
            sort=data.get("sort") or "relevance",
            all_languages=bool(data.get("all_languages")),
        )


@lru_cache(maxsize=256)
def _analyzed(text: str | None, langs: tuple[str, ...],
              all_languages: bool) -> tuple[Node | None, tuple[Any, ...]]:
    """Query.analyzed(), once per distinct query (a request asks several times; the
    trees are immutable, so sharing them is safe)."""
    from indexer.analysis import stem_query

    node = parse_query(text)
    expansions: list[Any] = []
    if all_languages and node is not None:
        from indexer.expansion import expand

        node, expansions = expand(node)
    return stem_query(node, langs), tuple(expansions)


def __getattr__(name: str) -> Any:
    # FACETS lives in indexer.fields, which imports this module: resolved on first use.
    if name == "FACETS":
        from indexer.fields import FACETS

        return FACETS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Hit:
    id: str
    url: str
    title: str
    published: str | None  # ISO 8601 UTC
    lang: str | None
    source: str
    # HTML-escaped text with matched terms wrapped in <mark>...</mark>
    snippet: str
    entities: "Entities"
    score: float = 0.0
    relevance: float = 0.0
    story_id: str = ""
    indexed_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title,
                "published": self.published, "lang": self.lang, "source": self.source,
                "snippet": self.snippet, "entities": self.entities.to_json(),
                "relevance": self.relevance, "story_id": self.story_id}


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "facets": {name: [{"value": f.value, "count": f.count} for f in values]
                       for name, values in self.facets.items()},
        }
