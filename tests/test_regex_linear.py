"""No page, feed or query can hang scamscope in a regex.

Every compiled regex of the modules that read page text is run, the way the code
runs it (scanning, or anchored at one position), against adversarial strings:
long runs of comments, spaces, letters, digits, capitalised words, connectors.
Each runs in a child process with a generous deadline, so a regex that
backtracks catastrophically fails this test instead of hanging the suite.
"""
from __future__ import annotations

import importlib
import multiprocessing
import re

import pytest

MODULES = ("nlp.extract", "nlp.entities", "nlp.gazetteer", "nlp.language",
           "nlp.money", "nlp.orgs", "nlp.orgs_romance", "nlp.places", "nlp.place_patterns",
           "nlp.evaluate", "scamscope.stories",
           # queries, filters and form fields (user input); feeds, pages, snippets, digests
           "indexer.query", "indexer.snippet", "indexer.sqlite", "indexer.expansion",
           "scamscope.filters", "scamscope.romanised_names",
           "scamscope.web.api", "scamscope.web.pages", "crawler.sources",
           "crawler.spiders.feeds", "crawler.spiders.news", "alerts.digest",
           "alerts.subscriptions")
# Patterns the code only ever applies at one position (pattern.match(text, pos)).
ANCHORED = {"ABBREVIATION_RE", "HEDGE_AFTER_RE", "MAGNITUDE_WORD_RE", "SCALED_UNIT_RE",
            "SUFFIX_RE", "WEAK_SUFFIX_RE", "_ACRONYM_AFTER", "_CAPITALISED_NEXT", "_COMMA_NAME",
            "_CONNECTOR", "_DEMONYM", "_FEED_ROOT", "_HONORIFIC",
            "_TOKEN", "_TH_NUMBER"}  # _TH_NUMBER: right after a Thai name; indexer.query: matched token by token from the last one's end
DEADLINE_S = 30
SIZE = 50_000
UNITS = ("<!--", "<!-- a -->", " ", "\t \n", "a", "A", "Aa ", "Ab-", ", Ab", "Mr. ", "Xy ",
         "de ", " of", "of the ", "1", "1,", "1 ", "1.", "$1 ", "million ", "-", ".", "<",
         "<meta ", "é", "ก", "一", "一 ", "Embassy of ", "\u200b", "İ",
         # names by structure: quoted Han names, Thai companies and embassies, rivers
         "“一", "บริษัท ก ", "และกรม", "ณ ", "KBRI A ", "Sungai ", "d'A ", "ơ",
         # places by shape: level words, airports, multi-word rivers
         "huyện ", "Airport ", "sông Aa ", "Sungai Aa Bb ")


def adversarial() -> list[str]:
    out = []
    for unit in UNITS:
        body = unit * (SIZE // len(unit))
        out += [body, body + "!", "x" + body + "(X)", body + "一"]
    out.append("a" * 100_000 + "!")
    out.append("<!--" * 50_000)
    return out


def _patterns() -> list[tuple[str, str]]:
    found = []
    for module in MODULES:
        for name, value in vars(importlib.import_module(module)).items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for item in values:
                if isinstance(item, tuple) and len(item) == 2:
                    item = item[1]  # (language, pattern) tables
                if isinstance(item, re.Pattern):
                    found.append((module, name))
                    break
    return found


def _run(module: str, name: str) -> None:
    value = vars(importlib.import_module(module))[name]
    values = value if isinstance(value, (list, tuple)) else [value]
    patterns = [v[1] if isinstance(v, tuple) else v for v in values]
    for pattern in patterns:
        for text in adversarial():
            subject = text.encode("utf-8", "surrogatepass") if isinstance(pattern.pattern, bytes) \
                else text
            if name in ANCHORED:
                for pos in (0, 1, len(subject) // 2):
                    pattern.match(subject, pos)
            else:
                for _ in pattern.finditer(subject):
                    pass


def _functions() -> None:
    """The code paths that drive regexes or loops over text directly."""
    from nlp.extract import _clean_title, is_feed, looks_like_markup, parse_date
    from nlp.money import find_money
    from nlp.orgs import clean_org_surface

    for text in adversarial():
        is_feed(text)
        looks_like_markup(text)
        parse_date(text)
        clean_org_surface(text[:2000])
        _clean_title(text, "Site")
        find_money(text[:20_000])


def _finishes(target, *args) -> bool:
    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    process.start()
    process.join(DEADLINE_S)
    if process.is_alive():
        process.kill()
        process.join()
        return False
    assert process.exitcode == 0, f"{target.__name__}{args} raised (exit {process.exitcode})"
    return True


def test_the_audit_finds_the_regexes_that_read_page_text():
    names = {name for _, name in _patterns()}
    assert {"_FEED_ROOT", "_META_CHARSET", "SUFFIX_RE", "_PEOPLE", "_UNSPACED_RUN",
            "_SENTENCE_END", "_PLACE_SUFFIX", "TOKEN"} <= names
    assert "_FEED" not in names  # the backtracking feed detector is gone


@pytest.mark.parametrize("module,name", _patterns())
def test_regex_is_linear_on_adversarial_text(module, name):
    assert _finishes(_run, module, name), f"{module}.{name} did not finish in {DEADLINE_S} s"


def test_feed_detection_and_helpers_finish_on_adversarial_text():
    assert _finishes(_functions), f"a text helper did not finish in {DEADLINE_S} s"


def test_page_opening_with_many_comments_is_a_page_not_a_hang():
    from nlp.extract import is_feed

    page = "<!-- a -->\n<!-- b " + "<!-- x -- " * 20_000 + "-->\n<html><body>text</body></html>"
    assert _finishes(is_feed, page)
    assert not is_feed(page)
    assert is_feed('<?xml version="1.0"?>\n<!-- generator -->\n<!-- x -->\n<rss version="2.0">')
    assert is_feed("  <urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>")
    assert not is_feed("<!-- never closed " + "-" * 10_000)
