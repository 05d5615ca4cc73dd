"""Any text, in any script, goes through extraction and analysis without an exception.

Case mapping is where Unicode bites: "İ".casefold() is two characters, so a
table keyed by "milyon" never sees "MİLYON" unless every lookup folds the same way.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.gazetteer import casekey
from nlp.money import find_money

EDGE_CASES = ["MİLYON", "milyar", "İstanbul", "ıi", "STRASSE", "straße", "ΟΔΟΣ", "ὈΔΥΣΣΕΎΣ",
              "e\u0301", "\u200f", "\u200e", "\u202e", "👩‍👩‍👧", "🇹🇭", "\x00", "\ud800",
              "\udfff", "ﬁ", "１２３", "\u0130\u0307", "Ǆ", "ŉ", "ΐ", "\ufeff", "\u2028"]


@pytest.mark.parametrize("text,amount,currency", [
    ("Polis 5 MİLYON DOLAR değerinde varlığa el koydu.", 5_000_000, "USD"),
    ("Dolandırıcılar 2 MİLYAR DOLAR kazandı.", 2_000_000_000, "USD"),
    ("A MULTİ-MİLLİON-DOLLAR SCAM", 1_000_000, "USD"),
])
def test_turkish_capitals_are_read_as_their_words(text, amount, currency):
    money = find_money(text, "tr")
    assert [(m.amount, m.currency) for m in money] == [(amount, currency)]


def test_one_case_fold_for_every_table_lookup():
    assert casekey("MİLYON") == casekey("milyon") == "milyon"
    assert casekey("STRASSE") == casekey("straße")
    assert casekey("ﬁve") == "five"
    assert casekey("ΣΟΦΟΣ") == casekey("σοφος")  # final sigma


def _text():
    any_char = st.characters(codec=None, categories=None)
    pieces = st.one_of(st.text(any_char, max_size=40), st.sampled_from(EDGE_CASES),
                       st.sampled_from([" ", "\n", " million ", " $", " 5 ", "Bangkok", "MİLYON"]))
    return st.lists(pieces, max_size=30).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(_text())
def test_money_reader_takes_any_text(text):
    for lang in (None, "tr", "en", "fr", "th", "zh"):
        find_money(text, lang)
