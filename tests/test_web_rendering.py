"""Building blocks of the pages: highlighting, snippets, chips, charts, URL round trips."""
from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import parse_qsl

from nlp.records import Entities, Money, Org, Place
from scamscope.web.charts import bars_svg, time_buckets, timeline_svg
from scamscope.web.params import SearchParams, iter_pages
from scamscope.web.render import chips, highlight_text, safe_href, safe_snippet


def test_overlapping_and_stale_entity_offsets_are_handled():
    text = "The Bank of Cambodia & <b>Huione</b> moved $5m."
    ents = Entities(
        places=[Place("Cambodia", "Cambodia", "KH", 12, 20, kind="country"),
                Place("Nowhere", "Nowhere", None, 0, 7)],  # offsets from another text
        orgs=[Org("Bank of Cambodia", "National Bank of Cambodia", 4, 20)],
        money=[Money("$5m", 5e6, "USD", 5e6, False, 43, 46),
               Money("lost", 1, "USD", 1, False, 40, 999)],  # out of range
    )
    html = str(highlight_text(text, ents))
    assert html == ('The <mark class="ent ent-org" title="National Bank of Cambodia">Bank of '
                    'Cambodia</mark> &amp; &lt;b&gt;Huione&lt;/b&gt; moved <mark class="ent '
                    'ent-money" title="5,000,000 USD">$5m</mark>.')


def test_snippets_keep_only_mark_tags():
    assert safe_snippet("a <mark>scam</mark> &amp; b") == "a <mark>scam</mark> &amp; b"
    # any other tag means the snippet was not escaped: it is shown as text
    assert safe_snippet("<mark>x</mark><img src=x>") == "<mark>x</mark>&lt;img src=x&gt;"
    assert safe_snippet("<mark><b>x</b></mark>") == "<mark>&lt;b&gt;x&lt;/b&gt;</mark>"
    assert safe_href("javascript:alert(1)") is None and safe_href(" data:x") is None
    assert safe_href("https://example.org/a") == "https://example.org/a"


def test_chips_show_countries_orgs_and_the_largest_amounts_once():
    ents = Entities(places=[Place("Myawaddy", "Myawaddy", "MM"), Place("Burma", "Myanmar", "MM")],
                    orgs=[Org("UN", "United Nations"), Org("the UN", "United Nations")],
                    money=[Money("$1m", 1e6, "USD", 1e6), Money("1 million dollars", 1e6, "USD", 1e6),
                           Money("€2bn", 2e9, "EUR", 2.2e9), Money("5 kyat", 5, "MMK", None)])
    got = [(c.kind, c.label, c.param, c.value) for c in chips(ents)]
    assert got == [("country", "MM", "country", "MM"),
                   ("org", "United Nations", "org", "United Nations"),
                   ("money", "$2.2B", "min_usd", "2200000000"),
                   ("money", "$1M", "min_usd", "1000000")]


def test_time_buckets_pick_days_weeks_or_months():
    days = [datetime(2025, 1, d, tzinfo=timezone.utc) for d in (1, 1, 3)]
    assert [(b.label, b.count) for b in time_buckets(days)] == [
        ("2025-01-01", 2), ("2025-01-02", 0), ("2025-01-03", 1)]
    weeks = time_buckets([date(2025, 1, 6), date(2025, 3, 3)])
    assert weeks[0].label == "week of 2025-01-06" and sum(b.count for b in weeks) == 2
    years = time_buckets([date(2015, 1, 1), date(2025, 6, 1)])
    assert len(years) <= 24 and sum(b.count for b in years) == 2
    assert years[0].start == date(2015, 1, 1) and years[-1].end >= date(2025, 6, 1)


def test_charts_escape_labels():
    svg = str(bars_svg([("<b>", 3)], link=lambda v: f"/?country={v}"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert str(timeline_svg([])) == ""


def test_search_urls_round_trip():
    url = "/?q=scam+centre&country=MM&country=KH&place=KK+Park&min_usd=1000&sort=date&page=3"
    params = SearchParams.from_mapping({})
    pairs = parse_qsl(url.split("?", 1)[1])
    multi: dict[str, list[str]] = {}
    for k, v in pairs:
        multi.setdefault(k, []).append(v)
    params = SearchParams.from_mapping(multi)
    assert params.url("/") == url
    assert params.toggled("country", "MM").url("/") == \
        "/?q=scam+centre&country=KH&place=KK+Park&min_usd=1000&sort=date"
    assert SearchParams.from_mapping({"country": "mm, th"}).country == ("MM", "TH")
    assert list(iter_pages(5, 10)) == [1, None, 3, 4, 5, 6, 7, None, 10]


def test_paragraphs_keep_their_entities():
    from scamscope.web.render import highlight_paragraphs

    text = "Raid in Myawaddy.\n\n<i>KK Park</i> next."
    ents = Entities(places=[Place("Myawaddy", "Myawaddy", "MM", 8, 16),
                            Place("KK Park", "KK Park", "MM", 22, 29)])
    assert [str(p) for p in highlight_paragraphs(text, ents)] == [
        'Raid in <mark class="ent ent-place" title="Myawaddy (MM) · place">Myawaddy</mark>.',
        '&lt;i&gt;<mark class="ent ent-place" title="KK Park (MM) · place">KK Park</mark>'
        '&lt;/i&gt; next.']
