"""nlp.money.find_money: a table of notations per language, and the traps.

Each row: (lang, text, expected) where expected lists (surface, amount,
currency, approx) in order, or (surface, amount, currency, approx, amount_max)
for ranges.
"""
from __future__ import annotations

import re

import pytest

from nlp import money as money_mod
from nlp.money import find_money, rates_date, to_usd, usd_rates
from nlp.records import Money

EN = [
    ("Police seized $4.2m in cash.", [("$4.2m", 4.2e6, "USD", False)]),
    ("losses of US$1.5 billion", [("US$1.5 billion", 1.5e9, "USD", False)]),
    ("a fine of USD 3 million", [("USD 3 million", 3e6, "USD", False)]),
    ("assets worth 3 million USD", [("3 million USD", 3e6, "USD", False)]),
    ("frozen: €2 million", [("€2 million", 2e6, "EUR", False)]),
    ("victims lost £5m", [("£5m", 5e6, "GBP", False)]),
    ("fraud of £1.2bn", [("£1.2bn", 1.2e9, "GBP", False)]),
    ("laundered 300 million baht", [("300 million baht", 3e8, "THB", False)]),
    ("a bribe of ฿5,000", [("฿5,000", 5000, "THB", False)]),
    ("he was paid 5,000 baht a month", [("5,000 baht", 5000, "THB", False)]),
    ("Bt300 million in assets", [("Bt300 million", 3e8, "THB", False)]),
    ("THB 45 million", [("THB 45 million", 4.5e7, "THB", False)]),
    ("1.2 billion yuan", [("1.2 billion yuan", 1.2e9, "CNY", False)]),
    ("RMB 800 million", [("RMB 800 million", 8e8, "CNY", False)]),
    ("¥500,000 in cash", [("¥500,000", 5e5, "CNY", False)]),
    ("RM5 million", [("RM5 million", 5e6, "MYR", False)]),
    ("₱6.1 billion", [("₱6.1 billion", 6.1e9, "PHP", False)]),
    ("P1.2 billion in assets", [("P1.2 billion", 1.2e9, "PHP", False)]),
    ("P500,000 bail", [("P500,000", 5e5, "PHP", False)]),
    ("20 million pesos", [("20 million pesos", 2e7, "PHP", False)]),
    ("Rp 50 billion", [("Rp 50 billion", 5e10, "IDR", False)]),
    ("20 billion kyat", [("20 billion kyat", 2e10, "MMK", False)]),
    ("4,000 riel", [("4,000 riel", 4000, "KHR", False)]),
    ("30,000 kips", [("30,000 kips", 30000, "LAK", False)]),
    ("2 billion dong", [("2 billion dong", 2e9, "VND", False)]),
    ("HK$3 million", [("HK$3 million", 3e6, "HKD", False)]),
    ("S$2m", [("S$2m", 2e6, "SGD", False)]),
    ("A$1.5bn", [("A$1.5bn", 1.5e9, "AUD", False)]),
    ("NT$100 million", [("NT$100 million", 1e8, "TWD", False)]),
    ("5 million Hong Kong dollars", [("5 million Hong Kong dollars", 5e6, "HKD", False)]),
    ("10 million US dollars", [("10 million US dollars", 1e7, "USD", False)]),
    ("Rs 5 lakh", [("Rs 5 lakh", 5e5, "INR", False)]),
    ("₹2 crore", [("₹2 crore", 2e7, "INR", False)]),
    ("KSh 500,000", [("KSh 500,000", 5e5, "KES", False)]),
    ("200,000 birr", [("200,000 birr", 2e5, "ETB", False)]),
    ("20 million ariary", [("20 million ariary", 2e7, "MGA", False)]),
    ("5 million kwacha", [("5 million kwacha", 5e6, "ZMW", False)]),
    ("3 million Malawi kwacha", [("3 million Malawi kwacha", 3e6, "MWK", False)]),
    ("3,000 Ghana cedis", [("3,000 Ghana cedis", 3000, "GHS", False)]),
    ("2 million forints", [("2 million forints", 2e6, "HUF", False)]),
    ("500 lempiras", [("500 lempiras", 500, "HNL", False)]),
    ("100,000 Kenyan shillings, then between 50,000 and 80,000 shillings",
     [("100,000 Kenyan shillings", 1e5, "KES", False),
      ("between 50,000 and 80,000 shillings", 5e4, "KES", False, 8e4)]),
    ("2 million Ugandan shillings and 500,000 shillings",
     [("2 million Ugandan shillings", 2e6, "UGX", False), ("500,000 shillings", 5e5, "UGX", False)]),
    ("5 million Sri Lankan rupees and 3 million rupees",
     [("5 million Sri Lankan rupees", 5e6, "LKR", False), ("3 million rupees", 3e6, "LKR", False)]),
    ("$500k", [("$500k", 5e5, "USD", False)]),
    ("$1.5B", [("$1.5B", 1.5e9, "USD", False)]),
    ("$2.5 bn", [("$2.5 bn", 2.5e9, "USD", False)]),
    ("$225 million in USDT", [("$225 million", 2.25e8, "USD", False)]),
    ("5 million tether", [("5 million tether", 5e6, "USDT", False)]),
    ("12 million Tether", [("12 million Tether", 1.2e7, "USDT", False)]),
    ("3m USDT", [("3m USDT", 3e6, "USDT", False)]),
    ("USDT 40,000", [("USDT 40,000", 4e4, "USDT", False)]),
    ("a million dollars", [("a million dollars", 1e6, "USD", False)]),
    ("half a billion dollars", [("half a billion dollars", 5e8, "USD", False)]),
    ("about $5 million", [("$5 million", 5e6, "USD", True)]),
    ("more than 300 million baht", [("300 million baht", 3e8, "THB", True)]),
    ("an estimated $64bn a year", [("$64bn", 6.4e10, "USD", True)]),
    ("$5m+", [("$5m+", 5e6, "USD", True)]),
    ("billions of dollars", [("billions of dollars", 1e9, "USD", True)]),
    ("hundreds of millions of dollars", [("hundreds of millions of dollars", 1e8, "USD", True)]),
    ("tens of millions of baht", [("tens of millions of baht", 1e7, "THB", True)]),
    ("millions of dollars", [("millions of dollars", 1e6, "USD", True)]),
    ("several million dollars", [("several million dollars", 1e6, "USD", True)]),
    ("a few hundred thousand dollars", [("a few hundred thousand dollars", 1e5, "USD", True)]),
    ("several hundred million baht", [("several hundred million baht", 1e8, "THB", True)]),
    ("a multibillion-dollar industry", [("multibillion-dollar", 1e9, "USD", True)]),
    ("5 million pounds", [("5 million pounds", 5e6, "GBP", False)]),
    ("$10", [("$10", 10, "USD", False)]),
    ("a $1.5-billion fraud", [("$1.5-billion", 1.5e9, "USD", False)]),
    ("RM1.2bil and RM500mil", [("RM1.2bil", 1.2e9, "MYR", False), ("RM500mil", 5e8, "MYR", False)]),
    ("$4.2 million and 300 million baht",
     [("$4.2 million", 4.2e6, "USD", False), ("300 million baht", 3e8, "THB", False)]),
    ("US$1.5 billion (48 billion baht)",
     [("US$1.5 billion", 1.5e9, "USD", False), ("48 billion baht", 4.8e10, "THB", False)]),
]

RANGES = [
    ("between $1m and $2m", [("between $1m and $2m", 1e6, "USD", False, 2e6)]),
    ("$1m-$2m", [("$1m-$2m", 1e6, "USD", False, 2e6)]),
    ("$1-2 million", [("$1-2 million", 1e6, "USD", False, 2e6)]),
    ("$500,000 to $2 million", [("$500,000 to $2 million", 5e5, "USD", False, 2e6)]),
    ("1,000–2,000 baht", [("1,000–2,000 baht", 1000, "THB", False, 2000)]),
    ("from 10 to 20 million dollars", [("from 10 to 20 million dollars", 1e7, "USD", False, 2e7)]),
    ("entre 1 et 2 millions de dollars",
     [("entre 1 et 2 millions de dollars", 1e6, "USD", False, 2e6)]),
    ("de 5 a 10 millones de dólares", [("de 5 a 10 millones de dólares", 5e6, "USD", False, 1e7)]),
    ("1亿至2亿元", [("1亿至2亿元", 1e8, "CNY", False, 2e8)]),
]

FR = [
    ("des milliards de dollars américains",
     [("des milliards de dollars américains", 1e9, "USD", True)]),
    ("des milliards de dollars (américains)", [("des milliards de dollars", 1e9, "USD", True)]),
    ("des millions de dollars", [("des millions de dollars", 1e6, "USD", True)]),
    ("des centaines de millions de dollars",
     [("des centaines de millions de dollars", 1e8, "USD", True)]),
    ("2,5 millions d'euros", [("2,5 millions d'euros", 2.5e6, "EUR", False)]),
    ("2,5 millions d’euros", [("2,5 millions d’euros", 2.5e6, "EUR", False)]),
    ("5\u202f000 euros", [("5\u202f000 euros", 5000, "EUR", False)]),
    ("5\u00a0000 €", [("5\u00a0000 €", 5000, "EUR", False)]),
    ("15 000 dollars", [("15 000 dollars", 15000, "USD", False)]),
    ("1,2 milliard de dollars", [("1,2 milliard de dollars", 1.2e9, "USD", False)]),
    ("300 millions de bahts", [("300 millions de bahts", 3e8, "THB", False)]),
    ("2,5 M€", [("2,5 M€", 2.5e6, "EUR", False)]),
    ("un milliard de dollars", [("un milliard de dollars", 1e9, "USD", False)]),
    ("plus de 40 millions de dollars", [("40 millions de dollars", 4e7, "USD", True)]),
    ("5 millions de dollars de Hong Kong", [("5 millions de dollars de Hong Kong", 5e6, "HKD", False)]),
    ("deux billions d'euros", [("deux billions d'euros", 2e12, "EUR", False)]),
    ("4 millions de shillings ougandais", [("4 millions de shillings ougandais", 4e6, "UGX", False)]),
    ("300 000 yens", [("300 000 yens", 3e5, "JPY", False)]),
    ("plus de 100 millions de livres", [("100 millions de livres", 1e8, "GBP", True)]),
]

ES = [
    ("mil millones de dólares", [("mil millones de dólares", 1e9, "USD", False)]),
    ("más de mil millones de dólares", [("mil millones de dólares", 1e9, "USD", True)]),
    ("5 millones de dólares", [("5 millones de dólares", 5e6, "USD", False)]),
    ("2.500 millones de dólares", [("2.500 millones de dólares", 2.5e9, "USD", False)]),
    ("3,5 millones de euros", [("3,5 millones de euros", 3.5e6, "EUR", False)]),
    ("miles de millones de dólares", [("miles de millones de dólares", 1e9, "USD", True)]),
    ("cientos de millones de dólares", [("cientos de millones de dólares", 1e8, "USD", True)]),
    ("US$ 3 millones", [("US$ 3 millones", 3e6, "USD", False)]),
    ("20 millones de pesos filipinos", [("20 millones de pesos filipinos", 2e7, "PHP", False)]),
    ("50.000 dólares estadounidenses", [("50.000 dólares estadounidenses", 5e4, "USD", False)]),
    ("un millón de dólares", [("un millón de dólares", 1e6, "USD", False)]),
    ("45 millones de dírhams", [("45 millones de dírhams", 4.5e7, "AED", False)]),
    ("500 soles", [("500 soles", 500, "PEN", False)]),
    ("20 billones de pesos colombianos y 150.000 millones de pesos",
     [("20 billones de pesos colombianos", 2e13, "COP", False),
      ("150.000 millones de pesos", 1.5e11, "COP", False)]),
]

TH = [
    ("5 พันล้านบาท", [("5 พันล้านบาท", 5e9, "THB", False)]),
    ("300 ล้านบาท", [("300 ล้านบาท", 3e8, "THB", False)]),
    ("1.5 หมื่นล้านบาท", [("1.5 หมื่นล้านบาท", 1.5e10, "THB", False)]),
    ("ห้าพันล้านบาท", [("ห้าพันล้านบาท", 5e9, "THB", False)]),
    ("สามร้อยล้านบาท", [("สามร้อยล้านบาท", 3e8, "THB", False)]),
    ("หลายพันล้านบาท", [("หลายพันล้านบาท", 1e9, "THB", True)]),
    ("กว่า 300 ล้านบาท", [("300 ล้านบาท", 3e8, "THB", True)]),
    ("50,000 บาท", [("50,000 บาท", 5e4, "THB", False)]),
    ("๕๐๐ ล้านบาท", [("๕๐๐ ล้านบาท", 5e8, "THB", False)]),
    ("10 ล้านดอลลาร์สหรัฐ", [("10 ล้านดอลลาร์สหรัฐ", 1e7, "USD", False)]),
]

ZH = [
    ("涉案金额1.2亿元", [("1.2亿元", 1.2e8, "CNY", False)]),
    ("3000万美元", [("3000万美元", 3e7, "USD", False)]),
    ("人民币5000万元", [("人民币5000万元", 5e7, "CNY", False)]),
    ("5000万元人民币", [("5000万元人民币", 5e7, "CNY", False)]),
    ("数十亿美元", [("数十亿美元", 1e9, "USD", True)]),
    ("数亿元", [("数亿元", 1e8, "CNY", True)]),
    ("3000多万元", [("3000多万元", 3e7, "CNY", True)]),
    ("三千万元", [("三千万元", 3e7, "CNY", False)]),
    ("约1亿美元", [("1亿美元", 1e8, "USD", True)]),
    ("100亿泰铢", [("100亿泰铢", 1e10, "THB", False)]),
    ("2000万比索", [("2000万比索", 2e7, "PHP", False)]),
    ("500万泰达币", [("500万泰达币", 5e6, "USDT", False)]),
    ("800万港元", [("800万港元", 8e6, "HKD", False)]),
    ("RMB 3亿", [("RMB 3亿", 3e8, "CNY", False)]),
    ("查扣泰达币800万枚", [("泰达币800万", 8e6, "USDT", False)]),
    ("冻结约2000万肯尼亚先令", [("2000万肯尼亚先令", 2e7, "KES", True)]),
]

ID_VI_OTHERS = [
    ("id", "Rp 1,5 triliun", [("Rp 1,5 triliun", 1.5e12, "IDR", False)]),
    ("id", "Rp5.000.000", [("Rp5.000.000", 5e6, "IDR", False)]),
    ("id", "Rp 500 juta", [("Rp 500 juta", 5e8, "IDR", False)]),
    ("id", "2 juta dolar AS", [("2 juta dolar AS", 2e6, "USD", False)]),
    ("id", "puluhan juta rupiah", [("puluhan juta rupiah", 1e7, "IDR", True)]),
    ("id", "miliaran rupiah", [("miliaran rupiah", 1e9, "IDR", True)]),
    ("id", "beberapa juta rupiah", [("beberapa juta rupiah", 1e6, "IDR", True)]),
    ("ms", "RM1.2 bilion", [("RM1.2 bilion", 1.2e9, "MYR", False)]),
    ("vi", "5 tỷ đồng", [("5 tỷ đồng", 5e9, "VND", False)]),
    ("vi", "2.000 tỷ đồng", [("2.000 tỷ đồng", 2e12, "VND", False)]),
    ("vi", "100 triệu USD", [("100 triệu USD", 1e8, "USD", False)]),
    ("vi", "hàng tỷ đồng", [("hàng tỷ đồng", 1e9, "VND", True)]),
    ("vi", "500.000đ và 2 tỷ VNĐ", [("500.000đ", 5e5, "VND", False), ("2 tỷ VNĐ", 2e9, "VND", False)]),
    ("es", "un fraude de 5 mdd", [("5 mdd", 5e6, "USD", False)]),
    ("es", "1.200 mdp", [("1.200 mdp", 1.2e9, "MXN", False)]),
    ("km", "៥ លានរៀល", [("៥ លានរៀល", 5e6, "KHR", False)]),
    ("km", "១០ លានដុល្លារ", [("១០ លានដុល្លារ", 1e7, "USD", False)]),
    ("lo", "5 ຕື້ກີບ", [("5 ຕື້ກີບ", 5e9, "LAK", False)]),
    ("my", "ဒေါ်လာ ၁၀ သန်း", [("ဒေါ်လာ ၁၀ သန်း", 1e7, "USD", False)]),
    ("km", "4,000 រៀល", [("4,000 រៀល", 4000, "KHR", False)]),
    ("my", "5,000 ကျပ်", [("5,000 ကျပ်", 5000, "MMK", False)]),
]

# Numbers that are not money.
TRAPS = [
    (None, "300,000 people were trafficked"),
    (None, "2 million victims across the region"),
    (None, "at least 120,000 people in Myanmar"),
    (None, "prices rose 45% last year, or 12 per cent"),
    (None, "In 2024 the raids continued; 2023-2024 saw 7,000 arrests"),
    (None, "Call the hotline on +66 2 123 4567 or 1300"),
    (None, "Mae Sot 5 and KK Park 2 are compounds"),
    (None, "the 5 pounds of methamphetamine"),
    (None, "Form P5 was filed; P2P lending"),
    (None, "they won 3 matches"),
    (None, "3 million Chinese nationals"),
    ("fr", "2 millions de victimes et 300 000 personnes"),
    ("fr", "des millions de livres vendus et 300 livres"),
    ("fr", "Le 12 mai 2025, 45 % des victimes"),
    ("es", "más de 2.500 personas rescatadas en 2025"),
    ("zh", "3万人被困，其中5000人获救"),
    ("th", "ผู้เสียหายกว่า 7,000 คน"),
    ("th", "มีบทบาทสำคัญ"),
    (None, "He was 25 years old and 1.75m tall"),
    (None, "millions of people and billions of messages"),
]


def _rows(table, lang=None):
    return [(lang, text, expected) for text, expected in table]


CASES = (_rows(EN, "en") + _rows(RANGES) + _rows(FR, "fr") + _rows(ES, "es") + _rows(TH, "th")
         + _rows(ZH, "zh") + ID_VI_OTHERS)


def _shape(found: list[Money]):
    out = []
    for m in found:
        row = (m.text, m.amount, m.currency, m.approx)
        out.append(row + (m.amount_max,) if m.amount_max is not None else row)
    return out


@pytest.mark.parametrize("lang,text,expected", CASES, ids=[c[1][:40] for c in CASES])
def test_money_notations(lang, text, expected):
    found = find_money(text, lang)
    got = _shape(found)
    assert len(got) == len(expected), got
    for g, e in zip(got, expected):
        assert g[0] == e[0]
        assert g[1] == pytest.approx(e[1], rel=1e-9)
        assert g[2:] == e[2:]


@pytest.mark.parametrize("lang,text", TRAPS, ids=[t[1][:40] for t in TRAPS])
def test_counts_percentages_years_phones_are_not_money(lang, text):
    assert find_money(text, lang) == []


@pytest.mark.parametrize("lang,text,expected", CASES, ids=[c[1][:40] for c in CASES])
def test_offsets_point_into_the_text(lang, text, expected):
    padded = "Reported: " + text + " (source)."
    for m in find_money(padded, lang):
        assert padded[m.start:m.end] == m.text
        assert m.start >= len("Reported: ")


def test_same_answer_with_or_without_lang_for_unambiguous_text():
    text = "Police seized $4.2m, 300 million baht and 1.2亿元."
    assert _shape(find_money(text)) == _shape(find_money(text, "en"))


def test_lang_decides_french_billion_and_japanese_yen():
    assert find_money("2 billion dollars", "en")[0].amount == 2e9
    assert find_money("2 billions de dollars", "fr")[0].amount == 2e12
    assert find_money("¥500 million", "zh")[0].currency == "CNY"
    assert find_money("¥500 million", "ja")[0].currency == "JPY"
    assert [m.currency for m in find_money("Toyota's ¥5 trillion plan, or 5 trillion yen")] == [
        "JPY", "JPY"]
    assert [m.currency for m in find_money("¥5 million, or 5 million yuan")] == ["CNY", "CNY"]


def test_mixed_article_keeps_every_sum_in_order():
    text = ("Thai police said the network moved 300 million baht (about $8.8 million) "
            "through mule accounts; 2,000 people were rescued and 45% were foreigners. "
            "The US Treasury said Prince Group laundered billions of dollars.")
    got = [(m.currency, m.amount, m.approx) for m in find_money(text, "en")]
    assert got == [("THB", 3e8, False), ("USD", 8.8e6, True), ("USD", 1e9, True)]


def test_usd_conversion_uses_the_dated_rate_table():
    rates = usd_rates()
    assert rates["USD"] == 1.0 and rates["USDT"] == 1.0
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rates_date())
    m = find_money("300 million baht")[0]
    assert m.usd == pytest.approx(3e8 * rates["THB"], rel=1e-6)
    assert 5e6 < m.usd < 15e6  # order of magnitude: a few million dollars
    assert find_money("$4.2m")[0].usd == pytest.approx(4.2e6)
    assert to_usd(100, "XYZ") is None


def test_unknown_rate_gives_no_usd(monkeypatch):
    monkeypatch.setattr(money_mod, "_rate_table", lambda: ({"USD": 1.0}, "2025-01-02"))
    m = find_money("300 million baht")[0]
    assert m.currency == "THB" and m.usd is None


def test_rate_file_documents_its_source_and_date():
    header = money_mod.RATES_PATH.read_text(encoding="utf-8").split("[meta]")[0]
    assert "Source and date" in header and rates_date() in header


def test_money_json_shape():
    data = find_money("between $1m and $2m")[0].to_json()
    assert {"text", "amount", "currency", "usd", "approx", "amount_max"} <= set(data)
    assert data["amount_max"] == 2e6


def test_empty_and_numberless_text():
    assert find_money("") == []
    assert find_money("No figures in this sentence at all.") == []


def test_no_regex_is_compiled_per_call(monkeypatch):
    text = ("Police seized $4.2m, 300 million baht, 1.2亿元, 三千万元, ห้าพันล้านบาท, "
            "des milliards de dollars, between $1m and $2m and 20 million pesos.")
    expected = _shape(find_money(text))

    def compiled_per_call(*args, **kwargs):
        raise AssertionError("find_money compiled a regex per call")

    for name in ("compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "split"):
        monkeypatch.setattr(money_mod.re, name, compiled_per_call)
    assert _shape(find_money(text)) == expected
