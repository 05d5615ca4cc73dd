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

Representative offices are compared by their template and seat (office_key): "Taipei
Economic and Cultural Office in Thailand" is 駐泰國台北經濟文化辦事處,
สำนักงานเศรษฐกิจและวัฒนธรรมไทเปประจำประเทศไทย, "Pejabat Ekonomi dan Kebudayaan Taipei di
Malaysia"'s Thai counterpart and so on: the seat is resolved by the place table, so it
may be written in any language.

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

# Representative offices: the template's words around the seat, per language (folded
# lower case for spaced scripts). Each pattern is anchored and has one lazy group followed
# by literal text: linear on a name.
_OFFICE_PATTERNS = tuple(re.compile(p) for p in (
    r"^(?:taipei economic and cultural (?:representative )?office|taipei representative "
    r"office|teco|tero) in (?:the )?(.+)$",
    r"^(?:駐|驻)(.+?)(?:台北|臺北)?(?:經濟文化|经济文化)?(?:辦事處|办事处|代表處|代表处)$",
    r"^สำนักงานเศรษฐกิจและวัฒนธรรมไทเป(?:ประจำ)?(.+)$",
    r"^pejabat ekonomi dan kebudayaan taipei di (.+)$",
    r"^kantor dagang dan ekonomi taipei di (.+)$",
    r"^van phong kinh te va van hoa dai bac tai (.+)$",
    r"^oficina economica y cultural de taipei en (?:el |la )?(.+)$",
    r"^bureau de representation de taipei en (.+)$",
))


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


def _key(words: list[str]) -> str | None:
    _, _, en = _words()
    out = set()
    for word in words:
        for part in en.get(word, word).split(" "):
            if part and part not in _EN_DROP:
                out.add(_singular(part))
    return " ".join(sorted(out)) if len(out) >= MIN_KEY_WORDS else None


def _place(text: str) -> str | None:
    """The canonical English name of a place written any way the place table knows."""
    from scamscope.names import _table

    return _table("place").get(text)


@lru_cache(maxsize=8192)
def office_key(name: str) -> str | None:
    """"office|<seat>" for a Taipei representative office in any language's template,
    the seat resolved by the place table; None for any other name."""
    name = " ".join(str(name).split())
    text = name.replace(" ", "") if is_unspaced(name) else " ".join(_vi_words(name))
    for pattern in _OFFICE_PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        seat = match.group(1).strip()
        if seat.startswith("ประเทศ") and len(seat) > len("ประเทศ"):
            seat = seat[len("ประเทศ"):]
        place = _place(seat)
        return f"office|{place}" if place else None
    return None


OFFICE_NAME = "Taipei Economic and Cultural Office in {0}"


def english_name(name: str) -> str | None:
    """The English name of a representative office written in another language (what a
    suggestion shows beside the stored name), None for any other name."""
    key = office_key(name)
    english = OFFICE_NAME.format(key.split("|", 1)[1]) if key else None
    return english if english != name else None


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
    zh, _, _ = _words()
    form = next((f for f in _ZH_FORMS if name.endswith(f) and len(name) > len(f)), "")
    rest = [ch for ch in name[:len(name) - len(form)] if ch not in _ZH_SKIP]

    def lookup(chunk: list[str]) -> str | None:
        text = "".join(chunk)
        word = zh.get(text) if len(text) <= _MAX_WORD_HAN else None
        return word if word is not None or len(text) < 2 else _place(text)

    return _translate(rest, max(_MAX_WORD_HAN, _MAX_PLACE_HAN), lookup)


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

    return _translate(rest, _MAX_VI_WORDS, lookup)


def _translate(units: list[str], longest: int, lookup) -> str | None:
    """The key of units (characters, syllables) read as the longest known word or place
    at each position; None when one position starts none."""
    english: list[str] = []
    i = 0
    while i < len(units):
        for n in range(min(longest, len(units) - i), 0, -1):
            meaning = lookup(units[i:i + n])
            if meaning is not None:
                break
        else:
            return None
        english.extend(_WORD.findall(fold(meaning).lower()))
        i += n
    return _key(english)
