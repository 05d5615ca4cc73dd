"""Phrases of unspaced scripts (Chinese, Thai, ...): Tantivy finds them through pairs of
characters (indexer.pairs), SQLite through the characters themselves. Both must return
exactly the articles a plain reading of the words finds, for any run of characters,
including runs that break at a Latin word, a digit or punctuation."""
from __future__ import annotations

import random

import pytest

from indexer.pairs import BREAK, pair_phrase, pairs_of, pairs_text
from indexer.query import Query, words_of
from indexer.sample import sample_articles
from nlp.records import Article
from tests.fixtures.index import tantivy_and_sqlite


def test_pairs_keep_runs_apart():
    words = words_of("诈骗 abc 园区，诈骗园 7 区")
    assert pairs_of(words) == ["诈骗", BREAK, BREAK, "园区", "区诈", "诈骗", "骗园"]
    assert pairs_of(words_of("scam centre")) == []
    assert pairs_of(words_of("诈 a 骗")) == []  # no two unspaced words side by side


def test_pairs_text_is_pairs_of_joined():
    """The indexing path's one-scan pairs are the reference's, on traps, mixed scripts
    and every sample article (Latin, Chinese, Thai)."""
    rng = random.Random(5)
    alphabet = list("诈骗园区แก๊งคอลเซ็น") + ["abc", "7", "é", " ", "，", "\n"]
    texts = TRAPS + ["", "诈", "a 诈", "诈 a", "诈骗"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
              for _ in range(300)]
    texts += [t for a in sample_articles(200, seed=4) for t in (a.title, a.text)]
    for text in texts:
        joined = " ".join(words_of(text))
        assert pairs_text(joined) == " ".join(pairs_of(joined.split(" "))), text


@pytest.mark.parametrize("text, expected", [
    ("园区", [(0, "园区")]),
    ("诈骗园区", [(0, "诈骗"), (2, "园区")]),
    ("诈骗园", [(0, "诈骗"), (1, "骗园")]),
    ("คอลเซ็น", [(0, "คอ"), (2, "ลเ"), (4, "ซ็"), (5, "็น")]),
])
def test_a_phrase_is_every_other_pair_and_the_last(text, expected):
    assert pair_phrase(words_of(text)) == expected


@pytest.mark.parametrize("words", [("诈",), ("scam", "园区"), ("园", "x"), ()])
def test_phrases_that_are_not_all_unspaced_keep_their_words(words):
    assert pair_phrase(words) is None


def _article(i: int, text: str, lang: str = "zh") -> Article:
    return Article(id=f"p{i}", url=f"https://example.org/{i}", title=f"t{i}", text=text,
                   lang=lang, published=None, source="test")


# Each breaks a run somewhere a careless pairing would join it again.
TRAPS = ["诈骗 abc 园区", "诈骗园 7 区", "诈骗，园区", "诈骗\n\n园区里", "诈 骗 园 区",
         "骗园", "诈骗X骗园区", "ตำรวจบุก ค้นแหล่ง", "แก๊งคอลเซ็นเตอร์ที่แม่สอด", "园区诈骗园区"]


def _reference(articles: list[Article], words: tuple[str, ...]) -> set[str]:
    """The articles whose title or text holds these words side by side."""
    n = len(words)

    def holds(text: str) -> bool:
        ws = words_of(text)
        return any(tuple(ws[i:i + n]) == words for i in range(len(ws) - n + 1))

    return {a.id for a in articles if holds(a.title) or holds(a.text)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    articles = [_article(i, t, "th" if t[0] > "\u0e00" and t[0] < "\u0e80" else "zh")
                for i, t in enumerate(TRAPS)]
    articles += [a for a in sample_articles(400, seed=11) if a.lang in ("zh", "th")][:90]
    tantivy, sqlite = tantivy_and_sqlite(tmp_path_factory.mktemp("pairs"), articles)
    yield articles, {"tantivy": tantivy, "sqlite": sqlite}
    tantivy.close()
    sqlite.close()


def _phrases(articles: list[Article]) -> list[tuple[str, ...]]:
    rng = random.Random(3)
    found = [tuple(words_of(t)) for t in ("诈骗园区", "骗园", "园区", "诈骗园", "区诈",
                                           "คอลเซ็นเตอร์", "ค้นแหล่ง", "จค้")]
    while len(found) < 120:
        words = words_of(rng.choice(articles).text)
        start, n = rng.randrange(len(words)), rng.randint(2, 9)
        phrase = tuple(words[start:start + n])
        if len(phrase) >= 2 and pair_phrase(phrase) is not None:
            found.append(phrase)
    return found


def test_unspaced_phrases_find_what_the_words_hold_on_every_backend(corpus):
    articles, indexes = corpus
    for words in _phrases(articles):
        expected = _reference(articles, words)
        query = Query(text="".join(words), limit=len(articles), facets=False)
        for name, index in indexes.items():
            got = {h.id for h in index.search(query).hits}
            assert got == expected, (name, "".join(words))
            assert index.count(query) == len(expected), (name, "".join(words))


def test_unspaced_phrase_inside_boolean_queries(corpus):
    articles, indexes = corpus
    text = "诈骗园区 OR (园区 -骗园)"
    expected = (_reference(articles, tuple("诈骗园区"))
                | (_reference(articles, tuple("园区")) - _reference(articles, tuple("骗园"))))
    for name, index in indexes.items():
        got = {h.id for h in index.search(Query(text=text, limit=len(articles))).hits}
        assert got == expected, name


@pytest.mark.parametrize("text", [
    "police seized ฿ 150 million", "฿ 150 and ฿ 20", "฿ ฿", "naïve é ฿", "a 诈 b 骗 c",
    "诈 骗", "raid near ก ข", "ø ß σ ς", "x ก", "ก", "𠀀 𠀁"])
def test_pairs_text_without_a_run_costs_no_scan_and_finds_none(text):
    assert pairs_text(text) == " ".join(pairs_of(text.split(" ")))
