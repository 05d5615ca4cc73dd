"""Why it matched, first: chips the search matched on come first and are marked; the article
page keeps the search (back link, query words highlighted); facets have "more"; the timeline
has a y-axis and a day/week/month choice; /api is a readable page without external scripts."""
from __future__ import annotations

import re
from html import unescape

from indexer.query import Query
from nlp.records import Entities, Money, Org, Place
from scamscope.web import render


def _hit_items(page: str) -> list[str]:
    return page.split('<ol class="hits"', 1)[1].split("</ol>", 1)[0].split('<li class="hit"')[1:]


def test_matched_chips_come_first_however_many_others():
    places = [Place(f"Town {c}", f"Town {c}", c) for c in
              ("AE", "BD", "CN", "ID", "IN", "JP", "KH", "KR", "LA", "MY", "PH", "SG", "TH", "VN")]
    ents = Entities(places=places + [Place("Myawaddy", "Myawaddy", "MM")],
                    orgs=[Org("ASEAN", "ASEAN"), Org("ONUDC", "UNODC")],
                    money=[Money("$5m", 5e6, "USD", 5e6), Money("$2m", 2e6, "USD", 2e6),
                           Money("$9", 9, "USD", 9.0)])
    plain = render.chips(ents)
    assert len(plain) == 12 and "VN" not in [c.label for c in plain]
    query = Query(countries=["VN"], orgs=["unodc"], places=["myawaddy"], min_usd=1_000_000)
    chips = render.chips(ents, query=query)
    first = [(c.kind, c.label) for c in chips if c.matched]
    assert first == [("country", "VN"), ("place", "Myawaddy"), ("org", "UNODC"),
                     ("money", "$5M"), ("money", "$2M")]
    assert chips[:5] == [c for c in chips if c.matched] and len(chips) == 12


def test_search_page_marks_the_chips_a_hit_matched(web, web_index):
    query = Query(countries=["MM"], orgs=["UNODC"], min_usd=1_000_000)
    assert web_index.count(query) > 0
    page = web.get("/", params={"country": "MM", "org": "UNODC", "min_usd": "1000000"}).text
    for item in _hit_items(page):
        chips = re.findall(r'<a class="chip chip-(\w+)( chip-matched)?"[^>]*>([^<]*)</a>', item)
        matched = [(kind, unescape(label)) for kind, mark, label in chips if mark]
        assert chips[:len(matched)] == [c for c in chips if c[1]]  # marked ones first
        assert ("country", "✓ MM") in matched and ("org", "✓ UNODC") in matched
        assert any(kind == "money" for kind, _ in matched)


def test_article_page_keeps_the_search_and_highlights_its_words(web, web_index):
    page = web.get("/", params={"q": "scam", "country": "MM"}).text
    link = unescape(re.search(r'<h2><a href="(/articles/[0-9a-f]+\?[^"]+)"', page).group(1))
    assert link.endswith("?q=scam&country=MM")
    article = web.get(link).text
    back = unescape(re.search(r'<p class="back"><a href="([^"]+)"', article).group(1))
    assert back == "/?q=scam&country=MM"
    assert "back to the results" in article
    marked = re.findall(r'<mark class="q">([^<]+)</mark>', article.split('<div class="text"')[1])
    assert marked and all(word.lower().startswith("scam") for word in marked)
    assert 'class="chip chip-country chip-matched"' in article
    # without a search the page links back to the empty search, nothing highlighted
    plain = web.get(link.split("?")[0]).text
    assert '<p class="back"><a href="/">' in plain and '<mark class="q">' not in plain


def test_query_words_are_found_folded_and_inflected_not_excluded():
    text = "Police raided the scam centres; the Scam Centre was raided. Crypto fraudé."
    spans = render.query_spans(text, 'raid "scam centre" fraude -crypto')
    assert [text[a:b] for a, b in spans] == ["raided", "scam centres", "Scam Centre", "raided",
                                             "fraudé"]
    assert render.query_spans(text, "(unbalanced") == []


def test_facets_show_more_beyond_ten(web, web_index):
    values = web_index.search(Query(facet_size=50)).facets["place"]
    assert len(values) > 10
    page = web.get("/").text
    section = page.split('data-facet="place"', 1)[1].split("</section>", 1)[0]
    shown, more = section.split('<details class="more">')
    assert len(re.findall(r"data-facet-value=", shown)) == 10
    assert f"{len(values) - 10} more" in more
    assert len(re.findall(r"data-facet-value=", more)) == len(values) - 10


def test_timeline_has_a_y_axis_and_a_unit_choice(web):
    page = web.get("/", params={"q": "scam"}).text
    chart = page.split('<svg class="chart chart-time"', 1)[1].split("</svg>", 1)[0]
    ticks = [int(t) for t in re.findall(r'class="tick ytick"[^>]*>(\d+)<', chart)]
    assert ticks[0] == 0 and len(ticks) >= 2 and ticks == sorted(ticks)
    for unit in ("day", "week", "month"):
        assert f"timeline={unit}" in page
    days = web.get("/", params={"q": "scam", "timeline": "day"}).text
    labels = re.findall(r"<title>([^:<]+): \d+</title>", days.split("chart-time", 1)[1].split("</svg>")[0])
    assert labels and all(re.fullmatch(r"\d{4}-\d\d-\d\d", label) for label in labels)
    months = web.get("/", params={"q": "scam", "timeline": "month"}).text
    labels = re.findall(r"<title>([^:<]+): \d+</title>", months.split("chart-time", 1)[1].split("</svg>")[0])
    assert labels and all(re.fullmatch(r"\d{4}-\d\d", label) for label in labels)


def test_api_page_is_readable_html_from_openapi(web):
    page = web.get("/api")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r"<script[^>]+src=\"https?:", page.text)
    doc = web.get("/openapi.json").json()
    for path in doc["paths"]:
        assert f"<code>{path}</code>" in page.text
    for name in ("q", "country", "place", "org", "min_usd", "page", "field"):
        assert f"<code>{name}</code>" in page.text
    assert 'id="schema-ArticleOut"' in page.text and 'id="schema-SearchOut"' in page.text
    assert '<a href="/api">API</a>' in web.get("/").text


def test_save_search_asks_for_the_web_token_not_a_password(web):
    form = web.get("/", params={"q": "scam"}).text.split('action="/subscriptions"', 1)[1]
    form = form.split("</form>", 1)[0]
    assert "Web token" in form and ">Password" not in form
    assert 'type="password" name="password"' in form


def test_filter_boxes_suggest_names_with_our_own_script(web):
    page = web.get("/").text
    for field in ("country", "place", "org"):
        assert f'list="suggest-{field}" data-suggest="{field}"' in page
        assert f'<datalist id="suggest-{field}"></datalist>' in page
    script = web.get("/static/app.js").text
    assert "/api/suggest?field=" in script and "data-suggest" in script
