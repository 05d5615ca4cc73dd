"""Text analysis shared by every backend: index words, Snowball stems, query stems.

Analysis happens here, in Python, once; the engines only split on spaces. That
is what makes SQLite, the cluster (and any later backend) match the same words.

Per article, two streams of tokens:
    words   indexer.query.words_of(text): folded surface words (unspaced scripts one
            character per word). Phrases and prefixes match these, so quoted
            phrases stay exact.
    stems   one tagged token per word, "<lang>:<Snowball stem>", under the stemmer of
            the article's language (none when that language has no stemmer).

A plain query word (not a phrase, not quoted, not a prefix) matches its surface form in any
article, or its stem in an article of language L when the word stems to the same
thing under L's stemmer: the word is stemmed under every language with a stemmer
(only the --lang filter's languages when given), each stem tagged with its language.
The tag keeps languages apart: French "parties" stems to "part", but it does not
find English articles about "parts".

    analyze(title, text, lang) -> Analyzed      what a backend indexes
    stem_tokens(words, lang) -> list[str]       tagged stems of index words
    query_stems(word, langs) -> tuple[str, ...] what one query word matches in the stems
    stem_token(word, lang) -> str | None        one tagged stem
    stem_map(words, lang) -> dict               many (snippets use this)
    stem_key(words, lang) -> tuple[str, ...]    untagged stems (thesaurus matching)
    stem_query(node, langs) / keep_stems(node, langs)   fill in / narrow a tree's stems
    ANALYSIS_FINGERPRINT                        changes whenever any of the above would
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Iterable

import Stemmer

from indexer.query import has_unspaced, is_unspaced, words_of

# Article language (ISO 639-1, as nlp.language answers) -> Snowball algorithm.
# Malay shares the Indonesian stemmer (the two languages share their affixes).
STEMMERS: dict[str, str] = {
    "en": "english", "fr": "french", "es": "spanish", "pt": "portuguese", "de": "german",
    "it": "italian", "nl": "dutch", "id": "indonesian", "ms": "indonesian", "ru": "russian",
    "ar": "arabic", "hi": "hindi", "tr": "turkish",
}
STEM_SEPARATOR = ":"  # never inside an index word, so a tagged stem never equals a word

_local = threading.local()  # a Stemmer object is not safe to share between threads


def _stemmer(lang: str | None):
    algorithm = STEMMERS.get((lang or "").lower())
    if algorithm is None:
        return None
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    stemmer = cache.get(algorithm)
    if stemmer is None:
        stemmer = cache[algorithm] = Stemmer.Stemmer(algorithm)
    return stemmer


def has_stemmer(lang: str | None) -> bool:
    return (lang or "").lower() in STEMMERS


def _stemmable(word: str) -> bool:
    return not is_unspaced(word) and not word.isdigit()


def stem_tokens(words: list[str], lang: str | None) -> list[str]:
    """Tagged stems of index words under lang's stemmer (empty without one).

    Digits and characters of unspaced scripts have no stem token: a query for
    them matches the surface words.
    """
    stems = _stem_table(lang)
    if stems is None:
        return []
    return list(filter(None, map(stems.__getitem__, words)))


def stem_token(word: str, lang: str | None) -> str | None:
    """The tagged stem of one index word in an article of language lang, or None."""
    stems = _stem_table(lang)
    return None if stems is None else stems[word]


def stem_map(words: Iterable[str], lang: str | None) -> dict[str, str | None]:
    """Each of words -> its tagged stem in an article of language lang, or None."""
    words = set(words)
    stems = _stem_table(lang)
    if stems is None:
        return dict.fromkeys(words)
    return {w: stems[w] for w in words}


# News repeats its vocabulary, so after a few thousand articles nearly every word
# (and every whitespace-delimited run of raw text) is a dict hit instead of a fold,
# a regex and a Snowball call. The tables are per thread (a Stemmer is not safe to
# share) and cleared when full, which bounds their memory.
STEM_CACHE_WORDS = 200_000
CHUNK_CACHE = 100_000


class _StemTable(dict):
    """Index word -> tagged stem (None: not stemmable) under one language's stemmer."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.tag = lang + STEM_SEPARATOR
        self.stemmer = Stemmer.Stemmer(STEMMERS[lang])

    def __missing__(self, word: str) -> str | None:
        if len(self) >= STEM_CACHE_WORDS:
            self.clear()
        stem = self[word] = self.tag + self.stemmer.stemWord(word) if _stemmable(word) else None
        return stem


class _ChunkWords(dict):
    """A run of raw text without whitespace -> its index words, space-joined."""

    def __missing__(self, chunk: str) -> str:
        if len(self) >= CHUNK_CACHE:
            self.clear()
        words = self[chunk] = " ".join(words_of(chunk))
        return words


class _ChunkStems(dict):
    """A run of raw text without whitespace -> its tagged stems, space-joined."""

    def __init__(self, stems: _StemTable) -> None:
        super().__init__()
        self.stems = stems

    def __missing__(self, chunk: str) -> str:
        if len(self) >= CHUNK_CACHE:
            self.clear()
        stems = self[chunk] = " ".join(filter(None, map(self.stems.__getitem__,
                                                         words_of(chunk))))
        return stems


def _stem_table(lang: str | None) -> _StemTable | None:
    key = (lang or "").lower()
    if key not in STEMMERS:
        return None
    tables = getattr(_local, "stem_tables", None)
    if tables is None:
        tables = _local.stem_tables = {}
    table = tables.get(key)
    if table is None:
        table = tables[key] = _StemTable(key)
    return table


def _chunk_tables(lang: str | None) -> tuple[_ChunkWords, _ChunkStems | None]:
    words = getattr(_local, "chunk_words", None)
    if words is None:
        words = _local.chunk_words = _ChunkWords()
        _local.chunk_stems = {}
    stems = _stem_table(lang)
    if stems is None:
        return words, None
    chunk_stems = _local.chunk_stems.get(stems.tag)
    if chunk_stems is None:
        chunk_stems = _local.chunk_stems[stems.tag] = _ChunkStems(stems)
    return words, chunk_stems


def query_langs(langs: Iterable[str] | None) -> tuple[str, ...]:
    """The languages a query word is stemmed under: the filter's (those with a
    stemmer), or every language with a stemmer when there is no language filter."""
    wanted = [lang.lower() for lang in langs or ()]
    if wanted:
        return tuple(sorted({lang for lang in wanted if lang in STEMMERS}))
    return tuple(sorted(STEMMERS))


def query_stems(word: str, langs: Iterable[str] | None = None) -> tuple[str, ...]:
    """The tagged stems one query word matches (see the module docstring)."""
    if not _stemmable(word):
        return ()
    return tuple(lang + STEM_SEPARATOR + _stemmer(lang).stemWord(word)
                 for lang in query_langs(langs))


def stem_key(words: Iterable[str], lang: str | None) -> tuple[str, ...]:
    """Untagged stems of words under lang's stemmer (the words themselves without one)."""
    stemmer = _stemmer(lang)
    words = list(words)
    if stemmer is None:
        return tuple(words)
    return tuple(stemmer.stemWord(w) if _stemmable(w) else w for w in words)


@dataclass(frozen=True)
class Analyzed:
    """What a backend indexes for one article: space-joined tokens per field."""

    title_words: str
    text_words: str
    title_stems: str
    text_stems: str


def analyze(title: str, text: str, lang: str | None) -> Analyzed:
    title_words, title_stems = _tokens(title or "", lang)
    text_words, text_stems = _tokens(text or "", lang)
    return Analyzed(title_words, text_words, title_stems, text_stems)


def _tokens(text: str, lang: str | None) -> tuple[str, str]:
    """" ".join(words_of(text)) and " ".join(stem_tokens(those words, lang)), computed
    per whitespace-delimited run of the raw text through the chunk tables.

    The same tokens, because no index word spans whitespace and folding never looks
    across it (lower-casing's final-sigma context, NFKD reordering and NFC composition
    all stop at a whitespace character, which folds to no word character);
    tests/test_analysis_fast_path.py checks this on every whitespace character.
    """
    words, stems = _chunk_tables(lang)
    if not text.isascii() and _mostly_unspaced(text):
        # runs of Chinese or Thai text seldom repeat whole: split per word instead
        split = words_of(text)
        return " ".join(split), " ".join(stem_tokens(split, lang))
    chunks = text.split()
    joined = " ".join(filter(None, map(words.__getitem__, chunks)))
    if stems is None:
        return joined, ""
    return joined, " ".join(filter(None, map(stems.__getitem__, chunks)))


def _mostly_unspaced(text: str) -> bool:
    """Is text largely written in unspaced scripts (its runs then seldom repeat)? Every
    unspaced character takes three bytes in UTF-8: a text with unspaced characters for
    less than an eighth of its characters (an English article quoting "฿150" or a name
    in Chinese) repeats its whitespace-delimited runs like any other text. Either answer
    gives the same tokens; this one only chooses the faster way."""
    return len(text.encode("utf-8", "surrogatepass")) - len(text) > len(text) // 4 \
        and has_unspaced(text)


# Strings whose analysis fingerprints this module: a change in folding, word
# splitting, the stemmer table or the Snowball algorithms changes it, and each
# backend then re-analyses what it stored.
_PROBE = ("Scam CENTRE fraudé naïve ﬁnance 诈骗园区 แก๊งคอลเซ็นเตอร์ 사기 がぎ x² foo_bar 12.5 "
          "raided centres escroqueries penipuannya")


def _fingerprint() -> str:
    parts = [" ".join(words_of(_PROBE)), repr(sorted(STEMMERS.items()))]
    parts += [analyze(_PROBE, "", lang).title_stems for lang in sorted(STEMMERS)]
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


ANALYSIS_FINGERPRINT = _fingerprint()


def keep_stems(node, langs: Iterable[str]):
    """The tree with only the stems of these languages (an index's languages: the
    others match nothing there, so dropping them changes no hit, only the work)."""
    from indexer.query import And, Not, Or, Term

    prefixes = tuple(f"{lang.lower()}{STEM_SEPARATOR}" for lang in langs)

    def walk(n):
        if isinstance(n, Term) and n.stems:
            return Term(n.text, n.prefix, tuple(s for s in n.stems if s.startswith(prefixes)),
                        n.exact)
        if isinstance(n, Not):
            return Not(walk(n.child))
        if isinstance(n, (And, Or)):
            return type(n)(tuple(walk(c) for c in n.children))
        return n

    return walk(node)


def stem_query(node, langs: Iterable[str] | None = None):
    """The parse tree with every plain word's query_stems filled in (phrases and
    prefixes stay exact: they match surface words only)."""
    from indexer.query import And, Not, Or, Term

    chosen = query_langs(langs)

    def walk(n):
        if isinstance(n, Term):
            if n.prefix or n.exact:
                return n
            return Term(n.text, stems=query_stems(n.text, chosen))
        if isinstance(n, Not):
            return Not(walk(n.child))
        if isinstance(n, (And, Or)):
            return type(n)(tuple(walk(c) for c in n.children))
        return n

    return None if node is None else walk(node)
