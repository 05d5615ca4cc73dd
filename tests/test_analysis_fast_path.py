"""analyze() splits and stems per whitespace-delimited run of the raw text, through
per-thread caches; the tokens must be exactly what the definition gives:
words_of() of the whole text, then a Snowball stem per stemmable word. Every backend
indexes these tokens, so one token of difference is a hit found on one backend and
missed on another.

The reference below is written from the definition, not from analysis.py's helpers.
"""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
import Stemmer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import analysis
from indexer.analysis import STEMMERS, analyze, stem_token, stem_tokens
from indexer.query import fold, is_unspaced, words_of

DATA = Path(__file__).parent / "data"
LANGS = [None, "en", "fr", "es", "id", "ms", "de", "ru", "tr", "th", "zh", "vi"]
# Characters whose folding depends on neighbours or changes the number of characters.
TRICKY = ["Σ", "ΟΔΟΣ", "ΣΑ", "aΣ", "Σ'", "aΣ\u200bA", "e\u0301", "\u0301", "İ", "ß", "ﬁ",
          "x²", "１２", "\u1100", "\u1161", "\u11a8", "가", "ｱ", "ﾞ", "\u00a8", "\u0e31", "ก",
          "诈", "'", "_", "-", "12.5", "\u200b", "\u200d", "\ufeff", "Ǆ", "ŉ", "\ud800"]

# Characters that change how a neighbour folds (final sigma, marks, jamo), with spaces.
CONTEXT_CHARS = list("ΣΑaσ'\u200b\u200d\u0301\u0345 \u00a0\u3000İ\u1100\u1161\u11a8x1")


def reference(title: str, text: str, lang: str | None) -> tuple[str, str, str, str]:
    algorithm = STEMMERS.get((lang or "").lower())
    stemmer = Stemmer.Stemmer(algorithm) if algorithm else None

    def stems(words: list[str]) -> str:
        if stemmer is None:
            return ""
        return " ".join(f"{lang.lower()}:{stemmer.stemWord(w)}" for w in words
                        if not is_unspaced(w) and not w.isdigit())

    title_words, text_words = words_of(title), words_of(text)
    return (" ".join(title_words), " ".join(text_words), stems(title_words), stems(text_words))


def tokens(title: str, text: str, lang: str | None) -> tuple[str, str, str, str]:
    a = analyze(title, text, lang)
    return (a.title_words, a.text_words, a.title_stems, a.text_stems)


def _articles() -> list[dict]:
    files = sorted((DATA / "gold").glob("*.json")) + sorted((DATA / "heldout").glob("*.json"))
    return [json.loads(p.read_text("utf-8")) for p in files]


def test_real_multilingual_articles_give_the_reference_tokens():
    articles = _articles()
    assert {a["lang"] for a in articles} >= {"en", "fr", "es", "id", "th", "zh", "vi"}
    for article in articles:
        for lang in (article["lang"], "en", "fr", None):
            for _ in range(2):  # cold caches, then warm ones
                assert tokens(article["title"], article["text"], lang) == \
                    reference(article["title"], article["text"], lang), (article["id"], lang)


def test_every_whitespace_character_bounds_folding_and_words():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert len(spaces) > 20
    for space in spaces:
        assert words_of(fold(space)) == []
        for left in TRICKY:
            for right in TRICKY:
                text = f"x{left}{space}{right}y"
                assert tokens(text, text, "en") == reference(text, text, "en"), repr(text)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(st.sampled_from(TRICKY), st.sampled_from([" ", "\n", "\u00a0",
                                                                    "\u3000", "\t", ". "]),
                          st.text(st.characters(codec=None), max_size=12),
                          st.text(st.sampled_from(CONTEXT_CHARS), max_size=12),
                          st.sampled_from(["Scam", "CENTRES", "raided", "fraudés", "Naïve",
                                           "penipuannya", "12", "Birmanie"])),
                max_size=40).map("".join),
       st.sampled_from(LANGS))
def test_any_text_gives_the_reference_tokens(text, lang):
    assert tokens(text[:20], text, lang) == reference(text[:20], text, lang)


def test_caches_stay_bounded_and_right_when_they_fill(monkeypatch):
    monkeypatch.setattr(analysis, "CHUNK_CACHE", 50)
    monkeypatch.setattr(analysis, "STEM_CACHE_WORDS", 40)
    monkeypatch.setattr(analysis, "_local", threading.local())  # empty tables
    text = " ".join(f"raid{i} centres{i % 7} Naïve{i}" for i in range(400))
    for _ in range(2):
        assert tokens("", text, "fr") == reference("", text, "fr")
    tables = analysis._local
    assert len(tables.chunk_words) <= 50
    assert all(len(t) <= 50 for t in tables.chunk_stems.values())
    assert all(len(t) <= 40 for t in tables.stem_tables.values())


def test_each_thread_gets_the_same_tokens():
    articles = _articles()
    expected = [reference(a["title"], a["text"], a["lang"]) for a in articles]
    results: dict[int, list] = {}

    def work(n: int) -> None:
        results[n] = [tokens(a["title"], a["text"], a["lang"]) for a in articles]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[n] for n in range(4)] == [expected] * 4


@pytest.mark.parametrize("word,lang,stem", [("raided", "en", "en:raid"), ("12", "en", None),
                                            ("诈", "en", None), ("raided", "th", None),
                                            ("centres", "FR", "fr:centr")])
def test_one_word_stems(word, lang, stem):
    assert stem_token(word, lang) == stem
    assert stem_tokens([word, word], lang) == ([stem, stem] if stem else [])



@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(st.sampled_from(list("诈骗园区ก๊งแ\u0e31\u0e33・゛가ｱ ,.1aé_x\u0301")),
               max_size=60))
def test_words_of_unspaced_runs_are_the_index_word_pattern(text):
    # folded_words splits a run of unspaced characters with list(); the definition is
    # one regex match per unspaced character or per run of other word characters
    from indexer.query import _INDEX_WORD, folded_words

    folded = fold(text)
    assert folded_words(folded) == _INDEX_WORD.findall(folded)


@pytest.mark.parametrize("text", [
    "Police seized ฿150 million and ฿20 million from the Myawaddy compound.",  # few, apart
    "The ring known as 诈骗园区 moved funds through KK Park in Myawaddy " * 3,  # a run
    "Raid at แก๊ง คอล เซ็นเตอร์ near Mae Sot, with 诈 骗 spelt apart",  # runs across spaces
    "诈骗园区" * 40 + " raided centres",  # mostly unspaced: split per word
    "Σ ΟΔΟΣ ฿ x² Naïve 12.5 foo_bar",
])
@pytest.mark.parametrize("lang", ["en", "fr", "th", None])
def test_latin_text_quoting_unspaced_characters_gives_the_reference_tokens(text, lang):
    # whichever way analyze() takes (per whitespace run, or per word when the text is
    # mostly unspaced), cold caches then warm ones
    for _ in range(2):
        assert tokens(text, text, lang) == reference(text, text, lang)
