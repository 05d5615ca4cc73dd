"""Organisation names compared by what their parts mean in English, across scripts.

A Chinese or Vietnamese name built of ordinary words is translated, not romanised, by the
English-speaking reader and by labellers: 東方之星國際投資有限公司 is "Oriental Star
International Investment Co., Ltd.", "Công ty TNHH Thương mại Ngôi Sao Phương Đông" is
"Oriental Star Trading Co., Ltd.", 昆明理工大学 is "Kunming University of Science and
Technology". The nlp stage stores such a name as its article wrote it, so pinyin
(scamscope.romanised_names) does not reach it. meaning_key gives both renderings one key:
the sorted set of the name's words in English, each part translated through
data/name_words.tsv or, for a place inside the name (金邊, 新加坡, "TP HCM"), through the
place table; the legal form (有限公司, Co., Ltd., TNHH, JSC...) left out. A name with a part
neither table knows gets no key: a half-translated name is not compared.

Embassies, consulates and representative offices are compared by their kind, the country
they represent and their seat (seated_key): "Taipei Economic and Cultural Office in
Thailand" is 駐泰國台北經濟文化辦事處 and สำนักงานเศรษฐกิจและวัฒนธรรมไทเปประจำประเทศไทย,
"Indonesian Consulate General in Kuching" is "Konsulat Jenderal Republik Indonesia di
Kuching", "Chinese Embassy in Laos" 中国驻老挝大使馆: country and seat are resolved by the
country and place tables, so they may be written in any language.

Used only by filter names (scamscope/names.py); entity extraction does not read this.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from nlp.gazetteer import fold, is_unspaced

NAME_WORDS = Path(__file__).parent / "data" / "name_words.tsv"
_MAX_PLACE_HAN = 6  # characters of a place inside a Chinese name (胡志明市, 西雙版納)
_MAX_WORD_HAN = 5  # characters of a word of data/name_words.tsv (人力資源)
MAX_NAME_CHARS = 200  # as scamscope.names.MAX_NAME_CHARS: no body's name is longer
_MAX_VI_WORDS = 4  # syllables of a Vietnamese phrase or place ("thai binh duong", "tp ho chi minh")
MIN_KEY_WORDS = 2  # fewer English words say too little to stand for a name
# Legal forms, longest first, dropped from every rendering.
_ZH_FORMS = ("股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "公司")
_ZH_SKIP = frozenset("之的")  # particles: 東方之星 is "Oriental Star"
_EN_DROP = frozenset("""co company companies ltd limited inc incorporated corp corporation
jsc llc plc pte pt sdn bhd sa sac srl the of and for in de y""".split())
_VI_FORMS = ("cong ty", "trach nhiem huu han", "co phan", "mot thanh vien", "tnhh", "mtv",
             "cp", "jsc")
_WORD = re.compile(r"[a-z0-9]+")  # linear: one character class

# Bodies named after the country they represent and their seat: embassies, consulates and
# representative offices, in each language's template (folded lower case for spaced
# scripts). Named groups: kind (an embassy, a consulate, an office), owner, seat; a template
# without one of them fixes it (a Taipei office's owner is Taiwan). Each pattern is anchored
# and has at most two lazy groups between literal words: at worst quadratic on a name, and
# _seated runs them only on names of at most MAX_NAME_CHARS characters, never on page text.
_EMBASSY = r"(?P<kind>embassy|high commission|consulate general|consulate-general|consulate)"
_ECONOMIC = (r"(?:economic and cultural|economic and trade|trade and economic|economic, trade "
             r"and cultural|trade|representative)(?: representative)? office")
_ENGLISH_PATTERNS = 4  # the first patterns read English names
_SEATED_PATTERNS = tuple((re.compile(p), kind, owner) for p, kind, owner in (
    (r"^(?:the )?" + _EMBASSY + r" of (?:the )?(?P<owner>.+?) in (?:the )?(?P<seat>.+)$", "", ""),
    (r"^(?:the )?(?P<owner>.+?) " + _EMBASSY + r" in (?:the )?(?P<seat>.+)$", "", ""),
    (r"^(?:taipei " + _ECONOMIC + r"|teco|tero) in (?:the )?(?P<seat>.+)$", "office", "TW"),
    (r"^(?P<owner>.+?) " + _ECONOMIC + r" in (?:the )?(?P<seat>.+)$", "office", ""),
    (r"^(?:駐|驻)(?P<seat>.+?)(?:台北|臺北)?(?:經濟文化|经济文化)?(?:辦事處|办事处|代表處|代表处)$",
     "office", "TW"),
    (r"^(?P<owner>.+?)(?:駐|驻)(?P<seat>台北|臺北)(?:經濟文化|经济文化|貿易經濟|贸易经济)?"
     r"(?:辦事處|办事处|代表處|代表处)$", "office", ""),
    (r"^(?P<owner>.+?)(?:駐|驻)(?P<seat>.+?)(?P<kind>大使館|大使馆|總領事館|总领事馆|領事館|领事馆)$",
     "", ""),
    (r"^สำนักงานเศรษฐกิจและวัฒนธรรมไทเป(?:ประจำ)?(?P<seat>.+)$", "office", "TW"),
    (r"^(?P<kind>สถานเอกอัครราชทูต|สถานกงสุลใหญ่)(?P<owner>.+?) ?(?:ณ|ประจำ) ?(?P<seat>.+)$", "", ""),
    (r"^pejabat ekonomi dan kebudayaan taipei di (?P<seat>.+)$", "office", "TW"),
    (r"^kantor dagang dan ekonomi taipei di (?P<seat>.+)$", "office", "TW"),
    (r"^(?P<kind>kedutaan besar|konsulat jenderal|konsulat besar|konsulat|suruhanjaya tinggi)"
     r"(?: republik)? (?P<owner>.+?) di (?P<seat>.+)$", "", ""),
    (r"^(?P<kind>kbri|kjri) (?P<seat>.+)$", "", "ID"),
    (r"^van phong kinh te va van hoa dai bac tai (?P<seat>.+)$", "office", "TW"),
    (r"^(?P<kind>dai su quan|tong lanh su quan|lanh su quan) (?P<owner>.+?) tai (?P<seat>.+)$",
     "", ""),
    (r"^oficina economica y cultural de taipei en (?:el |la )?(?P<seat>.+)$", "office", "TW"),
    (r"^(?P<kind>embajada|consulado general|consulado) (?:de |del )(?:la )?(?P<owner>.+?) en "
     r"(?:el |la )?(?P<seat>.+)$", "", ""),
    (r"^bureau de representation de taipei en (?P<seat>.+)$", "office", "TW"),
    (r"^(?P<kind>ambassade|consulat general|consulat) (?:de |du |d )(?:la |l )?(?P<owner>.+?) "
     r"(?:a|au|en|aux) (?P<seat>.+)$", "", ""),
))
# Each template's kind word -> the kind compared (a consulate general is a consulate: news
# drop "general" freely, and a country rarely has both in one city).
_KINDS_OF = {"high commission": "embassy", "大使館": "embassy", "大使馆": "embassy",
             "สถานเอกอัครราชทูต": "embassy", "kedutaan besar": "embassy",
             "suruhanjaya tinggi": "embassy", "kbri": "embassy", "dai su quan": "embassy",
             "embajada": "embassy", "ambassade": "embassy"}
_CITY_PREFIXES = ("กรุง", "นคร")  # Thai "city of" before a seat: กรุงพนมเปญ, นครคุนหมิง


@lru_cache(maxsize=1)
def _words() -> tuple[dict[str, str], dict[tuple[str, ...], str], dict[str, str]]:
    """(Chinese word -> English, Vietnamese phrase -> English, English word -> its
    canonical English word) from data/name_words.tsv; Chinese in both scripts."""
    from nlp.gazetteer import data_rows
    from scamscope.name_families import han_variants

    zh: dict[str, str] = {}
    vi: dict[tuple[str, ...], str] = {}
    en: dict[str, str] = {}
    for row in data_rows(NAME_WORDS):
        if len(row) < 2:
            continue
        english = " ".join(_WORD.findall(fold(row[0]).lower()))
        for word in (w.strip() for w in row[1].split("|")):
            if not word:
                continue
            if is_unspaced(word):
                for form in (word, *han_variants(word)):
                    zh.setdefault(form, english)
            elif word.isascii() and " " not in word and not _vi_like(word):
                en.setdefault(word.lower(), english)
            else:
                vi.setdefault(tuple(_vi_words(word)), english)
    return zh, vi, en


def _vi_like(word: str) -> bool:
    return not word.isascii()


def _vi_words(text: str) -> list[str]:
    return _WORD.findall(fold(text).lower().replace("đ", "d"))


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _key(parts: list[str]) -> str | None:
    """The sorted set of English words of a name's parts (phrases, place names, words)."""
    _, _, en = _words()
    out = set()
    for word in (w for part in parts for w in _WORD.findall(fold(part).lower())):
        for part in en.get(word, word).split(" "):
            if part and part not in _EN_DROP:
                out.add(_singular(part))
    return " ".join(sorted(out)) if len(out) >= MIN_KEY_WORDS else None


@lru_cache(maxsize=65536)
def _place(text: str) -> str | None:
    """The canonical English name of a country, province or city written any way the
    qualifier tables know (any case and script: "tp ho chi minh", 胡志明市, "peru"), or of
    a region or sizeable place the gazetteer knows as written (金三角); None otherwise. The filter's place
    table is not built for this: an organisation filter does not pay for it."""
    from nlp.places import default_places
    from scamscope.name_families import MIN_PLACE_POPULATION, loose_key, qualifiers
    from scamscope.names import name_key

    places, tables = default_places(), qualifiers()
    key = loose_key(name_key(text))
    code = tables.countries.get(key)
    if code and code in places.countries:
        return places.countries[code].name
    found = tables.places.get(key)
    if found:
        return found[1:]
    # a region (金三角) or a known town as written; not any small town, whose name is too
    # often two ordinary characters of a company's name (金星 is "Golden Star")
    value = places.lookup(text)
    if getattr(value, "kind", None) in ("country", "province", "region") or getattr(
            value, "curated", False) or getattr(value, "population", 0) >= MIN_PLACE_POPULATION:
        return value.name
    return None


def seated_key(name: str) -> str | None:
    """"<kind>|<owner's ISO code>|<seat>" for an embassy, consulate or representative
    office in any language's template, owner and seat resolved by the country and place
    tables; None for any other name, or one whose owner or seat they do not know."""
    return _seated(name)[0]


@lru_cache(maxsize=8192)
def _seated(name: str) -> tuple[str | None, bool]:
    """(seated_key, whether the name is written in English)."""
    name = " ".join(str(name).split())
    if len(name) > MAX_NAME_CHARS:  # the patterns' lazy groups stay cheap on a name
        return None, False
    text = name.replace(" ", "") if is_unspaced(name) and not _thai(name) else \
        name if is_unspaced(name) else " ".join(_vi_words(name.replace("-", " - ")))
    text = text.replace(" - ", "-")
    for n, (pattern, kind, owner) in enumerate(_SEATED_PATTERNS):
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        kind = kind or _KINDS_OF.get(groups.get("kind") or "", "")
        if not kind:
            kind = "embassy" if "embass" in (groups.get("kind") or "") else "consulate"
        owner = owner or _country(groups.get("owner") or "")
        seat = (groups.get("seat") or "").strip()
        for prefix in ("ประเทศ", *_CITY_PREFIXES):
            seat = seat[len(prefix):] if seat.startswith(prefix) and len(seat) > len(prefix) \
                else seat
        place = _place(seat)
        return (f"{kind}|{owner}|{place}" if owner and place else None), n < _ENGLISH_PATTERNS
    return None, False


def _thai(name: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in name)


def _country(owner: str) -> str | None:
    """The ISO code of a country named or described in any language ("泰國", "ไทย",
    "Vietnamese", "du Pérou" without its article), None when no table knows it."""
    from scamscope.name_families import loose_key, qualifiers
    from scamscope.names import name_key

    return qualifiers().countries.get(loose_key(name_key(owner.strip())))


_ENGLISH = {"office": "{owner} Economic and Cultural Office in {seat}",
            "embassy": "Embassy of {owner} in {seat}",
            "consulate": "Consulate General of {owner} in {seat}"}


_ZH_FORM_NAMES = {"公司": "Company"}  # every other legal form is a limited company


def _zh_english(name: str) -> str | None:
    """A Chinese name of ordinary words in English, its parts in their order (Chinese puts
    the modifier first, as English does): 東方之星國際投資有限公司 -> "Oriental Star
    International Investment Co., Ltd."; None when a part is unknown."""
    parts, form = _zh_parts(name.replace(" ", ""))
    if not parts or _key(parts) is None:
        return None
    words = " ".join(p if p[:1].isupper() else p.title() for p in parts)
    return f"{words} {_ZH_FORM_NAMES.get(form, 'Co., Ltd.')}" if form else words


def english_name(name: str) -> str | None:
    """The English name of an embassy, consulate or representative office written in
    another language, or of a Chinese name of ordinary words (what a suggestion shows
    beside the stored name); None for any other name or one written in English."""
    key, english = _seated(name)
    if key is None and _is_han(name):
        return _zh_english(name)
    if key is None or english:
        return None
    from nlp.places import default_places

    kind, code, seat = key.split("|")
    country = default_places().countries.get(code)
    owner = "Taipei" if kind == "office" and code == "TW" else getattr(country, "name", code)
    return _ENGLISH[kind].format(owner=owner, seat=seat)


@lru_cache(maxsize=8192)
def meaning_key(name: str) -> str | None:
    """The sorted English words of an organisation's name (see the module's doc); None
    when a part of it is untranslated or too little is left."""
    name = " ".join(str(name).split())
    if not name:
        return None
    if is_unspaced(name):
        return _zh_key(name.replace(" ", "")) if _is_han(name) else None
    words = _vi_words(name)
    if not name.isascii() or words[:2] == ["cong", "ty"]:
        return _vi_key(words)
    return _key(words)


def is_translation(name: str) -> bool:
    """Is the name in a language meaning_key translates (not written in English)?"""
    return is_unspaced(name) or not name.isascii() or _vi_words(name)[:2] == ["cong", "ty"]


def _is_han(name: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in name.replace(" ", ""))


def _zh_key(name: str) -> str | None:
    parts = _zh_parts(name)[0]
    return _key(parts) if parts else None


@lru_cache(maxsize=8192)
def _zh_parts(name: str) -> tuple[list[str] | None, str]:
    """(the English meanings of a Chinese name's parts in order, its legal form)."""
    zh, _, _ = _words()
    form = next((f for f in _ZH_FORMS if name.endswith(f) and len(name) > len(f)), "")
    rest = [ch for ch in name[:len(name) - len(form)] if ch not in _ZH_SKIP]

    def lookup(chunk: list[str]) -> str | None:
        text = "".join(chunk)
        word = zh.get(text) if len(text) <= _MAX_WORD_HAN else None
        return word if word is not None or len(text) < 2 else _place(text)

    return _translate(rest, max(_MAX_WORD_HAN, _MAX_PLACE_HAN), lookup), form


def _vi_key(words: list[str]) -> str | None:
    _, vi, _ = _words()
    rest: list[str] = []
    i = 0
    while i < len(words):  # the legal form, wherever it is written, is left out
        form = next((f for f in _VI_FORMS if words[i:i + f.count(" ") + 1] == f.split()), None)
        if form is None:
            rest.append(words[i])
        i += form.count(" ") + 1 if form is not None else 1

    def lookup(chunk: list[str]) -> str | None:
        word = vi.get(tuple(chunk))
        return word if word is not None or len(chunk) < 2 else _place(" ".join(chunk))

    parts = _translate(rest, _MAX_VI_WORDS, lookup)
    return _key(parts) if parts else None


def _translate(units: list[str], longest: int, lookup) -> list[str] | None:
    """The English meanings, in order, of units (characters, syllables) read as the longest
    known word or place at each position; None when one position starts none."""
    meanings: list[str] = []
    i = 0
    while i < len(units):
        for n in range(min(longest, len(units) - i), 0, -1):
            meaning = lookup(units[i:i + n])
            if meaning is not None:
                break
        else:
            return None
        meanings.append(meaning)
        i += n
    return meanings
