"""Rule-based money extraction across languages and notations.

    find_money("Police seized $4.2m and 300 million baht")
    -> [Money("$4.2m", 4.2e6, "USD", ...), Money("300 million baht", 3e8, "THB", ...)]

Every word list (currency marks, magnitudes, hedges, range words, numerals,
country defaults) is data: nlp/data/money_words.toml.

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
"HK$", "S$", "A$", "NT$"... are their own currencies) unless the source's country
says otherwise (find_money(..., country=): "$" in a Singapore paper is SGD, in a
Mexican one MXN; "元" in a Taiwanese one TWD; "kr" in a Danish one DKK; [country_*] in money_words.toml);
cryptocurrencies are money in their own code ("127,271 bitcoin" -> BTC, ETH, USDT); "¥" is CNY unless lang
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

import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.cache import content_key, load_or_build
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
# (nlp/data/money_words.toml: every word list below comes from there)

WORDS_PATH = Path(__file__).parent / "data" / "money_words.toml"


def _load_words() -> dict:
    with WORDS_PATH.open("rb") as fh:
        return tomllib.load(fh)


_W = _load_words()
_L = _W["lists"]

PREFIXES: dict[str, str] = _W["prefixes"]
STRICT_PREFIXES: dict[str, str] = _W["strict_prefixes"]
SUFFIX_WORDS: dict[str, str] = _W["suffix_words"]
_ISO_NAME_STOPWORDS = set(_L["iso_name_stopwords"])


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




# Walking pycountry's tables is a fifth of this module's import: built once into the cache.
_ISO_WORDS = load_or_build(None, "iso-currency-words",
                           content_key([__file__, WORDS_PATH],
                                       packages=("pycountry",)),
                           _iso_currency_words)
SUFFIX_WORDS = {**_ISO_WORDS, **SUFFIX_WORDS}  # the curated entries win
SUFFIX_CODES: dict[str, str] = _W["suffix_codes"]
WEAK_SUFFIXES: dict[str, str] = _W["weak_suffixes"]
MAGNITUDES: dict[str, float] = _W["magnitudes"]
ABBREVIATIONS: dict[str, float] = _W["abbreviations"]
SPACED_ABBREVIATIONS = set(_L["spaced_abbreviations"])
NUMBER_WORDS: dict[str, float] = _W["number_words"]
VAGUE_PREFIX_WORDS = set(_L["vague_prefix_words"])
HEDGES = tuple(_L["hedges"])
HEDGE_SUFFIXES = tuple(_L["hedge_suffixes"])
RANGE_CONNECTORS = tuple(_L["range_connectors"])
RANGE_AND = tuple(_L["range_and"])
RANGE_LEADS = tuple(_L["range_leads"])
VAGUE_MULTIPLIERS: dict[str, float] = _W["vague_multipliers"]
VAGUE_MAGNITUDES: dict[str, float] = _W["vague_magnitudes"]
VAGUE_SINGULAR = set(_L["vague_singular"])
CJK_DIGITS: dict[str, float] = _W["cjk_digits"]
CJK_SMALL: dict[str, float] = _W["cjk_small"]
CJK_BIG: dict[str, float] = _W["cjk_big"]
THAI_DIGITS: dict[str, float] = _W["thai_digits"]
THAI_SMALL: dict[str, float] = _W["thai_small"]
THAI_BIG: dict[str, float] = _W["thai_big"]
SCALED_UNITS: dict[str, tuple[str, float]] = {k: (v[0], float(v[1])) for k, v in _W["scaled_units"].items()}
_FAMILIES: dict[str, str] = _W["families"]
COUNTRY_SIGN: dict[str, str] = _W["country_sign"]
COUNTRY_DOLLAR: dict[str, str] = _W["country_dollar"]
COUNTRY_YUAN: dict[str, str] = _W["country_yuan"]
COUNTRY_YEN: dict[str, str] = _W["country_yen"]
COUNTRY_KRONA: dict[str, str] = _W["country_krona"]
COUNTRY_FAMILIES: dict[str, dict[str, str]] = _W["country_families"]


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


def _words_pattern(words) -> str:
    # Longest first, as one alternation; a run of neighbours that all need the Latin word
    # end shares one boundary: (?:a|b)END tries a then b exactly as aEND|bEND does, and
    # compiles in a sixth of the time (this pattern was most of the module's import cost).
    items = sorted(set(words), key=len, reverse=True)
    runs = itertools.groupby(items, key=lambda w: bool(re.search(f"[{_LETTER}.]$", w)))
    return "|".join(f"(?:{'|'.join(map(re.escape, run))}){_END}" if latin
                    else "|".join(map(re.escape, run)) for latin, run in runs)


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

_MIL_TAIL = re.compile(rf"{_SP}(\d{{1,3}})(?![\d.,])")
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


def find_money(text: str, lang: str | None = None, country: str | None = None) -> list[Money]:
    """Every sum of money in text, in order, with character offsets into text.
    country (ISO 3166-1 alpha-2 of the publishing source) reads ambiguous marks:
    "$" in a Singapore paper is SGD, "元" in a Taiwanese one TWD (money_words.toml)."""
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
    if country:
        _marks_follow_country(results, country.upper())
    return results


# "$", "dollars", "元" qualified as US or Chinese money keep their meaning anywhere.
_US_QUALIFIED = re.compile(r"(?i:\bus\b|u\.s\.|usd|americ|améric|états|estados|estadoun|us\$|\$\s?us)")
_BARE_SIGN = re.compile(r"(?<![A-Za-z.$])\$(?![A-Za-z])")
_DOLLAR_WORD = re.compile(r"(?i:dollars?)(?![A-Za-z])")
_YUAN_QUALIFIED = re.compile("人民币|人民幣|美元|港元|港币|港幣|新台币|新台幣|台币|台幣|(?i:rmb|yuan)")
_CROWNS = frozenset(("SEK", "NOK", "DKK", "ISK"))
# A crown named by its country or code keeps it; only "kr" and the bare words follow.
_CROWN_BARE = re.compile(r"(?i:(?<![A-Za-z])(?:kr|kron(?:er|e))(?![A-Za-z]))")
_CROWN_QUALIFIED = re.compile(r"(?i:swed|sved|su[eé]d|sven|norw|norv|norsk|norue|dan|isl|ic?eland|sek|nok|dkk|isk)")


def _marks_follow_country(results: list[Money], country: str) -> None:
    for m in results:
        t = m.text
        new = None
        if m.currency == "USD" and not _US_QUALIFIED.search(t):
            if country in COUNTRY_SIGN and _BARE_SIGN.search(t):
                new = COUNTRY_SIGN[country]
            elif country in COUNTRY_DOLLAR and _DOLLAR_WORD.search(t):
                new = COUNTRY_DOLLAR[country]
        elif m.currency == "CNY" and "元" in t and not _YUAN_QUALIFIED.search(t):
            new = COUNTRY_YUAN.get(country)
        elif m.currency == "CNY" and "¥" in t:
            new = COUNTRY_YEN.get(country)
        elif m.currency in _CROWNS and _CROWN_BARE.search(t) and not _CROWN_QUALIFIED.search(t):
            new = COUNTRY_KRONA.get(country)
        else:
            low = _key(t)
            for root, default in _FAMILIES.items():
                local = COUNTRY_FAMILIES.get(root, {}).get(country)
                if m.currency == default and local and root in low \
                        and not any(k in low for k in _QUALIFIED[root]):
                    new = local
                    break
        if new and new != m.currency:
            m.currency = new
            m.usd = to_usd(m.amount, new)


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


# Languages whose press groups thousands with spaces ("75 000 kr"); elsewhere a space
# between two numbers separates them ("in 2024 500 victims").
SPACE_GROUP_LANGS = frozenset(("fr", "sv", "da", "no", "nb", "nn", "is", "fi"))


def _figures(text: str, lang: str | None) -> list[_Figure]:
    number_re = NUMBER_SPACED_RE if lang is None or lang in SPACE_GROUP_LANGS else NUMBER_RE
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
        tail = _MIL_TAIL.match(text, end2) if mult == 1e3 and kind == "digits" else None
        if tail and text[end:end2].strip().lower() == "mil":
            # Mexican "2 mil 500 dólares", "3 mil 200 millones": thousands, then the rest
            raw = raw * 1e3 + float(tail.group(1))
            mult, end2, more = _magnitude(text, tail.end(), lang)
            end2 = max(end2, tail.end())
            hedge = hedge or more
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
