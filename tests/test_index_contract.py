"""The Index contract: every backend (see BACKENDS in tests/fixtures/index.py) must pass this.

Written against `any_index` only: nothing here knows how a backend stores
things. Writes must be visible to the next read (a cluster backend refreshes).
Two kinds of checks:
  * a small hand-written corpus with known answers (diacritics, Chinese and
    Thai substrings, hostile markup, story groups...);
  * the shipped sample corpus compared against a plain-Python reference of
    what each query means, so filters, facets and paging are checked on
    hundreds of articles in several languages.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from indexer.analysis import stem_token
from indexer.errors import QuerySyntaxError
from indexer.query import (FACETS, And, Not, Or, Phrase, Query, Term, name_key, parse_query,
                           words_of)
from indexer.sample import sample_articles
from nlp.identity import article_id, content_hash
from nlp.records import Article, Entities, Money, Org, Place, parse_iso

UTC = timezone.utc


def day(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def make(key: str, title: str, text: str, *, lang: str = "en", source: str = "mekong-herald",
         published: datetime | None = None, fetched: datetime | None = None,
         places: tuple[tuple[str, str, str | None], ...] = (), orgs: tuple[str, ...] = (),
         usd: tuple[float, ...] = (), relevance: float = 0.8, story: str = "") -> Article:
    """An article whose entities are found at their real offsets in title + text."""
    url = f"https://{source}.example/news/{key}"

    def span(surface: str) -> tuple[int, int]:
        start = text.find(surface)
        return (start, start + len(surface)) if start >= 0 else (-1, -1)

    entities = Entities(
        places=[Place(s, name, cc, *span(s), kind="country" if len(name) > 2 else "place")
                for s, name, cc in places],
        orgs=[Org(o, o, *span(o)) for o in orgs],
        money=[Money(f"${v:,.0f}", v, "USD", v) for v in usd])
    return Article(
        id=article_id(url), url=url, title=title, text=text, lang=lang, published=published,
        source=source, fetched_url=url + "?utm_source=rss", final_url=url,
        fetched_at=fetched or (published or day(2024, 1, 1)) + timedelta(hours=3), status=200,
        content_hash=content_hash(text), simhash=12345, story_id=story or f"story-{key}",
        entities=entities, relevance=relevance)


CORPUS = {
    "myawaddy": make(
        "myawaddy", "Scam centre raided in Myawaddy",
        "Police raided a scam centre in Myawaddy, Myanmar, near KK Park. The Karen Border Guard "
        "Force said 260 workers were freed. Investigators traced $5,000,000 in crypto.",
        published=day(2024, 3, 1), places=(("Myawaddy", "Myawaddy", "MM"),
                                           ("Myanmar", "Myanmar", "MM"),
                                           ("KK Park", "KK Park", "MM")),
        orgs=("Karen Border Guard Force",), usd=(5e6,), relevance=0.95, story="wire-1"),
    "myawaddy_copy": make(
        "myawaddy-copy", "Workers freed from scam compound",
        "Police raided a scam compound near the Thai border. Officials in Myawaddy said 260 "
        "workers were freed. (frontier-wire with agencies)",
        source="frontier-wire", published=day(2024, 3, 2),
        places=(("Myawaddy", "Myawaddy", "MM"),), relevance=0.9, story="wire-1"),
    "sihanoukville": make(
        "sihanoukville", "Un centre d'arnaque démantelé à Sihanoukville",
        "La police a démantelé un centre à Sihanoukville, au Cambodge. Des milliers de "
        "victimes ont été fraudé en ligne, selon l'ONUDC.",
        lang="fr", source="journal-asie", published=day(2024, 5, 10),
        places=(("Sihanoukville", "Sihanoukville", "KH"), ("Cambodge", "Cambodia", "KH")),
        orgs=("UNODC",), usd=(12e6,), relevance=0.85),
    "bamban": make(
        "bamban", "Desmantelan un centro de estafas en Bamban",
        "La policía desmanteló un centro de fraude en Bamban, Filipinas, y liberó a 40 "
        "trabajadores.",
        lang="es", source="diario-asia", published=day(2024, 7, 20),
        places=(("Bamban", "Bamban", "PH"), ("Filipinas", "Philippines", "PH")),
        usd=(30e6,), relevance=0.8),
    "zh": make(
        "zh", "妙瓦底诈骗园区遭突袭",
        "警方突袭了缅甸妙瓦底的一处诈骗园区，解救了数百名被强迫从事电信诈骗的人员。",
        lang="zh", source="huaxia-bao", published=day(2024, 8, 5),
        places=(("缅甸", "Myanmar", "MM"), ("妙瓦底", "Myawaddy", "MM")), relevance=0.9),
    "th": make(
        "th", "บุกทลายแก๊งคอลเซ็นเตอร์ที่แม่สอด",
        "ตำรวจบุกทลายแก๊งคอลเซ็นเตอร์ที่แม่สอด ช่วยเหลือแรงงาน 57 คน",
        lang="th", source="khao-chaidaen", published=day(2024, 9, 1),
        places=(("แม่สอด", "Mae Sot", "TH"),), orgs=("Royal Thai Police",), relevance=0.85),
    "floods": make(
        "floods", "Floods hit Bangkok",
        "Heavy rain flooded several districts of Bangkok on Tuesday, disrupting traffic.",
        published=None, fetched=day(2024, 10, 1), places=(("Bangkok", "Bangkok", "TH"),),
        relevance=0.05),
    "hostile": make(
        "hostile", "<b>Bold</b> claims about scam rings",
        "Officials said <script>alert('x')</script> scam rings & fraud gangs moved money "
        "through Dubai.",
        source="asia-desk", published=day(2024, 11, 11),
        places=(("Dubai", "Dubai", "AE"),), relevance=0.7),
    "prince": make(
        "prince", "Treasury sanctions Prince Group",
        "The US Treasury sanctioned the Prince Group over scam compounds in Cambodia, "
        "freezing $15,000,000,000 in assets linked to human trafficking.",
        source="frontier-wire", published=day(2025, 1, 15),
        places=(("Cambodia", "Cambodia", "KH"),), orgs=("US Treasury", "Prince Group"),
        usd=(15e9,), relevance=0.97),
    "trafficking": make(
        "trafficking", "Survivors describe life inside the compounds",
        "Survivors trafficked from Kenya described beatings. Trafficking networks recruit "
        "through fake job ads; a traffic jam at the border delayed the rescue.",
        source="asia-desk", published=day(2025, 2, 1), places=(("Mae Sot", "Mae Sot", "TH"),),
        orgs=("International Justice Mission",), relevance=0.9),
}
KEY_OF = {a.id: key for key, a in CORPUS.items()}


@pytest.fixture
def corpus_index(any_index):
    assert any_index.upsert(CORPUS.values()) == len(CORPUS)
    return any_index


def keys(results) -> set[str]:
    return {KEY_OF[h.id] for h in results.hits}


def strip_times(article: Article) -> Article:
    return dataclasses.replace(article, indexed_at=None)


# ------------------------------------------------------------ storing


def test_upsert_then_get_round_trips_text_entities_and_provenance(corpus_index):
    for article in CORPUS.values():
        stored = corpus_index.get(article.id)
        assert stored is not None
        assert stored.indexed_at is not None
        assert strip_times(stored) == article
    assert corpus_index.get("no-such-id") is None
    assert corpus_index.count() == len(CORPUS)


def test_same_url_twice_is_one_document_with_the_latest_content(any_index):
    first = make("dup", "First title", "first text about a scam centre")
    second = dataclasses.replace(first, title="Second title", text="second text, updated",
                                 content_hash=content_hash("second text, updated"))
    assert any_index.upsert([first]) == 1
    assert any_index.upsert([second]) == 1
    assert any_index.count() == 1
    assert any_index.get(first.id).title == "Second title"
    assert any_index.search(Query(text="updated")).total == 1
    assert any_index.search(Query(text="first")).total == 0


def test_unchanged_content_keeps_indexed_at_and_counts_nothing(any_index):
    article = CORPUS["myawaddy"]
    assert any_index.upsert([article]) == 1
    first = any_index.get(article.id).indexed_at
    recrawl = dataclasses.replace(article, fetched_at=article.fetched_at + timedelta(days=2))
    assert any_index.upsert([recrawl]) == 0
    assert any_index.get(article.id).indexed_at == first
    # better entities for the same text: stored, still not "new" for alerts
    enriched = dataclasses.replace(article, relevance=0.5)
    assert any_index.upsert([enriched]) == 0
    stored = any_index.get(article.id)
    assert stored.relevance == 0.5 and stored.indexed_at == first
    changed = dataclasses.replace(article, text=article.text + " Update: more arrests.",
                                  content_hash=content_hash(article.text + " more"))
    assert any_index.upsert([changed]) == 1
    assert any_index.get(article.id).indexed_at > first


def test_has_reports_which_ids_are_indexed(corpus_index):
    ids = [CORPUS["zh"].id, CORPUS["th"].id, "missing-1", "missing-2"]
    assert corpus_index.has(ids) == {CORPUS["zh"].id, CORPUS["th"].id}
    assert corpus_index.has([]) == set()


def test_delete_removes_from_get_search_count_and_facets(corpus_index):
    gone = [CORPUS["bamban"].id, CORPUS["floods"].id, "never-there"]
    assert corpus_index.delete(gone) == 2
    assert corpus_index.get(CORPUS["bamban"].id) is None
    assert corpus_index.count() == len(CORPUS) - 2
    assert corpus_index.search(Query(text="bamban")).total == 0
    results = corpus_index.search(Query())
    assert "PH" not in {f.value for f in results.facets["country"]}
    assert corpus_index.delete(gone) == 0


def test_same_story_lists_the_other_copies(corpus_index):
    copies = corpus_index.same_story("wire-1", exclude_id=CORPUS["myawaddy"].id)
    assert [a.id for a in copies] == [CORPUS["myawaddy_copy"].id]
    assert {a.id for a in corpus_index.same_story("wire-1")} == {
        CORPUS["myawaddy"].id, CORPUS["myawaddy_copy"].id}
    assert corpus_index.same_story("no-such-story") == []


# ------------------------------------------------------------ full text


@pytest.mark.parametrize("text, expected", [
    ("scam", {"myawaddy", "myawaddy_copy", "hostile", "prince"}),
    ("scam centre", {"myawaddy"}),
    ("scam AND compound", {"myawaddy_copy", "prince"}),  # stemmed: "compounds" too
    ('scam AND "compound"', {"myawaddy_copy"}),  # quoted: exactly this word
    ("scam OR floods", {"myawaddy", "myawaddy_copy", "hostile", "prince", "floods"}),
    ("scam -compound", {"myawaddy", "hostile"}),  # nor "compounds"
    ('scam -"compound"', {"myawaddy", "hostile", "prince"}),
    ("scam NOT myawaddy", {"hostile", "prince"}),
    ('"scam compound"', {"myawaddy_copy"}),
    ('"compound scam"', set()),
    ("(bamban OR sihanoukville) centro", {"bamban"}),
    ("traffick*", {"trafficking", "prince"}),
    ("traffic", {"floods", "trafficking"}),
    ("SCAM Centre", {"myawaddy"}),
    ("scam (rings OR -compound)", {"myawaddy", "hostile"}),
])
def test_full_text_operators(corpus_index, text, expected):
    assert keys(corpus_index.search(Query(text=text, limit=50))) == expected


@pytest.mark.parametrize("text", ["fraude", "fraudé", "FRAUDÉ"])
def test_diacritics_are_folded(corpus_index, text):
    # "fraudé" (French) and "fraude" (Spanish) find each other; to the English
    # stemmer, "fraude" is a form of "fraud"
    assert keys(corpus_index.search(Query(text=text))) == {"sihanoukville", "bamban", "hostile"}
    assert keys(corpus_index.search(Query(text=text, langs=["fr", "es"]))) == {
        "sihanoukville", "bamban"}


@pytest.mark.parametrize("text, expected", [
    ("诈骗园区", {"zh"}),  # inside a longer run of characters
    ("园区", {"zh"}),
    ("妙瓦底", {"zh"}),
    ("园诈", set()),  # the characters, but not in this order
    ("คอลเซ็นเตอร์", {"th"}),  # inside แก๊งคอลเซ็นเตอร์ที่แม่สอด
    ("แม่สอด", {"th"}),
])
def test_unspaced_scripts_match_substrings(corpus_index, text, expected):
    assert keys(corpus_index.search(Query(text=text))) == expected


def test_malformed_query_is_a_query_syntax_error(corpus_index):
    for text in ('"scam centre', "(scam", "scam OR", "-scam"):
        with pytest.raises(QuerySyntaxError):
            corpus_index.search(Query(text=text))
        with pytest.raises(QuerySyntaxError):
            corpus_index.count(Query(text=text))


# ------------------------------------------------------------ filters


@pytest.mark.parametrize("query, expected", [
    (Query(countries=["mm"]), {"myawaddy", "myawaddy_copy", "zh"}),
    (Query(countries=["KH", "PH"]), {"sihanoukville", "bamban", "prince"}),
    (Query(places=["myawaddy"]), {"myawaddy", "myawaddy_copy", "zh"}),
    (Query(places=["MAE SOT", "bangkok"]), {"th", "trafficking", "floods"}),
    (Query(orgs=["prince group"]), {"prince"}),
    (Query(orgs=["unodc", "Royal Thai Police"]), {"sihanoukville", "th"}),
    (Query(langs=["FR", "es"]), {"sihanoukville", "bamban"}),
    (Query(sources=["frontier-wire"]), {"myawaddy_copy", "prince"}),
    (Query(min_usd=10e6), {"sihanoukville", "bamban", "prince"}),
    (Query(min_usd=5e6), {"myawaddy", "sihanoukville", "bamban", "prince"}),
    (Query(min_relevance=0.9), {"myawaddy", "myawaddy_copy", "zh", "prince", "trafficking"}),
    (Query(since=day(2025, 1, 1)), {"prince", "trafficking"}),
    (Query(until=day(2024, 5, 10)), {"myawaddy", "myawaddy_copy", "sihanoukville"}),
    (Query(since=day(2024, 9, 1), until=day(2024, 10, 31)), {"th", "floods"}),
    (Query(story_id="wire-1"), {"myawaddy", "myawaddy_copy"}),
    (Query(text="scam", countries=["MM"], sources=["mekong-herald"]), {"myawaddy"}),
    (Query(text="police", langs=["en", "zh"], since=day(2024, 3, 2)), {"myawaddy_copy"}),
    (Query(countries=["TH"], min_relevance=0.5, orgs=["international justice mission"]),
     {"trafficking"}),
    (Query(countries=["ZZ"]), set()),
])
def test_filters_alone_and_combined(corpus_index, query, expected):
    query.limit = 50
    results = corpus_index.search(query)
    assert keys(results) == expected
    assert results.total == len(expected) == corpus_index.count(query)


def test_date_is_published_else_fetched(corpus_index):
    # "floods" has no publication date: its fetch time (2024-10-01 12:00) is its date
    inside = Query(since=day(2024, 10, 1, 11), until=day(2024, 10, 1, 13))
    assert keys(corpus_index.search(inside)) == {"floods"}


# ------------------------------------------------------------ results


def test_facets_count_the_whole_filtered_result_set(corpus_index):
    results = corpus_index.search(Query(text="police", limit=1))
    assert results.total == 3 and len(results.hits) == 1
    assert _facet_counts(results) == {
        "country": {"MM": 2, "KH": 1},
        "place": {"Myawaddy": 2, "Myanmar": 1, "KK Park": 1, "Sihanoukville": 1, "Cambodia": 1},
        "org": {"Karen Border Guard Force": 1, "UNODC": 1},
        "lang": {"en": 2, "fr": 1},
        "source": {"mekong-herald": 1, "frontier-wire": 1, "journal-asie": 1},
    }
    for name, values in results.facets.items():
        for facet in values:
            narrowed = _narrow(Query(text="police"), name, facet.value)
            assert corpus_index.count(narrowed) == facet.count, (name, facet)


def test_facets_are_sorted_by_count_and_cut_at_facet_size(any_index):
    any_index.upsert(sample_articles(120, seed=4))
    results = any_index.search(Query(facet_size=3))
    for name, values in results.facets.items():
        assert len(values) <= 3
        counts = [f.count for f in values]
        assert counts == sorted(counts, reverse=True)
    assert results.facets["lang"][0].value == "en"


@pytest.mark.parametrize("sort", ["relevance", "date", "indexed"])
def test_pagination_is_stable_and_complete(any_index, sort):
    articles = sample_articles(150, seed=2)
    any_index.upsert(articles)
    for text in (None, "police OR police", "scam", "诈骗"):
        query = Query(text=text, sort=sort, facets=False)
        total = any_index.count(query)
        seen: list[str] = []
        for offset in range(0, total + 7, 7):
            page = any_index.search(dataclasses.replace(query, limit=7, offset=offset))
            assert page.total == total
            seen += [h.id for h in page.hits]
        assert len(seen) == len(set(seen)) == total
        everything = any_index.search(dataclasses.replace(query, limit=total or 1))
        assert [h.id for h in everything.hits] == seen


def test_sort_orders(corpus_index):
    by_date = corpus_index.search(Query(sort="date", limit=50)).hits
    dates = [_date_of(CORPUS[KEY_OF[h.id]]) for h in by_date]
    assert dates == sorted(dates, reverse=True)
    by_indexed = corpus_index.search(Query(sort="indexed", limit=50)).hits
    stamps = [parse_iso(h.indexed_at) for h in by_indexed]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    ranked = corpus_index.search(Query(text="myawaddy OR scam", sort="relevance")).hits
    scores = [h.score for h in ranked]
    assert scores == sorted(scores, reverse=True)
    # no text: the article relevance, then the newest first
    best = corpus_index.search(Query(limit=3)).hits
    assert [KEY_OF[h.id] for h in best] == ["prince", "myawaddy", "trafficking"]


def test_title_weighs_more_than_text(any_index):
    filler = "Officials met on Monday to discuss the budget, roads and schools in the province."
    in_title = make("t1", "Crackdown in Bavet", filler + " " + filler)
    in_text = make("t2", "Border news", "Police said Bavet casinos were raided. " + filler)
    any_index.upsert([in_text, in_title])
    ranked = any_index.search(Query(text="bavet")).hits
    assert [h.id for h in ranked] == [in_title.id, in_text.id]


def test_hits_carry_what_the_cli_prints(corpus_index):
    hit = corpus_index.search(Query(text="prince")).hits[0]
    article = CORPUS["prince"]
    assert (hit.id, hit.url, hit.title, hit.lang, hit.source) == (
        article.id, article.url, article.title, "en", "frontier-wire")
    assert parse_iso(hit.published) == article.published
    assert {o["name"] for o in hit.entities["orgs"]} == {"US Treasury", "Prince Group"}
    assert hit.story_id == article.story_id and hit.relevance == article.relevance


def test_snippets_highlight_terms_and_escape_markup(corpus_index):
    hit = corpus_index.search(Query(text="rings")).hits[0]
    assert "<mark>rings</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "<script>" not in hit.snippet
    assert "&amp;" in hit.snippet
    assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")
    folded = corpus_index.search(Query(text="fraude", langs=["fr"])).hits[0]
    assert "<mark>fraudé</mark>" in folded.snippet
    chinese = corpus_index.search(Query(text="诈骗园区")).hits[0]
    assert "<mark>诈骗园区</mark>" in chinese.snippet
    phrase = corpus_index.search(Query(text='"scam compound"')).hits[0]
    assert "<mark>scam compound</mark>" in phrase.snippet


def test_snippet_without_query_is_the_start_of_the_text(corpus_index):
    hit = corpus_index.search(Query(places=["Dubai"])).hits[0]
    assert hit.snippet.startswith("Officials said &lt;script&gt;")
    assert "<mark>" not in hit.snippet


# ------------------------------------------------------------ alerts watermark


def test_new_since_returns_each_new_article_once_oldest_first(any_index):
    first = list(CORPUS.values())[:6]
    later = list(CORPUS.values())[6:]
    any_index.upsert(first)
    batch = any_index.new_since(None, Query())
    assert [h.id for h in batch.hits] == [a.id for a in first]
    watermark = parse_iso(batch.hits[-1].indexed_at)
    assert any_index.new_since(watermark, Query()).hits == []
    any_index.upsert(first + later)  # the old ones again, unchanged: not new
    batch = any_index.new_since(watermark, Query())
    assert [h.id for h in batch.hits] == [a.id for a in later]
    assert batch.total == len(later)
    watermark = parse_iso(batch.hits[-1].indexed_at)
    assert any_index.new_since(watermark, Query()).hits == []


def test_new_since_applies_the_saved_query(corpus_index):
    hits = corpus_index.new_since(None, Query(text="scam", countries=["MM"])).hits
    assert {KEY_OF[h.id] for h in hits} == {"myawaddy", "myawaddy_copy"}


def test_new_since_in_small_batches_never_misses_or_repeats(any_index):
    articles = sample_articles(60, seed=5)
    any_index.upsert(articles[:25])
    any_index.upsert(articles[25:])
    seen: list[str] = []
    watermark = None
    while True:
        batch = any_index.new_since(watermark, Query(), limit=7)
        if not batch.hits:
            break
        seen += [h.id for h in batch.hits]
        watermark = parse_iso(batch.hits[-1].indexed_at)
    assert seen == list(dict.fromkeys(a.id for a in articles))


# ------------------------------------------------------------ stemming

STEMMED = {
    "raids": make("raids", "Police raids on three compounds",
                  "Officers raided the compounds on Tuesday; more raids are planned."),
    "raid": make("raid", "One raid, 40 workers freed",
                 "The raid took place near two call centres at the border."),
    "centre": make("centre", "Inside a scam centre", "A former worker describes the centre."),
    "raiders": make("raiders", "Raiders win the cup", "The Raiders beat the Storm 24-10."),
    "parts": make("parts", "Spare parts shortage", "Car parts are hard to find."),
    "escroquerie": make("escroquerie", "Une escroquerie démantelée",
                        "La police a démantelé une escroquerie en ligne.", lang="fr"),
    "escroqueries": make("escroqueries", "Les escroqueries se multiplient",
                         "Des escroqueries visent les travailleurs migrants.", lang="fr"),
    "penipuan": make("penipuan", "Polisi ungkap penipuan online",
                     "Polisi menangkap pelaku penipuan di Batam.", lang="id"),
    "penipuannya": make("penipuannya", "Modus penipuannya terbongkar",
                        "Korban menceritakan modus penipuannya kepada polisi.", lang="id"),
    "zh": CORPUS["zh"],
}
STEM_KEY = {a.id: key for key, a in STEMMED.items()}


@pytest.fixture
def stemmed_index(any_index):
    assert any_index.upsert(STEMMED.values()) == len(STEMMED)
    return any_index


@pytest.mark.parametrize("text, expected", [
    ("raid", {"raids", "raid"}),  # raid, raids, raided; not "Raiders"
    ("raided", {"raids", "raid"}),
    ("RAIDS", {"raids", "raid"}),
    ("centres", {"raid", "centre"}),
    ("centre", {"raid", "centre"}),
    ("escroquerie", {"escroquerie", "escroqueries"}),
    ("escroqueries", {"escroquerie", "escroqueries"}),
    ("penipuan", {"penipuan", "penipuannya"}),
    ("penipuannya", {"penipuan", "penipuannya"}),
    ("raid*", {"raids", "raid", "raiders"}),  # prefixes match the written words
    ('"raided"', {"raids"}),  # a quoted word is exact
    ('"call centres"', {"raid"}),  # phrases are exact...
    ('"call centre"', set()),  # ...so no stemmed phrase
    ("raid -centres", {"raids"}),
    ("parties", set()),  # French "parties" stems to "part": not the English "parts"
    ("诈骗", {"zh"}),  # unspaced scripts: no stems, substrings as before
])
def test_stemming_finds_inflected_forms(stemmed_index, text, expected):
    results = stemmed_index.search(Query(text=text, limit=50))
    assert {STEM_KEY[h.id] for h in results.hits} == expected
    assert results.total == len(expected)
    assert stemmed_index.count(Query(text=text)) == len(expected)


def test_stems_follow_the_language_filter(stemmed_index):
    # the query word is stemmed under the filter's languages only
    assert {STEM_KEY[h.id] for h in stemmed_index.search(
        Query(text="escroqueries", langs=["fr"])).hits} == {"escroquerie", "escroqueries"}
    assert {STEM_KEY[h.id] for h in stemmed_index.search(
        Query(text="raid", langs=["en", "fr"])).hits} == {"raids", "raid"}


def test_snippets_mark_the_inflected_forms_that_matched(stemmed_index):
    hits = {STEM_KEY[h.id]: h for h in stemmed_index.search(Query(text="raid")).hits}
    assert "<mark>raided</mark>" in hits["raids"].snippet
    assert "<mark>raids</mark>" in hits["raids"].snippet
    assert "<mark>raid</mark>" in hits["raid"].snippet
    hits = {STEM_KEY[h.id]: h for h in stemmed_index.search(Query(text="penipuan")).hits}
    assert "<mark>penipuannya</mark>" in hits["penipuannya"].snippet
    exact = stemmed_index.search(Query(text='"raided"')).hits
    assert "<mark>raids</mark>" not in exact[0].snippet


# ------------------------------------------------------ against a reference


@pytest.fixture
def sample_index(any_index):
    articles = sample_articles(400, seed=1)
    any_index.upsert(articles)
    latest = {a.id: a for a in articles}  # the sample has no repeated ids, but be exact
    return any_index, list(latest.values())


REFERENCE_QUERIES = [
    Query(text="scam"),
    Query(text="police -raided"),
    Query(text='"scam compound" OR 诈骗园区'),
    Query(text="traffick* (myawaddy OR sihanoukville)"),
    Query(text="arnaque OR estafas", langs=["fr", "es"]),
    Query(countries=["MM"]),
    Query(countries=["KH", "LA"], min_usd=10e6),
    Query(places=["kk park"], orgs=["UNODC"]),
    Query(places=["Golden Triangle SEZ", "mae sot"], min_relevance=0.7),
    Query(text="警方", places=["Myawaddy"]),
    Query(text="ตำรวจ"),
    Query(sources=["huaxia-bao", "frontier-wire"], since=day(2024, 1, 1), until=day(2024, 6, 30)),
    Query(min_relevance=0.3, langs=["th"]),
    Query(text="rice OR floods OR inundaciones"),
    Query(text="raid OR rescued OR penipuan OR escroqueries"),  # stems, every language
    Query(text="centres -\"scam centre\"", langs=["en", "fr", "th"]),  # stems of some
]


@pytest.mark.parametrize("query", REFERENCE_QUERIES, ids=lambda q: repr(q.to_json()))
def test_results_and_facets_match_a_reference_evaluation(sample_index, query):
    index, articles = sample_index
    expected = [a for a in articles if reference_match(a, query)]
    results = index.search(dataclasses.replace(query, limit=1000, facet_size=100))
    assert {h.id for h in results.hits} == {a.id for a in expected}
    assert results.total == len(expected)
    assert _facet_counts(results) == reference_facets(expected)


# ------------------------------------------------------------ helpers


def _date_of(article: Article) -> datetime:
    return article.published or article.fetched_at


def _narrow(query: Query, facet: str, value: str) -> Query:
    field = {"country": "countries", "place": "places", "org": "orgs", "lang": "langs",
             "source": "sources"}[facet]
    return dataclasses.replace(query, **{field: [value]})


def _facet_counts(results) -> dict[str, dict[str, int]]:
    return {name: {f.value: f.count for f in values} for name, values in results.facets.items()}


def reference_facets(articles: list[Article]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {n: {} for n in ("country", "place", "org", "lang", "source")}
    for a in articles:
        values = {"country": a.entities.countries(), "place": a.entities.place_names(),
                  "org": a.entities.org_names(), "lang": [a.lang] if a.lang else [],
                  "source": [a.source]}
        for name, vals in values.items():
            for v in vals:
                out[name][v] = out[name].get(v, 0) + 1
    return out


def reference_match(article: Article, query: Query) -> bool:
    """What a Query means, in plain Python over the same words_of() tokens and stems."""
    node = query.parsed()
    fields = [words_of(article.title), words_of(article.text)]
    if node is not None and not _ref_text(node, fields, article.lang):
        return False
    ents = article.entities
    date = _date_of(article)
    checks = [
        not query.countries or set(query.countries) & set(ents.countries()),
        not query.places or {name_key(p) for p in query.places} & {
            name_key(p) for p in ents.place_names()},
        not query.orgs or {name_key(o) for o in query.orgs} & {
            name_key(o) for o in ents.org_names()},
        not query.langs or article.lang in query.langs,
        not query.sources or article.source in query.sources,
        query.min_usd is None or (ents.max_usd() or -1) >= query.min_usd,
        query.min_relevance is None or article.relevance >= query.min_relevance,
        query.since is None or date >= query.since,
        query.until is None or date <= query.until,
        query.story_id is None or article.story_id == query.story_id,
    ]
    return all(checks)


def _ref_text(node, fields: list[list[str]], lang: str | None) -> bool:
    if isinstance(node, Term):
        return any(w == node.text or (node.prefix and w.startswith(node.text))
                   or stem_token(w, lang) in node.stems
                   for words in fields for w in words)
    if isinstance(node, Phrase):
        n = len(node.words)
        return any(tuple(words[i:i + n]) == node.words
                   for words in fields for i in range(len(words) - n + 1))
    if isinstance(node, Not):
        return not _ref_text(node.child, fields, lang)
    if isinstance(node, And):
        return all(_ref_text(c, fields, lang) for c in node.children)
    if isinstance(node, Or):
        return any(_ref_text(c, fields, lang) for c in node.children)
    raise TypeError(node)


def test_the_same_id_twice_in_one_batch_keeps_the_last(any_index):
    first = CORPUS["bamban"]
    second = dataclasses.replace(
        first, text="Nothing about places any more.", content_hash=content_hash("nothing"),
        entities=Entities(places=[Place("Dubai", "Dubai", "AE")]))
    assert any_index.upsert([first, second]) >= 1
    assert any_index.count() == 1
    assert any_index.get(first.id).text == second.text
    assert any_index.search(Query(countries=["PH"])).total == 0
    assert any_index.search(Query(places=["dubai"])).total == 1
    assert {f.value for f in any_index.search(Query()).facets["country"]} == {"AE"}


def test_limit_zero_counts_and_facets_can_be_skipped(corpus_index):
    counted = corpus_index.search(Query(countries=["MM"], limit=0))
    assert counted.total == 3 and counted.hits == []
    assert sum(f.count for f in counted.facets["country"] if f.value == "MM") == 3
    bare = corpus_index.search(Query(countries=["MM"], facets=False))
    assert bare.total == 3 and bare.facets == {}
    past_the_end = corpus_index.search(Query(countries=["MM"], offset=10))
    assert past_the_end.total == 3 and past_the_end.hits == []


def test_no_match_still_names_every_facet(corpus_index):
    results = corpus_index.search(Query(text="nothingmatchesthis"))
    assert results.total == 0 and results.hits == []
    assert results.facets == {name: [] for name in FACETS}


def test_ties_go_to_the_most_recently_indexed(any_index):
    # same date, same relevance, same words: the alerts' first digest relies on this order
    same = [make(f"tie{i}", "Scam compound raided", "Police raided a scam compound.",
                 published=day(2024, 6, 1)) for i in range(5)]
    for article in same:
        any_index.upsert([article])
    newest_first = [a.id for a in reversed(same)]
    for sort in ("date", "relevance"):
        for text in (None, "scam"):
            hits = any_index.search(Query(text=text, sort=sort)).hits
            assert [h.id for h in hits] == newest_first, (sort, text)
    assert [h.id for h in any_index.search(Query(sort="indexed")).hits] == newest_first[::-1]
