"""Any text, in any script, goes through extraction and analysis without an exception.

Case mapping is where Unicode bites: "İ".casefold() is two characters, so a
table keyed by "milyon" never sees "MİLYON" unless every lookup folds the same way.
"""
from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.analyze import Analyzer, Rejected
from nlp.errors import ExtractionError
from nlp.extract import extract_page
from nlp.gazetteer import casekey
from nlp.money import find_money
from nlp.options import NlpOptions
from nlp.records import Page

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


LANGS = [None, "en", "fr", "es", "id", "th", "zh", "vi", "tr", "ar", "ru", "el"]


@lru_cache(maxsize=1)
def _analyzer() -> Analyzer:
    """The real spaCy models (en, fr) and gazetteers; every text long enough to analyse."""
    return Analyzer(NlpOptions(min_text_chars=1))


def _html_around(text: str, title: str) -> bytes:
    html = (f"<!DOCTYPE html><html><head><title>{title} | Site</title>"
            f'<meta property="og:site_name" content="{title[:10]}"></head><body><article>'
            f"<h1>{title}</h1><p>{text}</p><p>{text[::-1]}</p></article></body></html>")
    return html.encode("utf-8", "surrogatepass")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=_text(), title=_text(), lang=st.sampled_from(LANGS))
def test_extraction_and_analysis_take_any_text(text, title, lang):
    url = "https://news.example/a"
    pages = [Page(url=url, final_url=url, status=200, body=_html_around(text, title),
                  headers={"content-type": "text/html"}),
             Page(url=url, final_url=url, status=200, body=text.encode("utf-8", "surrogatepass"),
                  headers={"content-type": "text/plain"})]
    for page in pages:
        try:
            extract_page(page, min_chars=1, lang=lang)
        except ExtractionError:
            pass  # a typed refusal ("no_text", "bad_encoding") is an answer, not a crash
    for result in _analyzer().analyze(pages, lang=lang):
        assert not (isinstance(result, Rejected) and result.reason == "analysis_error"), \
            result.detail


def test_every_script_and_case_edge_case_in_one_article():
    scripts = ("Police in İSTANBUL seized 5 MİLYON DOLAR; STRASSE straße ΣΟΦΟΣ σοφος; "
               "ตำรวจยึดเงิน 5 ล้านบาท; 警方查获5亿元; 경찰 5억 원; الشرطة ٥ ملايين دولار; "
               "полиция 5 млн долларов; पुलिस 5 करोड़ रुपये; e\u0301\u200f\u202e👩‍👩‍👧🇹🇭\x00\ud800 ﬁ １２３")
    url = "https://news.example/b"
    # as fetched bytes: a NUL would make the page binary, a lone surrogate is not UTF-8
    body = scripts.replace("\x00", "").encode("utf-8", "replace")
    page = Page(url=url, final_url=url, status=200, body=body,
                headers={"content-type": "text/plain"})
    [result] = _analyzer().analyze([page])
    assert any(m.amount == 5_000_000 and m.currency == "USD" for m in result.entities.money)
