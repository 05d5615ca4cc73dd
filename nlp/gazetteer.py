"""Fast multi-name matching in any script, shared by places, organisations and relevance.

Two mechanisms behind one `find`:
- spaced scripts (Latin, Cyrillic...): the text is split once into word and
  punctuation tokens; names are token tuples in a dict keyed by their first
  token, so matching costs a dict lookup per token (longest match wins);
- unspaced scripts (Thai, Lao, Burmese, Khmer, Chinese, Japanese; Korean, whose
  particles glue onto names): at each character of a run of such script, the
  longest name starting there (dict lookups by first character and length), run
  only when the text contains such characters.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, Iterator, TypeVar

T = TypeVar("T")

_LATIN = "0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f"
TOKEN = re.compile(rf"[{_LATIN}]+|[^\W{_LATIN}_]+|[^\w\s]", re.UNICODE)
UNSPACED_CHARS = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                  "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff")
_UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")
# Stretches of text the unspaced-name regex is run on (with a Latin prefix such as "KK园区").
# (?<![A-Za-z0-9]): a Latin prefix is tried from its first letter only, so a long
# Latin word is not rescanned from each of its letters.
# Dots and digits belong to the run: Thai abbreviations are written with dots (บช.สอท.,
# ป.ป.ส.), and some names end with a number (香港01).
_UNSPACED_RUN = re.compile(f"(?:(?<![A-Za-z0-9])[A-Za-z0-9]+ ?)?[{UNSPACED_CHARS}](?:[{UNSPACED_CHARS}\u200b .0-9]*"
                           f"[{UNSPACED_CHARS}.0-9])?")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                              "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2212": "-"})


@dataclass(frozen=True)
class Match(Generic[T]):
    start: int
    end: int
    text: str
    value: T


def casekey(text: str) -> str:
    """The one case-insensitive form under which words are looked up in a table.

    casefold() alone is not enough: it turns the Turkish "İ" into "i" plus a
    combining dot above, so "MİLYON" would never equal "milyon"; NFKC makes
    ligatures and full-width forms equal to their plain spelling.
    """
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text.casefold()).replace("\u0307", "")


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Case- and accent-insensitive form of a token."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain_latin(name: str) -> str:
    """A Latin-script name without its accents and tone marks, as English writes it:
    "Quảng Ninh" -> "Quang Ninh", "Đà Nẵng" -> "Da Nang"."""
    decomposed = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_unspaced(name: str) -> bool:
    return bool(_UNSPACED.search(name))


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of every word and punctuation mark; apostrophes/dashes unified."""
    text = text.translate(_APOSTROPHES)  # one-to-one, so offsets are unchanged
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


class Gazetteer(Generic[T]):
    """Names -> values. Add names, then find() them in texts (longest, leftmost, no overlaps)."""

    def __init__(self) -> None:
        self._exact: dict[tuple[str, ...], T] = {}
        self._folded: dict[tuple[str, ...], T] = {}
        self._max_len: dict[str, int] = {}  # first token (exact or folded) -> longest name
        self._unspaced: dict[str, T] = {}
        # first character -> lengths of the unspaced names starting with it, longest first
        self._unspaced_lengths: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._exact) + len(self._folded) + len(self._unspaced)

    def add(self, name: str, value: T, *, case_sensitive: bool = True,
            replace: bool = False) -> None:
        """Register name. Case-insensitive names also ignore accents."""
        name = unicodedata.normalize("NFC", name.strip())
        if not name:
            return
        if is_unspaced(name):
            if name not in self._unspaced:
                lengths = self._unspaced_lengths.setdefault(name[0], [])
                if len(name) not in lengths:
                    lengths.append(len(name))
                    lengths.sort(reverse=True)
            if replace or name not in self._unspaced:
                self._unspaced[name] = value
            return
        tokens = tuple(t for t, _, _ in tokenize(name))
        if not tokens:
            return
        if case_sensitive:
            table, key = self._exact, tokens
        else:
            table, key = self._folded, tuple(fold(t) for t in tokens)
        if replace or key not in table:
            table[key] = value
        first = key[0]
        self._max_len[first] = max(self._max_len.get(first, 0), len(key))

    def items(self) -> Iterator[tuple[str, T]]:
        """Every registered name and its value, in registration order (spaced names as
        their tokens joined by spaces)."""
        for table in (self._exact, self._folded):
            for tokens, value in table.items():
                yield " ".join(tokens), value
        yield from self._unspaced.items()

    def longest_at(self, text: str, i: int) -> Match[T] | None:
        """The longest unspaced name that starts at text[i], if any (one dict lookup per
        length of the names that start with that character)."""
        for size in self._unspaced_lengths.get(text[i:i + 1], ()):
            value = self._unspaced.get(text[i:i + size])
            if value is not None:
                return Match(i, i + size, text[i:i + size], value)
        return None

    def unspaced(self, name: str) -> T | None:
        """The value of an unspaced name exactly as written (no normalisation)."""
        return self._unspaced.get(name)

    def get(self, name: str, default: Any = None) -> T | None:
        """The value of a name given exactly as a whole (no search inside it)."""
        name = unicodedata.normalize("NFC", name.strip())
        if is_unspaced(name):
            return self._unspaced.get(name, default)
        tokens = tuple(t for t, _, _ in tokenize(name))
        if tokens in self._exact:
            return self._exact[tokens]
        return self._folded.get(tuple(fold(t) for t in tokens), default)

    def find(self, text: str, tokens: list[tuple[str, int, int]] | None = None) -> list[Match[T]]:
        """All names in text; pass tokens=tokenize(text) to share one tokenisation."""
        found: list[Match[T]] = []
        if tokens is None:
            tokens = tokenize(text)
        exact, folded, max_len = self._exact, self._folded, self._max_len
        n = len(tokens)
        words = [t[0] for t in tokens]
        if folded:
            fwords = [fold(w) for w in words]
            starts = [i for i in range(n) if words[i] in max_len or fwords[i] in max_len]
        else:
            fwords = words
            starts = [i for i, w in enumerate(words) if w in max_len]
        after = 0  # matches do not overlap: the next one starts after the last
        for i in starts:
            if i < after:
                continue
            longest = max(max_len.get(words[i], 0), max_len.get(fwords[i], 0))
            for size in range(min(longest, n - i), 0, -1):
                value = exact.get(tuple(words[i:i + size]))
                if value is None and folded:
                    value = folded.get(tuple(fwords[i:i + size]))
                if value is not None:
                    start, end = tokens[i][1], tokens[i + size - 1][2]
                    found.append(Match(start, end, text[start:end], value))
                    after = i + size
                    break
        if self._unspaced and _UNSPACED.search(text):
            for run in _UNSPACED_RUN.finditer(text):
                found.extend(self._find_unspaced(text, run.start(), run.end()))
            found.sort(key=lambda m: m.start)
        return found

    def _find_unspaced(self, text: str, start: int, end: int) -> Iterator[Match[T]]:
        """Longest name at each position of text[start:end], scanning on after each match.

        Dict lookups rather than one regex over every name: the same matches, without
        compiling a pattern of thousands of names in each process (half a second)."""
        names, lengths = self._unspaced, self._unspaced_lengths
        i = start
        while i < end:
            for size in lengths.get(text[i], ()):
                if i + size <= end:
                    value = names.get(text[i:i + size])
                    if value is not None:
                        yield Match(i, i + size, text[i:i + size], value)
                        i += size
                        break
            else:
                i += 1


def data_rows(path) -> Iterator[list[str]]:
    """Tab-separated rows of a data file, skipping blank lines and # comments."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")
