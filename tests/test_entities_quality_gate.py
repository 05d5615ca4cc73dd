"""Quality gate: the real nlp stage on the labelled gold set, with pinned floors.

Every gold article (tests/data/gold, see its README for the labelling
conventions) is served as a plain news page (navigation, headline, article,
footer) and goes through `Analyzer.analyze(pages)` the way crawled pages do:
trafilatura extraction, language detection (not forced), entities. The
entities are scored with nlp/evaluate.py.
Precision, recall and F1 per entity type must stay at or above the floors
below, which are pinned a little under what the stage achieved when they were
set. Raise a floor when the stage improves; never lower one to make a change
pass without saying why in the commit.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from nlp.analyze import Analyzer
from nlp.evaluate import TYPES, errors_text, load_gold, score
from nlp.records import Article, Page

GOLD_DIR = Path(__file__).parent / "data" / "gold"
HELDOUT_DIR = Path(__file__).parent / "data" / "heldout"
DEV2_DIR = Path(__file__).parent / "data" / "dev2"
HELDOUT2_DIR = Path(__file__).parent / "data" / "heldout2"
DEV5_DIR = Path(__file__).parent / "data" / "dev5"
DEV7_DIR = Path(__file__).parent / "data" / "dev7"

# type: (precision, recall, F1). Measured when pinned (68 articles, en fr es id
# th zh vi): places .986/.982/.984, countries .986/1.0/.993, orgs .977/.918/.947,
# money .995/.995/.995; orgs raised after issue 11 (structure rules): .974/.950/.962;
# after the session-20 rules (dev batch 5): .968/.975/.972. The gazetteers were tuned with the gold set in
# view, so these are regression floors, not estimates on unseen news. Scores of
# later batches before anything was tuned on them:
#   batch 2 (en-13..15, fr-07/08, es-06, id-04, th-05, zh-05, vi-01):
#     places .955/.977/.966, countries .911/1.0/.953, orgs .941/.842/.889, money .966/.933/.949
#   batch 3 (en-16..18, fr-09, es-07, id-05, th-06, zh-06):
#     places .980/.906/.941, countries .968/1.0/.984, orgs .815/.595/.688, money .962/.962/.962
#   batch 4 (en-19/20, fr-10/11, es-08/09, zh-07, th-07):
#     places .958/.902/.929, countries 1.0/1.0/1.0, orgs .905/.594/.717, money 1.0/.778/.875
#   batch 5 (en-21..23, fr-12/13, es-10, id-06, zh-08):
#     places .964/.982/.973, countries .968/1.0/.984, orgs .968/.789/.870, money 1.0/.875/.933
# Places raised after session 20's place rules (level words, airports, local-script admin
# names): .989/.973/.981.
FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.97, 0.96, 0.97),
    "countries": (0.96, 0.98, 0.97),
    "orgs": (0.95, 0.95, 0.95),
    "money": (0.97, 0.97, 0.97),
}


# The held-out set (tests/data/heldout: 32 articles, en fr zh es th ms id vi, written
# before the issue-11 rule changes and never tuned on). Before those changes:
#   places .911/.934/.922, countries .974/.991/.983, orgs .904/.635/.746, money .782/.716/.747
# When pinned, after them: places .922/.934/.928, countries .991/.991/.991,
#   orgs .941/.918/.929, money 1.0/1.0/1.0 (the same author wrote the rules and the
#   labels, and saw the set's errors before the changes: read these as optimistic; a
#   fresh batch by someone else is the real test).
# After the session-19 rules (developed on dev batch 2 and the tuned set, this set's errors
# looked at only afterwards): places .970/.929/.949, orgs .948/.957/.952.
HELDOUT_FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.95, 0.91, 0.93),
    "countries": (0.97, 0.97, 0.97),
    "orgs": (0.93, 0.94, 0.94),
    "money": (0.97, 0.97, 0.97),
}


# Dev batch 2 (tests/data/dev2: 18 articles, zh th ms id vi es fr en, dense in courts,
# ministries, police units, armed groups, companies, universities and state media; written
# and committed before the session-19 rules). Before those rules, through this gate's
# pipeline: places .694/.903/.785, countries .896/1.0/.945, orgs .886/.737/.805, money
# 1.0/1.0/1.0. The rules were then developed with its errors in view, so these floors
# guard against regressions; the held-out set stays the untuned estimate.
# When pinned: places .977/.925/.950, countries .977/.977/.977, orgs .984/.974/.979.
# Places and countries raised after session 20's place rules: .989/.968/.978, 1.0/1.0/1.0;
# orgs after the session-20 organisation rules: .995/.989/.992.
DEV2_FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.97, 0.95, 0.96),
    "countries": (0.97, 0.97, 0.97),
    "orgs": (0.98, 0.97, 0.98),
    "money": (0.97, 0.97, 0.97),
}


# The second held-out set (tests/data/heldout2: 24 articles, en fr zh th ms id es vi,
# written and labelled by an engineer who did not write the rules, never tuned on).
# First measured with the filters work of session 19 but before its organisation
# rules: places .929/.831/.877, orgs .792/.629/.701, money .978/.906/.941.
# When pinned, through this gate's pipeline: places .960/.834/.892, countries
# .991/.991/.991, orgs .841/.777/.807, money .978/.906/.941. The fairest estimate on
# unseen news the repository has; a floor here only stops regressions.
# After the session-20 organisation rules (developed on dev batch 5, dev2, dev3 and the
# tuned set; this set scored once, in aggregate, at the end): orgs .876/.821/.848,
# places .963/.831/.892. With the session-20 place rules merged as well (developed on dev
# batch 4, dev2, dev3 and the tuned set; this set scored in aggregate only): places
# .963/.923/.943, orgs .881/.826/.853.
HELDOUT2_FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.95, 0.90, 0.92),
    "countries": (0.97, 0.97, 0.97),
    "orgs": (0.87, 0.81, 0.84),
    "money": (0.96, 0.88, 0.92),
}


# Dev batch 4 (tests/data/dev4: 17 place-dense articles, zh th vi ms id es fr en; written
# and committed before session 20's place rules, then tuned on). Places and countries only:
# its organisations and money are labelled sparsely. Before those rules, through this
# gate's pipeline: places .951/.765/.848, countries .947/.986/.966; when pinned, after them:
# places .984/.954/.969, countries .961/1.0/.980.
DEV4_DIR = Path(__file__).parent / "data" / "dev4"
DEV4_FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.96, 0.93, 0.95),
    "countries": (0.94, 0.97, 0.96),
}


# Dev batch 5 (tests/data/dev5: 16 articles, zh th vi ms id es fr en, 233 organisations of
# every kind in each language's own naming patterns; written and committed before the
# session-20 organisation rules). Before those rules, through bench/entities.py: places
# .795/.886/.838, orgs .880/.790/.833, money .950/.864/.905. The rules were then developed
# with its errors in view, so these floors guard against regressions only.
# When pinned, through this gate's pipeline: places .861/.886/.873, countries
# .932/.976/.953, orgs .982/.961/.972, money .950/.864/.905.
DEV5_FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.84, 0.86, 0.85),
    "countries": (0.91, 0.95, 0.93),
    "orgs": (0.96, 0.94, 0.95),
    "money": (0.93, 0.84, 0.88),
}

# Dev batch 7 (tests/data/dev7: 16 articles, es fr ms id vi en, 264 organisations of
# Latin-script stories: numbered and compass courts, police units, long ministries,
# regional outlets, telecoms, wallets; session 21). Before its rules (scored once):
# orgs .947/.875/.909, places .849/.952/.898, money 1.0/.963/.981; after (tuned with its
# errors in view): orgs .996/.981/.989, places .964/.976/.970. Floors a little below.
DEV7_FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.93, 0.94, 0.94),
    "countries": (0.94, 0.96, 0.95),
    "orgs": (0.97, 0.95, 0.96),
    "money": (0.95, 0.90, 0.93),
}


# Dev batch 6 (tests/data/dev6: 14 articles, zh 8 (mainland, Taiwan, Hong Kong, Malaysia)
# and th 6, 188 organisations in those languages' own naming patterns; written and committed
# before the session-21 zh/th organisation rules). Before those rules, through
# bench/entities.py (labels as corrected, see its README): places .855/.959/.904, orgs
# .880/.777/.825, money 1.0. The rules were then developed with its errors in view, so
# these floors guard against regressions only. When pinned, through this gate's pipeline:
# places .940/.959/.949, countries .933/1.0/.966, orgs .995/.995/.995, money 1.0.
DEV6_DIR = Path(__file__).parent / "data" / "dev6"
DEV6_FLOORS: dict[str, tuple[float, float, float]] = {
    "places": (0.92, 0.94, 0.93),
    "countries": (0.91, 0.98, 0.95),
    "orgs": (0.97, 0.97, 0.97),
    "money": (0.98, 0.98, 0.98),
}


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD_DIR)


def news_page(article) -> Page:
    """The article as a news site would serve it; only the body is labelled, so the
    headline sits outside <article> (trafilatura keeps an <h1> inside it as text)."""
    title = html.escape(article["title"])
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n\n"))
    body = (f'<!doctype html><html><head><meta charset="utf-8"><title>{title} | Gold Wire</title>'
            f'</head><body><nav><a href="/">Home</a> <a href="/world">World</a> '
            f'<a href="/asia">Asia</a></nav><h1 class="headline">{title}</h1><article>'
            f'<time datetime="2025-03-01">1 March 2025</time>\n{paragraphs}</article>'
            f'<footer>© Gold Wire. <a href="/privacy">Privacy</a></footer></body></html>')
    url = f"https://gold.example/news/{article['id']}"
    return Page(url=url, final_url=url, status=200, body=body.encode("utf-8"),
                headers={"content-type": "text/html; charset=utf-8"},
                country=article.get("source_country", ""))


@pytest.fixture(scope="module")
def analyzed(gold):
    return _analyzed(gold)


@pytest.fixture(scope="module")
def report(gold, analyzed):
    return score([article.entities for article in analyzed], gold)


@pytest.fixture(scope="module")
def heldout():
    return load_gold(HELDOUT_DIR)


def _analyzed(articles):
    """The labelled articles through the nlp stage as crawled pages; every one an Article."""
    results = Analyzer().analyze([news_page(a) for a in articles])
    rejected = [(a["id"], r) for a, r in zip(articles, results) if not isinstance(r, Article)]
    assert not rejected, rejected
    return results


def _scored(articles):
    return score([article.entities for article in _analyzed(articles)], articles)


@pytest.fixture(scope="module")
def heldout_report(heldout):
    return _scored(heldout)


@pytest.fixture(scope="module")
def dev2_report():
    return _scored(load_gold(DEV2_DIR))


@pytest.fixture(scope="module")
def dev4_report():
    return _scored(load_gold(DEV4_DIR))


@pytest.fixture(scope="module")
def dev5_report():
    return _scored(load_gold(DEV5_DIR))


@pytest.fixture(scope="module")
def dev6_report():
    return _scored(load_gold(DEV6_DIR))


@pytest.fixture(scope="module")
def dev7_report():
    return _scored(load_gold(DEV7_DIR))


@pytest.fixture(scope="module")
def heldout2_report():
    return _scored(load_gold(HELDOUT2_DIR))


def _above_floors(report, kind, floors):
    precision, recall, f1 = report.prf(kind)
    floor_p, floor_r, floor_f1 = floors[kind]
    detail = f"\n{report.table()}\n\n{errors_text(report, [kind])}"
    assert precision >= floor_p, f"{kind} precision {precision:.3f} < {floor_p}{detail}"
    assert recall >= floor_r, f"{kind} recall {recall:.3f} < {floor_r}{detail}"
    assert f1 >= floor_f1, f"{kind} F1 {f1:.3f} < {floor_f1}{detail}"


@pytest.mark.parametrize("kind", TYPES)
def test_entity_quality_does_not_drop_below_the_pinned_floors(report, kind):
    _above_floors(report, kind, FLOORS)


@pytest.mark.parametrize("kind", TYPES)
def test_entity_quality_on_the_held_out_set_does_not_drop_below_its_floors(heldout_report, kind):
    _above_floors(heldout_report, kind, HELDOUT_FLOORS)


@pytest.mark.parametrize("kind", TYPES)
def test_entity_quality_on_the_second_held_out_set_does_not_drop_below_its_floors(
        heldout2_report, kind):
    _above_floors(heldout2_report, kind, HELDOUT2_FLOORS)


@pytest.mark.parametrize("kind", TYPES)
def test_entity_quality_on_the_dev_batch_does_not_drop_below_its_floors(dev2_report, kind):
    _above_floors(dev2_report, kind, DEV2_FLOORS)


@pytest.mark.parametrize("kind", sorted(DEV4_FLOORS))
def test_places_on_the_place_dev_batch_do_not_drop_below_its_floors(dev4_report, kind):
    _above_floors(dev4_report, kind, DEV4_FLOORS)


@pytest.mark.parametrize("kind", TYPES)
def test_entity_quality_on_dev_batch_5_does_not_drop_below_its_floors(dev5_report, kind):
    _above_floors(dev5_report, kind, DEV5_FLOORS)


@pytest.mark.parametrize("kind", TYPES)
def test_entity_quality_on_dev_batch_6_does_not_drop_below_its_floors(dev6_report, kind):
    _above_floors(dev6_report, kind, DEV6_FLOORS)


def test_dev_batch_6_is_apart_in_chinese_and_thai_and_labelled_in_its_text(gold, heldout):
    dev6 = load_gold(DEV6_DIR)
    assert len(dev6) >= 14
    langs = [a["lang"] for a in dev6]
    assert langs.count("zh") >= 7 and langs.count("th") >= 6
    assert {"CN", "TW", "HK"} <= {a["source_country"] for a in dev6}
    _apart_and_labelled_in_its_text(dev6, gold + heldout + load_gold(DEV2_DIR)
                                    + load_gold(DEV5_DIR))


@pytest.mark.parametrize("kind", TYPES)
def test_entity_quality_on_dev_batch_7_does_not_drop_below_its_floors(dev7_report, kind):
    _above_floors(dev7_report, kind, DEV7_FLOORS)


def test_dev_batch_7_is_apart_latin_script_and_labelled_in_its_text(gold, heldout):
    dev7 = load_gold(DEV7_DIR)
    assert len(dev7) >= 16
    langs = [a["lang"] for a in dev7]
    assert all(langs.count(lang) >= 2 for lang in ("es", "fr", "ms", "id", "vi", "en"))
    # dev7's `also` holds other names of an entity, not only other surfaces in the text
    _apart_and_labelled_in_its_text(dev7, gold + heldout + load_gold(DEV2_DIR)
                                    + load_gold(DEV4_DIR) + load_gold(DEV5_DIR),
                                    also_in_text=False)


def test_dev_batch_5_is_apart_multilingual_and_labelled_in_its_text(gold, heldout):
    dev5 = load_gold(DEV5_DIR)
    assert len(dev5) >= 16
    langs = [a["lang"] for a in dev5]
    assert all(langs.count(lang) >= 2 for lang in ("zh", "th", "vi", "ms", "es", "fr", "en"))
    _apart_and_labelled_in_its_text(dev5, gold + heldout + load_gold(DEV2_DIR))


def _apart_and_labelled_in_its_text(batch, others, also_in_text=True):
    """No article of batch is one of others (by id or by opening), each names its source
    country, and every labelled surface of it (with its `also` forms unless told
    otherwise) is written in its text."""
    assert not {a["id"] for a in batch} & {a["id"] for a in others}
    assert not {a["text"][:200] for a in batch} & {a["text"][:200] for a in others}
    for article in batch:
        assert re.fullmatch(r"[A-Z]{2}", article["source_country"]), article["id"]
        for kind in ("places", "orgs", "money"):
            for entity in article[kind]:
                also = entity.get("also", []) if also_in_text else []
                for surface in [entity["text"], *also]:
                    assert surface in article["text"], (article["id"], kind, surface)


def test_the_held_out_set_is_apart_from_the_tuned_one_and_multilingual(gold, heldout):
    assert len(heldout) >= 30
    assert {"en", "fr", "zh", "th", "es"} <= {a["lang"] for a in heldout}
    assert {"ms", "id"} & {a["lang"] for a in heldout}
    assert not {a["id"] for a in heldout} & {a["id"] for a in gold}
    assert not {a["text"][:200] for a in heldout} & {a["text"][:200] for a in gold}
    for article in heldout:
        assert re.fullmatch(r"[A-Z]{2}", article["source_country"]), article["id"]
        for kind in ("places", "orgs", "money"):
            for entity in article[kind]:
                for surface in [entity["text"], *entity.get("also", [])]:
                    assert surface in article["text"], (article["id"], kind, surface)


def test_the_dev_batch_is_apart_multilingual_and_labelled_in_its_text(gold, heldout):
    dev2 = load_gold(DEV2_DIR)
    assert len(dev2) >= 16
    langs = [a["lang"] for a in dev2]
    assert all(langs.count(lang) >= 2 for lang in ("zh", "th", "ms", "id", "vi", "es", "fr", "en"))
    others = gold + heldout
    assert not {a["id"] for a in dev2} & {a["id"] for a in others}
    assert not {a["text"][:200] for a in dev2} & {a["text"][:200] for a in others}
    for article in dev2:
        assert re.fullmatch(r"[A-Z]{2}", article["source_country"]), article["id"]
        names = [p["name"] for p in article["places"]] + [o["name"] for o in article["orgs"]]
        assert len(names) == len(set(names)), (article["id"], "an entity is listed twice")
        for kind in ("places", "orgs", "money"):
            for entity in article[kind]:
                for surface in [entity["text"], *entity.get("also", [])]:
                    assert surface in article["text"], (article["id"], kind, surface)


def test_every_gold_page_is_read_in_its_language(gold, analyzed):
    wrong = [(g["id"], a.lang) for a, g in zip(analyzed, gold) if a.lang != g["lang"]]
    assert not wrong


def test_relevance_ranks_scam_centre_stories_above_unrelated_ones(gold, analyzed):
    relevant = [a.relevance for a, g in zip(analyzed, gold) if g["relevant"]]
    unrelated = [a.relevance for a, g in zip(analyzed, gold) if not g["relevant"]]
    pairs = [(r, u) for r in relevant for u in unrelated]
    auc = sum(1.0 if r > u else 0.5 if r == u else 0.0 for r, u in pairs) / len(pairs)
    assert auc >= 0.97, (auc, relevant, unrelated)


# -- the gold set itself ----------------------------------------------------

def test_gold_set_is_large_and_multilingual_enough(gold):
    assert len(gold) >= 30
    langs = {a["lang"] for a in gold}
    assert len(langs) >= 4, langs
    assert sum(a["relevant"] for a in gold) >= 24
    assert len({a["id"] for a in gold}) == len(gold)


def _length(article) -> int:
    text = article["text"]
    if article["lang"] in ("th", "zh"):  # unspaced scripts: about two characters a word
        return len(re.sub(r"\s", "", text)) // 2
    return len(text.split())


def test_gold_articles_are_short_news_articles(gold):
    for article in gold:
        assert 100 <= _length(article) <= 330, (article["id"], _length(article))
        assert article["title"] and "\n\n" in article["text"]


def test_every_label_is_written_in_the_article(gold):
    for article in gold:
        text = article["text"]
        for kind in ("places", "orgs", "money"):
            for entity in article[kind]:
                for surface in [entity["text"], *entity.get("also", [])]:
                    assert surface in text, (article["id"], kind, surface)


def test_labels_follow_the_documented_shapes(gold):
    for article in gold:
        for place in article["places"]:
            assert place["name"] and (place["country"] is None
                                      or re.fullmatch(r"[A-Z]{2}", place["country"])), place
        for org in article["orgs"]:
            assert org["name"], org
        for money in article["money"]:
            assert re.fullmatch(r"[A-Z]{3,4}", money["currency"]), money
            assert money["amount"] > 0 and isinstance(money["approx"], bool), money
            assert money.get("amount_max", money["amount"]) >= money["amount"], money
        names = [p["name"] for p in article["places"]] + [o["name"] for o in article["orgs"]]
        assert len(names) == len(set(names)), (article["id"], "an entity is listed twice")


def test_the_second_held_out_set_shares_no_article_with_the_others(gold, heldout):
    heldout2 = load_gold(HELDOUT2_DIR)
    assert len(heldout2) >= 24
    assert {"en", "fr", "zh", "th", "ms", "id", "es", "vi"} <= {a["lang"] for a in heldout2}
    others = gold + heldout + load_gold(DEV2_DIR)
    assert not {a["text"][:200] for a in heldout2} & {a["text"][:200] for a in others}
