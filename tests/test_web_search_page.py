"""The search page: results, facets you can click, filters, pagination, charts, errors."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from indexer.query import Query


def hit_ids(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/articles/([0-9a-f]+)[?"]', page)


def facet_links(page: str, facet: str) -> dict[str, str]:
    """value -> href of the facet's links on the page."""
    block = re.search(rf'data-facet="{facet}">(.*?)</section>', page, re.S)
    assert block, f"no {facet} facet on the page"
    return {unescape(value): unescape(href) for href, value in
            re.findall(r'<a href="([^"]+)" data-facet-value="([^"]+)"', block.group(1))}


def test_search_page_shows_the_same_first_hit_as_the_api(web):
    for page_params, api_params in (({"q": "scam"}, {"q": "scam"}),
                                    ({"q": "scam", "all_languages": "1"},
                                     {"q": "scam", "all_languages": "1"})):
        api = web.get("/api/search", params=api_params).json()
        assert api["total"] > 0
        page = web.get("/", params=page_params)
        assert page.status_code == 200
        assert hit_ids(page.text)[0] == api["hits"][0]["id"]
        assert hit_ids(page.text) == [h["id"] for h in api["hits"]]


def test_results_show_title_source_date_snippet_and_entity_chips(web, web_index):
    results = web_index.search(Query(text="scam", limit=20))
    page = web.get("/?q=scam").text
    first = results.hits[0]
    item = page.split(f'href="/articles/{first.id}?q=scam"', 1)[1].split("</li>", 1)[0]
    assert first.source in unescape(item)
    if first.published:
        assert first.published[:10] in item
    assert "<mark>" in item  # the snippet's highlights are markup, not text
    countries = {p["country"] for p in first.entities.get("places", []) if p.get("country")}
    for code in countries:
        assert f'class="chip chip-country" href="/?q=scam&amp;country={code}"' in item


def test_clicking_a_country_facet_filters_by_it(web, web_index):
    page = web.get("/?q=scam").text
    links = facet_links(page, "country")
    code, href = next(iter(links.items()))
    assert parse_qs(urlsplit(href).query) == {"q": ["scam"], "country": [code]}
    filtered = web.get(href)
    expected = web_index.search(Query(text="scam", countries=[code], limit=20))
    assert f"<strong>{expected.total:,}</strong>" in filtered.text
    assert hit_ids(filtered.text) == [h.id for h in expected.hits]
    # the facet is now active and its link takes the filter off again
    again = facet_links(filtered.text, "country")[code]
    assert parse_qs(urlsplit(again).query) == {"q": ["scam"]}
    assert 'class="chip chip-active"' in filtered.text


def test_facet_counts_are_the_index_counts(web, web_index):
    expected = web_index.search(Query(text="scam", limit=0))
    page = web.get("/?q=scam").text
    for name in ("country", "source", "lang"):
        for fv in expected.facets.get(name, []):
            block = re.search(rf'data-facet="{name}">(.*?)</section>', page, re.S).group(1)
            value = re.escape(fv.value)
            assert re.search(rf'data-facet-value="{value}">.*?<span class="count">{fv.count}<',
                             unescape(block)), (name, fv.value)


def test_every_filter_narrows_the_results_like_the_query_does(web, web_index):
    sample = web_index.search(Query(limit=200)).hits
    place = next(p["name"] for h in sample for p in h.entities.get("places", []))
    org = next(o["name"] for h in sample for o in h.entities.get("orgs", []))
    cases = [
        ({"place": place}, Query(places=[place])),
        ({"org": org}, Query(orgs=[org])),
        ({"lang": "en"}, Query(langs=["en"])),
        ({"source": sample[0].source}, Query(sources=[sample[0].source])),
        ({"min_usd": "1000000"}, Query(min_usd=1e6)),
        ({"min_relevance": "0.5"}, Query(min_relevance=0.5)),
        ({"since": "2025-01-01", "until": "2025-12-31"}, None),
    ]
    everything = web_index.count(Query())
    for params, query in cases:
        api = web.get("/api/search", params=params).json()
        if query is not None:
            assert api["total"] == web_index.count(query), params
        assert api["total"] <= everything
        page = web.get("/", params=params).text
        assert f"<strong>{api['total']:,}</strong>" in page or "No articles match" in page
        for name, value in params.items():  # the form echoes the whole search
            assert f'name="{name}" value="{value}"' in unescape(page)


def test_pagination_walks_the_result_set(web, web_index):
    total = web_index.count(Query())
    assert total > 20
    first = web.get("/?limit=10").text
    second = web.get("/?limit=10&page=2").text
    assert set(hit_ids(first)).isdisjoint(hit_ids(second))
    assert 'rel="next"' in first and 'href="/?limit=10&amp;page=2"' in first
    assert 'rel="prev"' in second
    expected = web_index.search(Query(limit=10, offset=10))
    assert hit_ids(second) == [h.id for h in expected.hits]
    last_page = -(-total // 10)
    last = web.get(f"/?limit=10&page={last_page}").text
    assert 'rel="next"' not in last
    assert len(hit_ids(last)) == total - 10 * (last_page - 1)


def test_the_url_holds_the_whole_search(web):
    url = "/?q=scam&country=KH&country=MM&min_usd=1000&sort=date&limit=5&page=2"
    page = web.get(url).text
    assert 'value="scam"' in page
    assert 'name="country" value="KH, MM"' in page
    assert 'name="min_usd" value="1000"' in page
    assert '<option value="date" selected>' in page
    # export and API links carry the same search
    assert 'href="/api/export.csv?q=scam&amp;country=KH&amp;country=MM&amp;min_usd=1000&amp;sort=date&amp;limit=5"' in page


def test_charts_are_server_rendered_svg(web):
    page = web.get("/?q=scam").text
    assert page.count('<svg class="chart') == 2
    assert 'class="chart chart-time"' in page and 'class="chart chart-bars"' in page
    # a country bar is a link that filters on that country
    assert re.search(r'<a href="/\?q=scam&amp;country=[A-Z]{2}"><text class="label"', page)


def test_a_query_syntax_error_is_one_line_on_the_page(web):
    page = web.get("/", params={"q": '"scam centre'})
    assert page.status_code == 400
    message = re.search(r'<p class="error" role="alert" id="search-error">([^<]*)</p>', page.text)
    assert message and "quote" in message.group(1)
    assert "Traceback" not in page.text
    assert 'value="&#34;scam centre"' in page.text  # the query stays in the box to fix


def test_bad_filter_values_are_messages_not_crashes(web):
    for params, words in (({"min_usd": "lots"}, "number"), ({"since": "yesterday-ish"}, "date"),
                          ({"country": "Atlantis"}, "not a known country"), ({"page": "two"}, "page"),
                          ({"q": "scam OR"}, "OR"), ({"limit": "100000"}, "limit"),
                          ({"sort": "popular"}, "sort")):
        page = web.get("/", params=params)
        assert page.status_code == 400, params
        assert words in unescape(page.text), params
        api = web.get("/api/search", params=params)
        assert api.status_code == 400 and words in api.json()["detail"], params


def test_an_empty_result_set_says_so(web):
    page = web.get("/?q=zzzznotawordanywhere").text
    assert "No articles match." in page
    assert "<svg" not in page


def test_relative_dates_stay_in_the_form(web, web_index):
    page = web.get("/?since=10000d").text
    assert 'type="text" name="since" value="10000d"' in page  # a date picker could not hold it
    assert f"<strong>{web_index.count(Query()):,}</strong>" in page


def test_a_page_past_the_end_links_back_to_the_last_page(web, web_index):
    total = web_index.count(Query())
    last = -(-total // 20)
    page = web.get("/?page=999").text
    assert hit_ids(page) == []
    assert f'href="/?page={last}">go to the last page</a>' in page


def test_the_timeline_counts_the_whole_result_set_as_its_links_do(web, web_index):
    total = web_index.count(Query(text="scam"))
    page = web.get("/?q=scam").text
    chart = page.split('class="chart chart-time"', 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r'<rect class="bar"[^>]*><title>([^<]*): (\d+)</title></rect>', chart)
    assert sum(int(n) for _, n in bars) == total  # every match, not just a page of them
    columns = re.findall(r'<a href="([^"]+)"><rect[^>]*><title>[^<]*: (\d+)</title>', chart)
    assert columns
    for href, count in columns[:3] + columns[-3:]:
        params = parse_qs(urlsplit(unescape(href)).query)
        assert params["q"] == ["scam"] and set(params) == {"q", "since", "until"}
        narrowed = web.get("/api/search", params={k: v[0] for k, v in params.items()}).json()
        assert narrowed["total"] == int(count)
        assert all(params["since"][0] <= h["published"][:10] <= params["until"][0]
                   for h in narrowed["hits"] if h["published"])


def test_an_empty_index_says_how_to_fill_it(web_settings, tmp_path):
    from indexer.sqlite import SQLiteIndex
    from tests.fixtures.web import make_client

    with SQLiteIndex(str(tmp_path / "empty.db")) as empty, make_client(web_settings, empty) as web:
        page = web.get("/").text
        assert "The index is empty" in page and "scamscope crawl" in page
        assert "No articles match." in web.get("/?q=scam").text
