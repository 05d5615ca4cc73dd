"""The user query language: what each form means, and a clear message for each mistake."""
from __future__ import annotations

import pytest

from indexer.errors import QuerySyntaxError
from indexer.query import (And, Not, Or, Phrase, Query, Term, fold, name_key, parse_query,
                           positive_terms, words_of)


def T(text: str, prefix: bool = False) -> Term:
    return Term(text, prefix)


@pytest.mark.parametrize("text, tree", [
    (None, None),
    ("", None),
    ("   ", None),
    ("scam", T("scam")),
    ("Scam Centre", And((T("scam"), T("centre")))),
    ("scam AND centre", And((T("scam"), T("centre")))),
    ('"scam centre"', Phrase(("scam", "centre"))),
    ('"scam"', Term("scam", exact=True)),  # quoted: never stemmed
    ("scam OR fraud", Or((T("scam"), T("fraud")))),
    ("a b OR c", Or((And((T("a"), T("b"))), T("c")))),
    ("a (b OR c)", And((T("a"), Or((T("b"), T("c")))))),
    ("scam -crypto", And((T("scam"), Not(T("crypto"))))),
    ("scam NOT crypto", And((T("scam"), Not(T("crypto"))))),
    ('scam -"pig butchering"', And((T("scam"), Not(Phrase(("pig", "butchering")))))),
    ("scam -(crypto OR usdt)", And((T("scam"), Not(Or((T("crypto"), T("usdt"))))))),
    ("traffick*", T("traffick", prefix=True)),
    ("fraudé", T("fraude")),
    ("诈骗园区", Phrase(("诈", "骗", "园", "区"))),
    ("KK园区", Phrase(("kk", "园", "区"))),
    ("anti-scam", Phrase(("anti", "scam"))),
    ("scam ,", T("scam")),  # lone punctuation is ignored
    ("and or not", And((T("and"), T("or"), T("not")))),  # lower case: plain words
])
def test_valid_queries(text, tree):
    assert parse_query(text) == tree


@pytest.mark.parametrize("text, message", [
    ('"scam centre', "unclosed quote"),
    ("(scam OR fraud", "unbalanced '('"),
    ("scam)", "unbalanced ')'"),
    ("()", "empty parentheses"),
    ("scam OR", "OR needs a word after it"),
    ("OR scam", "OR needs a word before it"),
    ("scam OR OR fraud", "OR needs a word after it"),
    ("scam AND", "AND needs a word on both sides"),
    ("AND scam", "AND needs a word on both sides"),
    ("scam NOT", "NOT (or '-') needs a word after it"),
    ("scam -", "NOT (or '-') needs a word after it"),
    ("-scam", "cannot only exclude words"),
    ("NOT scam -fraud", "cannot only exclude words"),
    ("-scam OR fraud", "cannot only exclude words"),
    ("*", "'*' must follow at least one letter"),
])
def test_malformed_queries_name_the_problem(text, message):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_query_validates_sort_and_paging():
    with pytest.raises(QuerySyntaxError, match="unknown sort 'newest'"):
        Query(sort="newest")
    with pytest.raises(QuerySyntaxError, match="must not be negative"):
        Query(offset=-1)
    query = Query(countries=["mm", "Kh"], langs=["FR"])
    assert query.countries == ["MM", "KH"] and query.langs == ["fr"]


def test_query_json_round_trip():
    query = Query(text="scam", countries=["MM"], places=["Myawaddy"], min_usd=1e6, sort="date")
    assert Query.from_json(query.to_json()) == query


def test_positive_terms_skip_excluded_words():
    assert positive_terms(parse_query('scam "kk park" -crypto')) == ["scam", "kk", "park"]


@pytest.mark.parametrize("text, words", [
    ("Scam CENTRE, Myawaddy!", ["scam", "centre", "myawaddy"]),
    ("fraudé naïve Ñandú", ["fraude", "naive", "nandu"]),
    ("e\u0301te\u0301", ["ete"]),  # decomposed accents
    ("ﬁnance", ["finance"]),
    ("缅甸KK园区", ["缅", "甸", "kk", "园", "区"]),
    ("แม่สอด", ["แ", "ม", "่", "ส", "อ", "ด"]),
    ("사기 단지", ["사", "기", "단", "지"]),  # Hangul syllables, one per character
    ("が", ["が"]),  # the voicing mark stays with its kana
])
def test_words_of_folds_and_splits_like_both_indexes(text, words):
    assert words_of(text) == words


def test_fold_and_name_key():
    assert fold("Thaïlande ÉTÉ") == "thailande ete"
    assert name_key("  Golden   Triangle SEZ ") == "golden triangle sez"
    assert name_key("Phnom Penh") == name_key("PHNOM PENH")
