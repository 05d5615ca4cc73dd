"""The language of an article: what the page declares where credible, else py3langid.

Unambiguous scripts (Thai, Burmese, Khmer, Lao, Hangul, kana, Han) decide on
their own and cheaply; py3langid (restricted to the languages this tool cares
about, so it cannot answer "Latin" or "Volapük") handles the rest.
"""
from __future__ import annotations

import re

from nlp.cache import content_key, load_or_build

# Languages the identifier may answer; declared languages outside this set are
# still accepted when the text agrees.
LANGUAGES = ("en", "fr", "es", "pt", "de", "it", "nl", "id", "ms", "vi", "tl", "th", "zh",
             "ja", "ko", "km", "lo", "ru", "ar", "hi", "bn", "tr")

_SCRIPTS = [  # (language, character class); first with enough characters wins
    ("my", "\u1000-\u109f"),
    ("km", "\u1780-\u17ff"),
    ("th", "\u0e00-\u0e7f"),
    ("lo", "\u0e80-\u0eff"),
    ("ko", "\uac00-\ud7af"),
    ("ja", "\u3040-\u30ff"),
]
_SCRIPT_RES = [(lang, re.compile(f"[{cls}]")) for lang, cls in _SCRIPTS]
_HAN = re.compile("[\u4e00-\u9fff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_SAMPLE = 3000  # characters the script check looks at
_LANGID_SAMPLE = 1200  # characters py3langid reads (its cost grows with the sample; news
# paragraphs of this length are identified as reliably as whole articles)


def normalise_tag(tag: str | None) -> str | None:
    """'en-US', 'fr_FR', 'zh-Hant' -> 'en', 'fr', 'zh'; junk -> None."""
    if not tag:
        return None
    primary = re.split(r"[-_;,\s]", tag.strip().lower(), maxsplit=1)[0]
    if primary in ("iw",):
        return "he"
    if primary in ("in",):
        return "id"
    if primary in ("fil",):
        return "tl"
    if primary in ("bur", "mya"):
        return "my"
    return primary if re.fullmatch(r"[a-z]{2}", primary) else None


_IDENTIFIER: list = []  # the process's identifier, once loaded


def load_identifier(cache_dir: str | None = None):
    """py3langid's identifier restricted to LANGUAGES, loaded once per process from the
    cache in cache_dir (nlp/cache.py): decompressing its model costs half a second, and
    even unpickling its 40 MB automaton a fifth of one. The cache maps the arrays in
    place instead, so a process reads only the states its texts walk through."""
    if not _IDENTIFIER:
        key = content_key([__file__], packages=("py3langid",), extra=LANGUAGES)
        tables = load_or_build(cache_dir, "langid", key, _build_tables)
        _IDENTIFIER.append(_identifier(tables))
    return _IDENTIFIER[0]


def _build_tables() -> dict:
    """The identifier's tables as plain arrays (the cache maps them, nlp/cache.py)."""
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    full.set_languages([lang for lang in LANGUAGES if lang in full.nb_classes])
    # The restricted columns only: the whole model (70 MB) holds languages it can no
    # longer answer.
    return {"nb_ptc": np.ascontiguousarray(full.nb_ptc), "nb_pc": np.asarray(full.nb_pc),
            "nb_classes": list(full.nb_classes),
            "tk_nextmove": np.frombuffer(full.tk_nextmove, dtype=np.uint32),
            "tk_output": np.asarray(full.tk_output, dtype=np.int32),
            "tk_row": np.frombuffer(full.tk_row, dtype=np.uint16)}


def _identifier(tables: dict):
    from py3langid.langid import LanguageIdentifier

    # The automaton is walked one byte at a time from Python: memoryviews give plain
    # ints, as py3langid's own array.array and list do (numpy scalars would be slower).
    return LanguageIdentifier(tables["nb_ptc"], tables["nb_pc"], list(tables["nb_classes"]),
                              memoryview(tables["tk_nextmove"]),
                              memoryview(tables["tk_output"]), norm_probs=True,
                              tk_row=memoryview(tables["tk_row"]))


def script_language(text: str) -> str | None:
    """The language a non-Latin script gives away, or None (Latin, Cyrillic, mixed...)."""
    sample = text[:_SAMPLE]
    letters = max(1, len(sample) - sample.count(" "))
    for lang, pattern in _SCRIPT_RES:
        if len(pattern.findall(sample)) > 0.2 * letters:
            if lang == "ja":
                return "ja"
            return lang
    han = len(_HAN.findall(sample))
    if han > 0.2 * letters:
        return "zh"
    return None


def identify(text: str) -> tuple[str | None, float]:
    """(language, confidence 0..1) of text, from its script or py3langid."""
    sample = text[:_SAMPLE]
    if not sample.strip():
        return None, 0.0
    lang = script_language(sample)
    if lang:
        return lang, 1.0
    label, prob = load_identifier().classify(_langid_sample(text))
    return label, float(prob)


def _langid_sample(text: str) -> str:
    """Body paragraphs rather than the first line (often a title or dateline)."""
    if len(text) <= _LANGID_SAMPLE:
        return text
    start = text.find("\n", 0, 300)
    start = start + 1 if start > 0 else 0
    return text[start:start + _LANGID_SAMPLE]


def detect_language(text: str, declared: str | None = None) -> str | None:
    """The article's language: the declared one unless the text clearly says otherwise."""
    declared = normalise_tag(declared)
    guessed, confidence = identify(text)
    if declared is None:
        return guessed
    if guessed is None or guessed == declared:
        return declared
    # Templates often declare the site's main language on every page; believe
    # the text when it is unambiguous about being something else.
    if script_language(text) is not None:
        return guessed
    if len(text) >= 200 and confidence >= 0.9:
        return guessed
    return declared
