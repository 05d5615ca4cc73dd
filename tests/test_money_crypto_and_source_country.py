"""Money in cryptocurrencies, Malay/Indonesian forms, and ambiguous marks read by
the publishing source's country ("$" in a Singapore paper is SGD, "元" in a
Taiwanese one TWD), through find_money and the nlp stage's Page -> Article path."""
from __future__ import annotations

import tomllib

import pytest

from nlp.analyze import Analyzer, source_country
from nlp.money import RATES_PATH, WORDS_PATH, find_money, to_usd
from nlp.records import Page


def _read(text, lang, country=None):
    return [(m.amount, m.currency, m.approx) for m in find_money(text, lang, country)]


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "laundered 12,500 bitcoin through exchanges", [(12500, "BTC", False)]),
    ("en", "seized 2.5 BTC and 300 ETH", [(2.5, "BTC", False), (300, "ETH", False)]),
    ("en", "payments of 40,000 USDT", [(40000, "USDT", False)]),
    ("zh", "其中一笔转账为125万枚USDT", [(1.25e6, "USDT", False)]),
    ("zh", "查获30枚比特币", [(30, "BTC", False)]),
    ("th", "โอนเหรียญบิตคอยน์กว่า 150 BTC ออกนอกประเทศ", [(150, "BTC", True)]),
    ("id", "kehilangan 3,4 BTC", [(3.4, "BTC", False)]),
])
def test_cryptocurrency_sums_are_money_in_their_own_code(lang, text, expected):
    assert _read(text, lang) == expected


def test_crypto_has_a_dated_usd_rate():
    rates = tomllib.loads(RATES_PATH.read_text(encoding="utf-8"))
    assert rates["meta"]["date"]
    assert to_usd(1, "BTC") > 10_000 and to_usd(1, "ETH") > 100
    assert "bitcoin" in RATES_PATH.read_text(encoding="utf-8").lower() or "BTC" in rates["rates"]


@pytest.mark.parametrize("lang,text,expected", [
    ("ms", "wang kripto bernilai kira-kira AS$2.1 juta", [(2.1e6, "USD", True)]),
    ("ms", "kos dianggarkan AS$120,000", [(1.2e5, "USD", True)]),
    ("id", "nilai transaksi USD20 juta", [(2e7, "USD", False)]),
    ("es", "obtuvo más de S/ 4 millones", [(4e6, "PEN", True)]),
    ("es", "sueldos de 2 mil 500 dólares mensuales", [(2500, "USD", False)]),
    ("es", "un fraude de 3 mil 200 millones de dólares", [(3.2e9, "USD", False)]),
    ("es", "2 mil 500 personas y 150 mil dólares", [(1.5e5, "USD", False)]),
])
def test_malay_indonesian_peruvian_and_mexican_forms(lang, text, expected):
    assert _read(text, lang) == expected


@pytest.mark.parametrize("lang,text,country,expected", [
    ("en", "received $8,000 for the accounts", "SG", [(8000, "SGD", False)]),
    ("en", "received $8,000 for the accounts", None, [(8000, "USD", False)]),
    ("en", "worth US$56 million", "TW", [(5.6e7, "USD", False)]),
    ("en", "losses of 2 million dollars", "CA", [(2e6, "CAD", False)]),
    ("fr", "des pertes de 38 millions $", "CA", [(3.8e7, "CAD", False)]),
    ("fr", "payés 15.000 dollars américains", "CA", [(15000, "USD", False)]),
    ("zh", "現金共4.2億元", "TW", [(4.2e8, "TWD", False)]),
    ("zh", "涉款約3.6億元", "HK", [(3.6e8, "HKD", True)]),
    ("zh", "涉案金额达4.3亿元", "CN", [(4.3e8, "CNY", False)]),
    ("zh", "每人售價約2萬美元", "TW", [(2e4, "USD", True)]),
    ("es", "depósitos por $12 millones", "MX", [(1.2e7, "MXN", False)]),
    ("es", "salarios de 1.500 dólares", "MX", [(1500, "USD", False)]),
    ("es", "pagaron 150 mil pesos", "MX", [(1.5e5, "MXN", False)]),
    ("es", "movió $3.400 millones", "CO", [(3.4e9, "COP", False)]),
    ("en", "a fine of ¥5 million", "JP", [(5e6, "JPY", False)]),
    ("en", "paid 20,000 shillings", "UG", [(2e4, "UGX", False)]),
])
def test_ambiguous_marks_follow_the_source_country(lang, text, country, expected):
    assert _read(text, lang, country) == expected


def _page(url, country=""):
    return Page(url=url, final_url=url, status=200, body=b"", country=country)


def test_source_country_is_the_catalogue_country_else_the_country_tld():
    assert source_country(_page("https://example.com/a", "sg")) == "SG"
    assert source_country(_page("https://www.straitstimes.com.sg/a")) == "SG"
    assert source_country(_page("https://www.cna.com.tw/news/1")) == "TW"
    assert source_country(_page("https://www.bbc.co.uk/news/1")) == "GB"
    assert source_country(_page("https://www.tempo.co/ekonomi/1")) == ""  # .co is generic
    assert source_country(_page("https://www.reuters.com/world/1")) == ""


def test_an_article_from_a_taiwanese_site_reads_yuan_as_twd():
    text = ("台北地檢署今天起訴32名被告。檢方指出，集團不法所得約新台幣18億元，"
            "法務部調查局已查扣名下房產、名車及現金共4.2億元。") * 4
    body = f"<html><body><article><p>{text}</p></article></body></html>".encode()
    page = Page(url="https://news.example.com.tw/a/1", final_url="https://news.example.com.tw/a/1",
                status=200, body=body, headers={"content-type": "text/html; charset=utf-8"})
    (article,) = Analyzer().analyze([page])
    assert {(m.amount, m.currency) for m in article.entities.money} == {(1.8e9, "TWD"), (4.2e8, "TWD")}


def test_money_words_live_in_a_data_file():
    words = tomllib.loads(WORDS_PATH.read_text(encoding="utf-8"))
    assert words["prefixes"]["AS$"] == "USD"
    assert words["suffix_words"]["bitcoin"] == "BTC"
    assert words["country_yuan"]["TW"] == "TWD"


@pytest.mark.parametrize("lang,text,country,expected", [
    # Scandinavian crowns: "kr" and "kroner" are shared by three currencies, so a bare
    # one follows the source's country; Swedish forms and named crowns keep their own.
    ("en", "victims lost 450,000 kronor to the callers", None, [(450000, "SEK", False)]),
    ("en", "victims lost 450,000 kronor to the callers", "NO", [(450000, "SEK", False)]),
    ("en", "fined 2 million kroner", "NO", [(2e6, "NOK", False)]),
    ("en", "fined 2 million kroner", "DK", [(2e6, "DKK", False)]),
    ("da", "et tab på 75 000 kr", "DK", [(75000, "DKK", False)]),
    ("sv", "en förlust på 75 000 kr", "SE", [(75000, "SEK", False)]),
    ("no", "svindlet for kr 40 000", "NO", [(40000, "NOK", False)]),
    ("en", "paid 1.2 million Norwegian kroner", "DK", [(1.2e6, "NOK", False)]),
    ("en", "paid 1.2 million Danish kroner", "NO", [(1.2e6, "DKK", False)]),
    ("en", "losses of 300,000 Swedish kronor", None, [(300000, "SEK", False)]),
    ("en", "transfers of 40,000 SEK and 9,000 NOK", None,
     [(40000, "SEK", False), (9000, "NOK", False)]),
    ("en", "a 5 million krónur fraud", "IS", [(5e6, "ISK", False)]),
])
def test_scandinavian_crowns_follow_the_source_country(lang, text, country, expected):
    assert _read(text, lang, country) == expected


def test_kr_is_not_money_without_a_figure():
    assert find_money("the Kr. and Kronor streets of Oslo", "en", "NO") == []


def test_every_crown_has_a_usd_rate():
    for code in ("SEK", "NOK", "DKK", "ISK"):
        assert 0 < to_usd(1, code) < 1
