"""Rule-based money extraction across languages and notations.

    find_money("Police seized $4.2m and 300 million baht")
    -> [Money("$4.2m", 4.2e6, "USD", ...), Money("300 million baht", 3e8, "THB", ...)]

How it reads a text (every regex is compiled once, at import):
1. every number is found: digits in any grouping ("5,000", "5.000", "5 000",
   "2,5", "1.234,56"), Thai and full-width digits, Chinese and Thai numerals
   ("三千万", "ห้าพันล้าน") and number words before a magnitude ("a million",
   "un milliard", "mil millones");
2. each number takes the magnitude words after it ("4.2m", "1.5 billion",
   "2,5 millions", "3000万", "5 พันล้าน", "5 crore", "mil millones") and a
   currency before ("US$", "€", "RM", "Rp", "฿") or after it ("baht", "de
   dollars américains", "美元", "USDT"). A number without a currency is not
   money: "300,000 people", "2 million victims", "45%", "2024" never are;
3. two neighbouring figures joined by "to", "-", "à", "至"... (or "and"/"et"/"y"
   after "between"/"entre") become one range: amount .. amount_max;
4. figures without digits are read as approximate lower bounds: "billions of
   dollars" -> 1e9, "hundreds of millions of dollars" -> 1e8, "des milliards de
   dollars", "miles de millones de dólares", "puluhan juta rupiah", "หลายพันล้านบาท",
   "数十亿美元", "multibillion-dollar".
A figure is `approx` when it is vague (step 4) or hedged ("about", "more than",
"près de", "más de", "sekitar", "กว่า", "约", "多", "$5m+").

Conventions: a bare "$" is USD (the project's sources report in US dollars;
"HK$", "S$", "A$", "NT$"... are their own currencies); "¥" is CNY unless lang
is "ja" or the text's other sums are in yen; bare "pesos", "shillings" and
"rupees" are PHP, KES and INR unless the same text names qualified ones
("pesos colombianos", "Ugandan shillings", "Sri Lankan rupees"), which they
then follow; "pounds"/"livres"/"won" are money only after a magnitude ("5
million pounds", not "5 pounds of meth"); "billion" is 1e12 when lang is "fr"
(French long scale), "billón" always 1e12; Mexican "mdd"/"mdp" carry their
million. US-dollar values come from nlp/data/usd_rates.toml (dated; see its
header); `usd` is None for a currency it does not list.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.gazetteer import casekey
from nlp.records import Money

__all__ = ["find_money", "usd_rates", "rates_date", "to_usd"]

RATES_PATH = Path(__file__).parent / "data" / "usd_rates.toml"


@lru_cache(maxsize=1)
def _rate_table() -> tuple[dict[str, float], str]:
    with RATES_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    rates = {str(k).upper(): float(v) for k, v in data["rates"].items()}
    return rates, str(data.get("meta", {}).get("date", ""))


def usd_rates() -> dict[str, float]:
    """US dollars per unit, by ISO 4217 code (a copy)."""
    return dict(_rate_table()[0])


def rates_date() -> str:
    """The date the rate table describes (ISO format)."""
    return _rate_table()[1]


def to_usd(amount: float, currency: str) -> float | None:
    rate = _rate_table()[0].get(currency.upper())
    return None if rate is None else round(amount * rate, 2)


# --------------------------------------------------------------------------
# Vocabulary

# Currency written before the number. Case-sensitive: "RM", "Rp", "USD".
PREFIXES: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "US $": "USD", "USD$": "USD",
    "USD": "USD", "$US": "USD", "$": "USD", "ဒေါ်လာ": "USD", "ကျပ်": "MMK",
    "HK$": "HKD", "HKD": "HKD", "S$": "SGD", "SG$": "SGD", "SGD": "SGD",
    "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "NZ$": "NZD", "NZD": "NZD",
    "C$": "CAD", "CA$": "CAD", "CAD": "CAD", "NT$": "TWD", "TWD": "TWD",
    "R$": "BRL", "MX$": "MXN", "MXN": "MXN",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "¥": "CNY", "CN¥": "CNY", "RMB": "CNY", "CNY": "CNY", "人民币": "CNY", "人民幣": "CNY",
    "JP¥": "JPY", "JPY": "JPY", "美元": "USD", "港币": "HKD", "港元": "HKD",
    "฿": "THB", "THB": "THB", "Bt": "THB", "Bt.": "THB",
    "₱": "PHP", "PHP": "PHP", "Php": "PHP", "PhP": "PHP",
    "RM": "MYR", "MYR": "MYR", "Rp": "IDR", "Rp.": "IDR", "IDR": "IDR",
    "Rs": "INR", "Rs.": "INR", "₹": "INR", "INR": "INR",
    "₫": "VND", "VND": "VND", "KHR": "KHR", "MMK": "MMK", "LAK": "LAK", "₭": "LAK",
    "KSh": "KES", "Ksh": "KES", "KShs": "KES", "KES": "KES", "USh": "UGX", "UGX": "UGX",
    "₦": "NGN", "NGN": "NGN", "₩": "KRW", "KRW": "KRW", "USDT": "USDT", "USDC": "USDC",
    "泰达币": "USDT", "泰達幣": "USDT", "COP": "COP", "ARS": "ARS", "CLP": "CLP",
}
# Prefixes that are also ordinary letters: only directly before a digit, and
# only when the figure has a magnitude or grouped thousands ("P1.2 billion",
# "P500,000", not "P5" or "Form P2").
STRICT_PREFIXES: dict[str, str] = {"P": "PHP", "Sh": "KES", "K": "MMK"}

# Currency written after the number (and its magnitude). Matched
# case-insensitively, longest first; codes are matched case-sensitively.
SUFFIX_WORDS: dict[str, str] = {
    # US dollar
    "dollars": "USD", "dollar": "USD", "us dollars": "USD", "u.s. dollars": "USD",
    "us dollar": "USD", "american dollars": "USD", "dollars américains": "USD",
    "dollars americains": "USD", "dollars us": "USD", "dollars des états-unis": "USD",
    "dólares": "USD", "dolares": "USD", "dólar": "USD", "dólares estadounidenses": "USD",
    "dólares americanos": "USD", "dólares de estados unidos": "USD",
    "dolar": "USD", "dolar as": "USD", "dolar amerika": "USD", "dolar amerika serikat": "USD",
    "đô la": "USD", "đô la mỹ": "USD", "đô-la": "USD", "dollari": "USD",
    "ดอลลาร์": "USD", "ดอลลาร์สหรัฐ": "USD", "ดอลลาร์สหรัฐฯ": "USD", "美元": "USD", "美金": "USD",
    # other dollars
    "hong kong dollars": "HKD", "hk dollars": "HKD", "dollars de hong kong": "HKD",
    "dollars hongkongais": "HKD", "港元": "HKD", "港币": "HKD", "港幣": "HKD",
    "singapore dollars": "SGD", "singaporean dollars": "SGD", "dollars de singapour": "SGD",
    "dollars singapouriens": "SGD", "新加坡元": "SGD", "新币": "SGD", "新元": "SGD",
    "australian dollars": "AUD", "dollars australiens": "AUD", "澳元": "AUD",
    "new zealand dollars": "NZD", "canadian dollars": "CAD", "dollars canadiens": "CAD",
    "taiwan dollars": "TWD", "new taiwan dollars": "TWD", "新台币": "TWD", "台币": "TWD",
    "新台幣": "TWD", "台幣": "TWD",
    # euro, pound
    "euros": "EUR", "euro": "EUR", "欧元": "EUR", "歐元": "EUR", "ยูโร": "EUR",
    "pounds sterling": "GBP", "sterling": "GBP", "british pounds": "GBP",
    "livres sterling": "GBP", "livres britanniques": "GBP", "libras esterlinas": "GBP", "英镑": "GBP", "英鎊": "GBP",
    "ปอนด์": "GBP",
    # Asia
    "baht": "THB", "bahts": "THB", "thai baht": "THB", "บาท": "THB", "泰铢": "THB", "泰銖": "THB",
    "yuan": "CNY", "yuans": "CNY", "chinese yuan": "CNY", "renminbi": "CNY",
    "yuan renminbi": "CNY", "元": "CNY", "元人民币": "CNY", "人民币": "CNY", "人民幣": "CNY",
    "หยวน": "CNY", "nhân dân tệ": "CNY",
    "yen": "JPY", "yens": "JPY", "yenes": "JPY", "japanese yen": "JPY", "yens japonais": "JPY", "日元": "JPY", "日圆": "JPY", "円": "JPY", "เยน": "JPY",
    "ringgit": "MYR", "malaysian ringgit": "MYR", "令吉": "MYR", "马币": "MYR", "林吉特": "MYR",
    "ริงกิต": "MYR",
    "pesos": "PHP", "peso": "PHP", "philippine pesos": "PHP", "pesos filipinos": "PHP",
    "pesos philippins": "PHP", "菲律宾比索": "PHP", "比索": "PHP", "เปโซ": "PHP",
    "pesos mexicanos": "MXN", "mexican pesos": "MXN", "pesos mexicains": "MXN",
    "pesos colombianos": "COP", "colombian pesos": "COP", "pesos colombiens": "COP",
    "pesos argentinos": "ARS", "argentine pesos": "ARS", "pesos chilenos": "CLP",
    "chilean pesos": "CLP",
    "rupiah": "IDR", "rupiahs": "IDR", "indonesian rupiah": "IDR", "印尼盾": "IDR",
    "รูเปียห์": "IDR",
    "kyat": "MMK", "kyats": "MMK", "myanmar kyat": "MMK", "缅币": "MMK", "缅元": "MMK",
    "จ๊าด": "MMK", "ကျပ်": "MMK",
    "riel": "KHR", "riels": "KHR", "cambodian riel": "KHR", "瑞尔": "KHR", "柬埔寨瑞尔": "KHR",
    "เรียล": "KHR", "រៀល": "KHR",
    "dong": "VND", "đồng": "VND", "vietnamese dong": "VND", "越南盾": "VND", "ด่ง": "VND",
    "vnđ": "VND", "đ": "VND",
    "ដុល្លារ": "USD", "ໂດລາ": "USD", "ກີບ": "LAK", "ဒေါ်လာ": "USD",
    "kip": "LAK", "kips": "LAK", "lao kip": "LAK", "基普": "LAK", "กีบ": "LAK",
    "rupees": "INR", "rupee": "INR", "indian rupees": "INR", "roupies": "INR",
    "rupias": "INR", "卢比": "INR", "รูปี": "INR",
    "nepalese rupees": "NPR", "sri lankan rupees": "LKR", "pakistani rupees": "PKR",
    "taka": "BDT", "won": "KRW", "south korean won": "KRW", "korean won": "KRW", "韩元": "KRW",
    "kenyan shillings": "KES", "ugandan shillings": "UGX", "tanzanian shillings": "TZS",
    "shillings": "KES", "shilling": "KES", "shillings ougandais": "UGX", "shillings kényans": "KES",
    "shillings kenyans": "KES", "shillings tanzaniens": "TZS", "chelines ugandeses": "UGX",
    "chelines kenianos": "KES", "chelines": "KES", "roupies indiennes": "INR", "rupias indias": "INR",
    "ringgits": "MYR", "bahts thaïlandais": "THB", "baht thaïlandais": "THB", "yuans chinois": "CNY", "肯尼亚先令": "KES", "乌干达先令": "UGX",
    "坦桑尼亚先令": "TZS", "先令": "KES",
    "sri lankan rupees": "LKR", "roupies srilankaises": "LKR", "roupies sri-lankaises": "LKR",
    "nepali rupees": "NPR",
    "naira": "NGN", "rand": "ZAR", "dirhams": "AED", "dirham": "AED", "dírhams": "AED",
    "dírham": "AED", "uae dirhams": "AED", "emirati dirhams": "AED", "迪拉姆": "AED",
    "soles": "PEN", "nuevos soles": "PEN", "reales": "BRL", "reais": "BRL",
    "birr": "ETB", "ethiopian birr": "ETB", "ariary": "MGA", "cedis": "GHS", "cedi": "GHS",
    "kwacha": "ZMW", "namibian dollars": "NAD", "dollars namibiens": "NAD",
    "francs cfa": "XOF", "cfa francs": "XOF",
    # crypto
    "tether": "USDT", "tethers": "USDT", "泰达币": "USDT", "泰達幣": "USDT",
    "usdt": "USDT", "usdc": "USDC",
}
# Words too common (or too short) to be read as a currency from ISO names alone.
_ISO_NAME_STOPWORDS = {"sol", "som", "won", "rand", "lek", "lari", "kina", "tala", "pula", "dobra",
                       "mvdol", "denar", "balboa", "gourde", "loti", "real", "mark"}


def _iso_currency_words() -> dict[str, str]:
    """English ISO 4217 names from pycountry ("Zambian Kwacha", "Ghana Cedi", "Forint")
    with their plurals, for currencies not written out above. Single-word names only
    when they name one currency and are not ordinary words."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency
        return {}
    words: dict[str, str] = {}
    for currency in pycountry.currencies:
        name, code = currency.name, currency.alpha_3
        if code.startswith("X") and code not in ("XOF", "XAF"):
            continue  # precious metals, testing codes, units of account
        if not re.fullmatch(r"[A-Za-z\u00c0-\u00ff' ]+", name):
            continue
        key = name.lower()
        if " " not in key and key in _ISO_NAME_STOPWORDS:
            continue
        words.setdefault(key, code)
        if not key.endswith("s"):
            words.setdefault(key + "s", code)
    return words


SUFFIX_WORDS = {**_iso_currency_words(), **SUFFIX_WORDS}  # the curated entries win

SUFFIX_CODES: dict[str, str] = {
    code: code for code in (
        "USD", "EUR", "GBP", "THB", "CNY", "HKD", "SGD", "AUD", "NZD", "CAD", "TWD", "JPY",
        "KRW", "MYR", "PHP", "IDR", "MMK", "KHR", "VND", "LAK", "INR", "KES", "UGX", "NGN",
        "USDT", "USDC", "CHF", "AED", "BDT", "PKR", "LKR", "NPR", "BRL", "MXN", "ZAR", "COP",
        "ARS", "CLP", "PEN", "ETB", "MGA", "GHS", "ZMW", "NAD", "XOF")
} | {"RMB": "CNY", "USDt": "USDT", "€": "EUR", "$": "USD", "$US": "USD", "$ US": "USD",
     "US$": "USD", "£": "GBP", "₫": "VND", "฿": "THB", "₱": "PHP", "¥": "CNY"}
# Ambiguous words that are money only after a magnitude ("5 million pounds",
# "3 million won"), never after a bare number ("5 pounds", "they won 3").
WEAK_SUFFIXES = {"pounds": "GBP", "livres": "GBP", "won": "KRW", "rand": "ZAR", "taka": "BDT"}

# Magnitude words after a number -> multiplier. Several in a row multiply
# ("mil millones", "พันล้าน", "千万", "nghìn tỷ").
MAGNITUDES: dict[str, float] = {
    "thousand": 1e3, "thousands": 1e3, "million": 1e6, "millions": 1e6,
    "billion": 1e9, "billions": 1e9, "trillion": 1e12, "trillions": 1e12,
    "mille": 1e3, "milliers": 1e3, "milliard": 1e9, "milliards": 1e9,
    "mil": 1e3, "millón": 1e6, "millon": 1e6, "millones": 1e6, "billón": 1e12,
    "billones": 1e12, "milhão": 1e6, "milhões": 1e6, "bilhão": 1e9, "bilhões": 1e9,
    "millionen": 1e6, "milliarden": 1e9,
    "ribu": 1e3, "juta": 1e6, "miliar": 1e9, "milyar": 1e9, "triliun": 1e12,
    "bilion": 1e9, "trilion": 1e12, "milyon": 1e6, "bilyon": 1e9,
    "nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9,
    "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "crore": 1e7, "crores": 1e7,
    "ពាន់": 1e3, "ម៉ឺន": 1e4, "សែន": 1e5, "លាន": 1e6, "ប៊ីលាន": 1e9,  # Khmer
    "ພັນ": 1e3, "ລ້ານ": 1e6, "ຕື້": 1e9,  # Lao
    "ထောင်": 1e3, "သောင်း": 1e4, "သိန်း": 1e5, "သန်း": 1e6, "ဘီလီယံ": 1e9,  # Burmese
    "พัน": 1e3, "หมื่น": 1e4, "แสน": 1e5, "ล้าน": 1e6,
    "十": 10.0, "百": 100.0, "千": 1e3, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,
}
# Abbreviations: only right after the digits ("$4.2m", "$1.5bn", "500k"), or
# after one space for the unambiguous ones ("$1.5 bn", "2,5 M€").
ABBREVIATIONS: dict[str, float] = {
    "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "mn": 1e6, "mln": 1e6, "MM": 1e6,
    "b": 1e9, "B": 1e9, "bn": 1e9, "Bn": 1e9, "bln": 1e9, "tn": 1e12, "trn": 1e12,
    "Md": 1e9, "Mds": 1e9, "Mrd": 1e9, "Mrds": 1e9, "Mio": 1e6, "cr": 1e7,
    "bil": 1e9, "mil": 1e6,  # Malaysian press: "RM1.2bil", "RM500mil" (spaced "mil" is Spanish 1e3)
}
SPACED_ABBREVIATIONS = {"mn", "mln", "bn", "Bn", "bln", "tn", "trn", "Mds", "Mrd", "Mrds", "Mio", "cr", "MM", "Md"}

# Number words, only before a magnitude ("a million dollars", "deux milliards").
NUMBER_WORDS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100,
    "several hundred": 100, "a few": 1, "several": 1, "a few hundred": 100, "half a": 0.5,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "vingt": 20, "cinquante": 50, "cent": 100,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "veinte": 20, "cincuenta": 50,
    "cien": 100, "mil": 1000,
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "sepuluh": 10, "seratus": 100,
}
VAGUE_PREFIX_WORDS = {"several hundred", "a few", "several", "a few hundred"}

# Hedges before a figure make it approximate.
HEDGES = (
    "about", "around", "roughly", "approximately", "approx.", "nearly", "almost", "some",
    "an estimated", "estimated", "more than", "over", "at least", "up to", "upwards of",
    "in excess of", "close to", "as much as", "as many as", "less than", "under", "just over",
    "just under", "several", "many",
    "environ", "près de", "pres de", "plus de", "quelque", "quelques", "au moins", "jusqu'à",
    "jusqu’à", "presque", "moins de", "plusieurs",
    "más de", "mas de", "casi", "cerca de", "alrededor de", "unos", "unas", "aproximadamente",
    "al menos", "hasta", "menos de", "varios",
    "sekitar", "lebih dari", "hampir", "kurang lebih", "setidaknya", "hingga", "puluhan",
    "ratusan", "khoảng", "hơn", "gần", "hàng",
    "ประมาณ", "เกือบ", "กว่า", "ราว", "ราวๆ", "อย่างน้อย", "หลาย", "นับ", "เกิน",
    "约", "約", "大约", "大約", "近", "将近", "超过", "超過", "逾", "多达", "上", "数", "數",
    "几", "幾", "至少",
)
HEDGE_SUFFIXES = ("+", "多", "余", "餘", "กว่า", "-odd")

# Range connectors between two figures. "and"-like ones need a lead word
# ("between $1m and $2m"); the others stand alone ("$1m-$2m", "1 to 2 million").
RANGE_CONNECTORS = ("-", "–", "—", "to", "à", "a", "hasta", "hingga", "sampai", "ถึง",
                    "至", "到", "~", "～", "đến")
RANGE_AND = ("and", "et", "y", "dan", "และ", "và")
RANGE_LEADS = ("between", "entre", "antara", "ระหว่าง", "từ", "from", "de", "介于", "在")

# Vague amounts: "[multiplier of] <plural magnitude> of <currency>".
VAGUE_MULTIPLIERS: dict[str, float] = {
    "hundreds of": 100, "tens of": 10, "dozens of": 10, "several": 1, "many": 1,
    "des centaines de": 100, "des dizaines de": 10, "centaines de": 100,
    "dizaines de": 10, "plusieurs": 1, "des": 1, "quelques": 1,
    "cientos de": 100, "decenas de": 10, "varios": 1, "unos": 1,
    "ratusan": 100, "puluhan": 10, "beberapa": 1, "hàng trăm": 100, "hàng chục": 10, "hàng": 1,
    "nhiều": 1,
}
VAGUE_MAGNITUDES: dict[str, float] = {
    "thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12,
    "milliers": 1e3, "milliards": 1e9,
    "miles de millones": 1e9, "millones": 1e6, "miles": 1e3, "billones": 1e12,
    "ribuan": 1e3, "jutaan": 1e6, "miliaran": 1e9, "triliunan": 1e12,
    # singular ones count only after a multiplier ("puluhan juta", "hàng tỷ")
    "juta": 1e6, "miliar": 1e9, "triliun": 1e12, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9,
    "nghìn tỷ": 1e12,
}
VAGUE_SINGULAR = {"juta", "miliar", "triliun", "triệu", "tỷ", "tỉ", "nghìn tỷ"}

# Chinese and Thai numerals: digits and multipliers.
CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "三": 3,
              "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CJK_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CJK_BIG = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
THAI_DIGITS = {"หนึ่ง": 1, "เอ็ด": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4, "ห้า": 5,
               "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9}
THAI_SMALL = {"สิบ": 10, "ร้อย": 100, "พัน": 1000, "หมื่น": 1e4, "แสน": 1e5}
THAI_BIG = {"ล้าน": 1e6}

# --------------------------------------------------------------------------
# Compiled patterns


def _alt(words, escape=True) -> str:
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in items)


_LETTER = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_END = rf"(?![{_LETTER}])"  # a Latin word ends here
_SP = "[ \u00a0\u202f\u2009]"  # one space of any width
_DIGIT_MAP = str.maketrans({**{chr(0x0E50 + i): str(i) for i in range(10)},  # Thai
                            **{chr(0x0ED0 + i): str(i) for i in range(10)},  # Lao
                            **{chr(0x1040 + i): str(i) for i in range(10)},  # Burmese
                            **{chr(0x17E0 + i): str(i) for i in range(10)},  # Khmer
                            **{chr(0xFF10 + i): str(i) for i in range(10)}})  # full width


def _latin_or_not(word: str) -> str:
    """A word pattern; Latin words must end at a word boundary."""
    return re.escape(word) + (_END if re.search(f"[{_LETTER}.]$", word) else "")


def _words_pattern(words) -> str:
    return "|".join(_latin_or_not(w) for w in sorted(set(words), key=len, reverse=True))


# Digits: grouped thousands ("5,000", "5.000", "5 000" with a thin or
# no-break space) or plain with an optional decimal part.
_GROUPED = r"\d{1,3}(?:(?P<sep>[,.\u00a0\u202f\u2009'])\d{3})(?:(?P=sep)\d{3})*(?:[.,]\d+)?"
_GROUPED_SPACE = r"\d{1,3}(?: \d{3})+(?:,\d+)?"
_PLAIN = r"\d+(?:[.,]\d+)?"
_WORDNUM = (rf"(?i:(?<![{_LETTER}])(?:{_alt(NUMBER_WORDS)})){_SP}+"
            rf"(?=(?i:{_words_pattern(MAGNITUDES)}))")
_CJK_NUM = f"[{''.join(CJK_DIGITS)}{''.join(CJK_SMALL)}{''.join(CJK_BIG)}]+"
_THAI_NUM = f"(?:{_alt(list(THAI_DIGITS) + list(THAI_SMALL) + list(THAI_BIG))})+"


def _number_re(space_groups: bool) -> re.Pattern[str]:
    grouped = f"{_GROUPED_SPACE}|{_GROUPED}" if space_groups else _GROUPED
    return re.compile(
        rf"(?P<digits>(?<!\d)(?<!\d[.,])(?:{grouped}|{_PLAIN})(?![\d]))"
        rf"|(?P<word>{_WORDNUM})"
        rf"|(?P<cjk>{_CJK_NUM})"
        rf"|(?P<thai>{_THAI_NUM})")


NUMBER_RE = _number_re(space_groups=False)
NUMBER_SPACED_RE = _number_re(space_groups=True)  # French "5 000 euros"

_HEDGE_SUFFIX = "|".join(re.escape(s) for s in HEDGE_SUFFIXES if s not in ("+", "-odd"))
MAGNITUDE_WORD_RE = re.compile(
    rf"(?:{_SP}|-)?(?P<hedge>{_HEDGE_SUFFIX})?{_SP}?(?P<mag>(?i:{_words_pattern(MAGNITUDES)}))")
ABBREVIATION_RE = re.compile(
    rf"(?P<space>{_SP})?(?P<abbr>{_alt(ABBREVIATIONS)})(?:(?![{_LETTER}])|(?=[€$]))")
# Units that carry their own scale: Mexican "mdd" (millones de dólares),
# "mdp" (millones de pesos), "mmdd" (miles de millones de dólares).
SCALED_UNITS = {"mdd": ("USD", 1e6), "mdp": ("MXN", 1e6), "mmdd": ("USD", 1e9)}
SCALED_UNIT_RE = re.compile(rf"{_SP}?(?P<unit>(?i:mmdd|mdd|mdp)){_END}")
HEDGE_AFTER_RE = re.compile(rf"{_SP}?(?:{_HEDGE_SUFFIX})|\+|-odd{_END}")

# A code or symbol followed by digits belongs to the next figure ("2023 USD 5m").
_SUFFIX_ALTS = (f"(?i:{_words_pattern(SUFFIX_WORDS)})"
                f"|(?:{_alt(SUFFIX_CODES)})(?![A-Za-z])(?!{_SP}?\\d)")
SUFFIX_RE = re.compile(
    rf"(?:{_SP}|-)?(?:(?i:de|d['’]){_SP}?)?(?P<cur>{_SUFFIX_ALTS})(?![A-Za-z])")
WEAK_SUFFIX_RE = re.compile(
    rf"{_SP}?(?:(?i:de|d['’]){_SP}?)?(?P<cur>(?i:{_words_pattern(WEAK_SUFFIXES)}))")
# Currency before the figure: searched in a short window that ends where
# the number starts.
PREFIX_RE = re.compile(
    rf"(?<![{_LETTER}$])(?P<cur>{_alt(PREFIXES)}){_SP}?$")
STRICT_PREFIX_RE = re.compile(rf"(?<![{_LETTER}\d])(?P<cur>{_alt(STRICT_PREFIXES)})$")
HEDGE_BEFORE_RE = re.compile(
    rf"(?:(?<![{_LETTER}])(?i:{_alt(HEDGES)})){_SP}*$")
_CONNECTOR = re.compile(
    rf"{_SP}*(?:(?P<dash>[-–—~～])|(?P<to>(?i:{_alt(RANGE_CONNECTORS)}))|(?P<and>(?i:{_alt(RANGE_AND)}))){_SP}*$")
_LEAD_RE = re.compile(rf"(?:(?<![{_LETTER}])(?i:{_alt(RANGE_LEADS)})){_SP}*$")

VAGUE_RE = re.compile(
    rf"(?<![{_LETTER}\d])(?:(?P<mult>(?i:{_words_pattern(VAGUE_MULTIPLIERS)})){_SP}+)?"
    rf"(?P<mag>(?i:{_words_pattern(VAGUE_MAGNITUDES)})){_SP}+"
    rf"(?P<conn>(?i:of|de|d['’]){_SP}?)?")
ADJECTIVE_RE = re.compile(
    rf"(?i:(?<![{_LETTER}])(?:multi-?|multi{_SP})(?P<mag>million|billion|trillion)[- ]dollar)")

_PREFIX_WINDOW = 8
_HEDGE_WINDOW = 24
_LEAD_WINDOW = 12


def _key(s: str) -> str:
    return casekey(" ".join(s.replace("’", "'").split()))


_SUFFIX_LOOKUP = {_key(k): v for k, v in SUFFIX_WORDS.items()}
_WEAK_LOOKUP = {_key(k): v for k, v in WEAK_SUFFIXES.items()}
_MAG_LOOKUP = {_key(k): v for k, v in MAGNITUDES.items()}
_NUMWORD_LOOKUP = {_key(k): v for k, v in NUMBER_WORDS.items()}
_VAGUE_MULT_LOOKUP = {_key(k): v for k, v in VAGUE_MULTIPLIERS.items()}
_VAGUE_MAG_LOOKUP = {_key(k): v for k, v in VAGUE_MAGNITUDES.items()}
_SCALED_LOOKUP = {_key(k): v for k, v in SCALED_UNITS.items()}


# --------------------------------------------------------------------------
# Parsing helpers


def parse_digits(s: str) -> float:
    """'5,000' -> 5000; '2,5' -> 2.5; '1.234,56' -> 1234.56; '5 000' -> 5000."""
    s = s.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ").replace("'", " ")
    s = s.replace(" ", "")
    has_comma, has_dot = "," in s, "." in s
    if has_comma and has_dot:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        s = s.replace(thousands, "").replace(decimal, ".")
    elif has_comma or has_dot:
        sep = "," if has_comma else "."
        head, _, tail = s.rpartition(sep)
        if s.count(sep) > 1 or (len(tail) == 3 and 0 < len(head) <= 3 and head != "0"):
            s = s.replace(sep, "")
        else:
            s = s.replace(sep, ".")
    return float(s)


_CJK_TOKEN_RE = re.compile(_alt(list(CJK_DIGITS) + list(CJK_SMALL) + list(CJK_BIG)))
_THAI_TOKEN_RE = re.compile(_alt(list(THAI_DIGITS) + list(THAI_SMALL) + list(THAI_BIG)))


def _parse_numeral(s: str, token_re: re.Pattern[str], digits: dict, small: dict,
                   big: dict) -> float:
    """Chinese or Thai numerals: '三千五百万' -> 3.5e7, 'ห้าพันล้าน' -> 5e9."""
    tokens = token_re.findall(s)
    result = 0.0
    section = 0.0
    digit: float | None = None
    for tok in tokens:
        if tok in digits:
            digit = digits[tok]
        elif tok in small:
            section += (1 if digit is None else digit) * small[tok]
            digit = None
        else:  # a big multiplier closes a section
            section += digit or 0
            digit = None
            if section == 0:
                result = (result or 1) * big[tok]
            else:
                result += section * big[tok]
            section = 0.0
    return result + section + (digit or 0)


def _cjk_value(s: str) -> float:
    return _parse_numeral(s, _CJK_TOKEN_RE, CJK_DIGITS, CJK_SMALL, CJK_BIG)


def _thai_value(s: str) -> float:
    return _parse_numeral(s, _THAI_TOKEN_RE, THAI_DIGITS, THAI_SMALL, THAI_BIG)


@dataclass(slots=True)
class _Figure:
    """A number with what was read around it (currency may still be None)."""

    start: int
    end: int
    value: float  # raw x magnitude
    raw: float  # the number as written
    scaled: bool  # a magnitude word followed it
    currency: str | None
    approx: bool
    grouped: bool  # written with thousands separators


def _number_value(n: re.Match[str]) -> tuple[float, int, bool] | None:
    """Value of a NUMBER_RE match, where it ends, and whether it had grouped thousands."""
    kind = n.lastgroup
    raw_text = n.group(kind)
    if kind == "digits":
        return parse_digits(raw_text), n.end(), bool(n.group("sep")) or " " in raw_text
    if kind == "word":
        raw, end = _NUMWORD_LOOKUP[_key(raw_text)], n.start() + len(raw_text.rstrip())
    elif kind == "cjk":
        raw, end = _cjk_value(raw_text), n.end()
    else:
        raw, end = _thai_value(raw_text), n.end()
    return (raw, end, False) if raw > 0 else None


def _magnitude(text: str, pos: int, lang: str | None) -> tuple[float, int, bool]:
    """Multiplier of the magnitude words at pos, the end, and a hedge seen."""
    mult, hedge = 1.0, False
    m = ABBREVIATION_RE.match(text, pos)
    if m and (not m.group("space") or m.group("abbr") in SPACED_ABBREVIATIONS
              or (m.group("abbr") == "M" and m.end() < len(text) and text[m.end()] in "€$")):
        # "M" before a currency symbol is French "M€"/"M$".
        return ABBREVIATIONS[m.group("abbr")], m.end(), False
    while True:
        m = MAGNITUDE_WORD_RE.match(text, pos)
        if not m:
            break
        word = _key(m.group("mag"))
        value = _MAG_LOOKUP[word]
        if lang == "fr" and word in ("billion", "billions"):
            value = 1e12
        mult *= value
        hedge = hedge or bool(m.group("hedge"))
        pos = m.end()
    return mult, pos, hedge


def _suffix(text: str, pos: int, scaled: bool, weak: bool = True) -> tuple[str | None, int]:
    """Currency written after pos. Weak words ("pounds", "livres", "won") count only
    after a number with a magnitude (scaled), never after a vague one (weak=False)."""
    m = SUFFIX_RE.match(text, pos)
    if m:
        cur = m.group("cur")
        code = SUFFIX_CODES.get(cur) or _SUFFIX_LOOKUP.get(_key(cur))
        if code and not (_key(cur) in _WEAK_LOOKUP and not (scaled and weak)):
            return code, m.end()
    if scaled and weak:
        m = WEAK_SUFFIX_RE.match(text, pos)
        if m:
            return _WEAK_LOOKUP[_key(m.group("cur"))], m.end()
    return None, pos


def _prefix(text: str, start: int, scaled: bool, grouped: bool,
            lang: str | None, floor: int) -> tuple[str | None, int]:
    window = max(floor, start - _PREFIX_WINDOW)
    m = PREFIX_RE.search(text, window, start)
    if m:
        cur = m.group("cur")
        code = PREFIXES[cur]
        if cur == "¥" and lang == "ja":
            code = "JPY"
        return code, m.start()
    m = STRICT_PREFIX_RE.search(text, window, start)
    if m and (scaled or grouped):
        return STRICT_PREFIXES[m.group("cur")], m.start()
    return None, start


def _hedged_before(text: str, start: int) -> bool:
    return HEDGE_BEFORE_RE.search(text, max(0, start - _HEDGE_WINDOW), start) is not None


# Hedges that are part of a numeral ("数十亿", "หลายพันล้าน") join the figure's text.
NUMERAL_HEDGE_RE = re.compile("(?:หลาย|นับ|数|數|几|幾|上|逾|近)$")


# --------------------------------------------------------------------------
# The extractor


def find_money(text: str, lang: str | None = None) -> list[Money]:
    """Every sum of money in text, in order, with character offsets into text."""
    if not text:
        return []
    lang = (lang or "").split("-")[0].lower() or None
    norm = text.translate(_DIGIT_MAP)  # same length: offsets stay valid
    figures = _figures(norm, lang)
    results = _ranges(norm, figures)
    results.extend(_vague(norm, results))
    results.sort(key=lambda m: m.start)
    for money in results:
        money.text = text[money.start:money.end]
    _bare_words_follow_context(results)
    _yen_sign_follows_context(results)
    return results


def _yen_sign_follows_context(results: list[Money]) -> None:
    """"¥" means yen in a text whose other sums are in yen ("¥500 billion ... 3 trillion yen")."""
    signs = [m for m in results if m.currency == "CNY" and m.text.startswith("¥")]
    if not signs:
        return
    others = {m.currency for m in results if not m.text.startswith("¥")}
    if "JPY" in others and "CNY" not in others:
        for m in signs:
            m.currency = "JPY"
            m.usd = to_usd(m.amount, "JPY")


# Currency words shared by several countries: bare, they mean the default
# currency; when the same text names a qualified one ("pesos colombianos",
# "Ugandan shillings", "Sri Lankan rupees"), the bare ones follow it.
_FAMILIES = {"peso": "PHP", "shilling": "KES", "chelin": "KES", "rupee": "INR", "roupie": "INR",
             "rupia": "INR", "先令": "KES"}
_QUALIFIED = {root: tuple(k for k in _SUFFIX_LOOKUP if root in k and k.rstrip("s") != root)
              for root in _FAMILIES}


def _bare_words_follow_context(results: list[Money]) -> None:
    """Bare "pesos"/"shillings"/"rupees" take the currency of the qualified ones
    in the same text ("20 billones de pesos colombianos ... 150.000 millones de pesos")."""
    for root, default in _FAMILIES.items():
        family = [(m, _key(m.text)) for m in results if root in _key(m.text)]
        if len(family) < 2:
            continue
        qualified = {m.currency for m, low in family if any(k in low for k in _QUALIFIED[root])}
        if len(qualified) != 1:
            continue
        (currency,) = qualified
        for m, low in family:
            if m.currency == default and currency != default and not any(
                    k in low for k in _QUALIFIED[root]):
                m.currency = currency
                m.usd = to_usd(m.amount, currency)


def _figures(text: str, lang: str | None) -> list[_Figure]:
    number_re = NUMBER_SPACED_RE if lang in (None, "fr") else NUMBER_RE
    figures: list[_Figure] = []
    consumed = 0
    for n in number_re.finditer(text):
        if n.start() < consumed:
            continue
        kind = n.lastgroup
        number = _number_value(n)
        if number is None:
            continue
        raw, end, grouped = number
        approx = kind == "word" and _key(n.group(kind)) in VAGUE_PREFIX_WORDS
        mult, end2, hedge = _magnitude(text, end, lang)
        scaled = end2 > end or kind in ("cjk", "thai") and raw >= 1e4
        if kind == "word" and end2 == end:
            continue
        end = end2
        approx = approx or hedge
        h = HEDGE_AFTER_RE.match(text, end)
        if h and not SUFFIX_RE.match(text, end):
            approx, end = True, h.end()
            mult2, end2, _ = _magnitude(text, end, lang)  # "3000多万"
            if end2 > end:
                mult, end, scaled = mult * mult2, end2, True
        unit = SCALED_UNIT_RE.match(text, end)
        if unit:
            code, factor = _SCALED_LOOKUP[_key(unit.group("unit"))]
            mult, scaled = mult * factor, True
        value = raw * mult
        if unit:
            cur, suffix_end = code, unit.end()
        else:
            cur, suffix_end = _suffix(text, end, scaled or kind in ("cjk", "thai"))
        start = n.start()
        pcur, pstart = _prefix(text, start, scaled, grouped, lang, consumed)
        if pcur and (cur is None or cur == pcur):
            cur, start = pcur, pstart
            if suffix_end > end and _suffix(text, end, True)[0] == pcur:
                end = suffix_end
        elif cur:
            end = suffix_end
        if cur:
            h = HEDGE_AFTER_RE.match(text, end)
            if h and text[end:h.end()].strip() in ("+", "กว่า", "多", "余", "餘"):
                approx, end = True, h.end()
            approx = approx or _hedged_before(text, start)
            if kind in ("cjk", "thai") and start == n.start():
                h = NUMERAL_HEDGE_RE.search(text, max(consumed, start - 4), start)
                if h:
                    start = h.start()
        consumed = end
        figures.append(_Figure(start, end, value, raw, scaled, cur, approx, grouped))
    return figures


def _ranges(text: str, figures: list[_Figure]) -> list[Money]:
    out: list[Money] = []
    i = 0
    while i < len(figures):
        a = figures[i]
        b = figures[i + 1] if i + 1 < len(figures) else None
        merged = _merge_range(text, a, b) if b else None
        if merged:
            out.append(merged)
            i += 2
            continue
        if a.currency:
            out.append(_money(a.start, a.end, a.value, a.currency, a.approx))
        i += 1
    return out


def _merge_range(text: str, a: _Figure, b: _Figure) -> Money | None:
    if a.currency and b.currency and a.currency != b.currency:
        return None
    currency = b.currency or a.currency
    if not currency:
        return None
    between = text[a.end:b.start]
    if len(between) > 12:
        return None
    c = _CONNECTOR.match(between)
    if not c or c.end() != len(between):
        return None
    start = a.start
    lead = _LEAD_RE.search(text, max(0, start - _LEAD_WINDOW), start)
    if c.group("and") and not lead:
        return None
    low = a.value
    if not a.scaled and b.scaled and a.raw < b.raw:
        low = a.raw * (b.value / b.raw)  # "$1-2 million": 1 takes the million
    if not low < b.value:
        return None
    if not a.currency and b.currency and a.raw >= 1900 and a.raw <= 2100 and not a.grouped:
        return None  # "2023-2024 ..." years, not an amount
    if lead:
        start = lead.start()
    return _money(start, b.end, low, currency, a.approx or b.approx, amount_max=b.value)


def _money(start: int, end: int, amount: float, currency: str, approx: bool,
           amount_max: float | None = None) -> Money:
    amount = float(round(amount, 6))
    return Money(text="", amount=amount, currency=currency, usd=to_usd(amount, currency),
                 approx=approx, start=start, end=end,
                 amount_max=None if amount_max is None else float(round(amount_max, 6)))


def _vague(text: str, found: list[Money]) -> list[Money]:
    taken = [(m.start, m.end) for m in found]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    out: list[Money] = []
    for m in VAGUE_RE.finditer(text):
        mag = _key(m.group("mag"))
        mult = m.group("mult")
        if mag in VAGUE_SINGULAR and not mult:
            continue
        cur, end = _suffix(text, m.end(), True, weak=False)
        if not cur:
            continue
        amount = _VAGUE_MAG_LOOKUP[mag] * (_VAGUE_MULT_LOOKUP[_key(mult)] if mult else 1)
        start = m.start()
        if free(start, end):
            out.append(_money(start, end, amount, cur, True))
            taken.append((start, end))
    for m in ADJECTIVE_RE.finditer(text):
        if free(m.start(), m.end()):
            out.append(_money(m.start(), m.end(), _MAG_LOOKUP[_key(m.group("mag"))], "USD", True))
    return out
