"""Places found by their shape rather than by a list: an administrative level word and a
name ("huyện Bến Cầu", "Kabupaten Minahasa Utara", "cantón Durán", "อำเภออรัญประเทศ",
"温州市苍南县") and airports ("Clark International Airport", "Aeropuerto Internacional
Juan Santamaría", "上海浦东国际机场").

No gazetteer lists every district, regency or canton of the region's countries, and the
news names them often; the level word says the name that follows is a place. Everything
here walks the token list or scans with bounded steps (no regex over the raw text with
nested repetition), so the work per article is linear.

Each finder returns (start, end, surface, canonical name, country) tuples; the caller
drops those inside organisation names, as for gazetteer places.
"""
from __future__ import annotations

import bisect
import re
from typing import Iterable, Sequence

from nlp.gazetteer import plain_latin

# level word (casefolded tokens) -> (languages it is read in, country it implies; None: a
# level word used for other countries' units too, whose country the name does not say)
_LEVELS: dict[tuple[str, ...], tuple[frozenset[str], str | None]] = {}
for _words, _langs, _country in (
        # Vietnamese: provinces and cities are also said of Laos and Cambodia
        (("tỉnh", "thành phố", "tp"), {"vi"}, None),
        (("huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "cửa khẩu",
          "cửa khẩu quốc tế"), {"vi"}, "VN"),
        # Indonesian (Malay writes of Indonesia's regencies the same way)
        (("kabupaten", "kab", "kecamatan", "kelurahan", "desa"), {"id", "ms"}, "ID"),
        (("kota",), {"id"}, "ID"),  # Malay "Kota Bharu" is a name, not "the city of Bharu"
        (("provinsi",), {"id"}, None),
        (("daerah", "negeri", "mukim"), {"ms"}, None),  # lowercase only: "Negeri Sembilan"
        # French
        (("province de", "province du", "région de", "région du", "district de", "commune de",
          "département de", "département du", "préfecture de", "ville de"), {"fr"}, None),
        # Spanish
        (("provincia de", "provincia del", "cantón", "cantón de", "partido de",
          "departamento de", "departamento del", "municipio de", "distrito de", "barrio",
          "comuna de"), {"es"}, None)):
    for _w in _words:
        _LEVELS[tuple(_w.split())] = (frozenset(_langs), _country)
_LOWERCASE_LEVEL_LANGS = frozenset({"es", "fr", "ms"})
_MAX_LEVEL_TOKENS = 3
# organisation heads a level word follows inside an organisation's name ("Công an huyện
# Châu Thành", "Polres Kabupaten Bekasi", "Municipalidad del cantón"): not a place
_ORG_HEADS = ("công an", "ubnd", "ủy ban nhân dân", "uỷ ban nhân dân", "tòa án nhân dân",
              "toà án nhân dân", "viện kiểm sát nhân dân", "biên phòng", "đồn biên phòng",
              "bộ chỉ huy quân sự", "hải quan", "polres", "polresta", "polsek", "pemkab", "pemkot",
              "pemerintah", "pengadilan negeri", "kejaksaan negeri", "dprd", "bupati",
              "wali kota", "walikota", "municipalidad del", "municipalidad de", "alcaldía del",
              "alcaldía de", "gobernación del", "gobernación de", "fiscalía del", "fiscalía de",
              "policía del", "policía de")
# Spanish names hold lowercase connectors ("Santo Domingo de los Tsáchilas")
_CONNECTORS = {"de", "del", "la", "las", "los"}
# Indonesian/Malay compass words after a name: "Jakarta Selatan" is South Jakarta
_COMPASS = {"Barat Daya": "Southwest", "Barat Laut": "Northwest", "Utara": "North",
            "Selatan": "South", "Timur": "East", "Barat": "West", "Tengah": "Central",
            "Tenggara": "Southeast"}


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word[:1].isalpha()


def _name_words(tokens: Sequence[tuple[str, int, int]], i: int, text: str,
                connectors: bool, max_words: int = 4) -> int:
    """How many tokens from i make a capitalised name (words on one line, hyphens and
    connectors inside it), at most max_words words."""
    j, words, n = i, 0, len(tokens)
    end = i
    while j < n and words < max_words:
        word, start, _ = tokens[j]
        if j > i and "\n" in text[tokens[j - 1][2]:start]:
            break
        if _capitalised(word):
            words += 1
            j += 1
            end = j
            # "Soekarno-Hatta", "Aulnay-sous-Bois": a hyphen glued on both sides
            while j + 1 < n and tokens[j][0] == "-" and tokens[j][1] == tokens[j - 1][2] \
                    and tokens[j + 1][1] == tokens[j][2] and tokens[j + 1][0][:1].isalpha():
                j += 2
                end = j
            continue
        if connectors and word in _CONNECTORS and j > i:
            j += 1
            continue
        break
    return end - i


def compass_name(name: str) -> str:
    """"Minahasa Utara" -> "North Minahasa"."""
    for word, english in _COMPASS.items():
        if name.endswith(" " + word) and len(name) > len(word) + 1:
            return f"{english} {name[:-len(word) - 1]}"
    return name


def compass_after(text: str, end: int) -> tuple[int, str] | None:
    """A compass word right after a place name ("Jakarta Selatan", "Lombok Timur"):
    where it ends and its English ("South")."""
    if text[end:end + 1] != " ":
        return None
    for word, english in _COMPASS.items():
        stop = end + 1 + len(word)
        if text.startswith(word, end + 1) and not text[stop:stop + 1].isalpha():
            return stop, english
    return None


def admin_places(text: str, tokens: Sequence[tuple[str, int, int]], lang: str | None,
                 country: str | None) -> list[tuple[int, int, str, str, str | None, int]]:
    """A level word of the article's language and a capitalised name after it:
    (start, end, surface, canonical name, country, start of the name)."""
    if lang not in ("vi", "id", "ms", "es", "fr"):
        return []
    found = []
    n = len(tokens)
    after = 0
    for i in _cue_tokens(_LEVEL_CUE, text, tokens):
        if i < after:
            continue
        hit = None
        for size in range(min(_MAX_LEVEL_TOKENS, n - i), 0, -1):
            level = _LEVELS.get(tuple(t[0].casefold() for t in tokens[i:i + size]))
            # Spanish, French and Malay write the level word in lowercase; "Departamento del
            # Tesoro", "Négeri Sembilan", "Région Centre" are names
            if level is not None and lang in level[0] \
                    and not (lang in _LOWERCASE_LEVEL_LANGS and tokens[i][0][:1].isupper()):
                hit = (size, level[1])
                break
        if hit is None:
            continue
        size, level_country = hit
        before = text[max(0, tokens[i][1] - 30):tokens[i][1]].casefold().rstrip()
        if before.endswith(_ORG_HEADS):
            after = i + size
            continue
        j = i + size
        if j < n and tokens[j][0] == "." and tokens[j - 1][0].casefold() in ("tp", "kab"):
            j += 1  # "TP. Hồ Chí Minh", "Kab. Bekasi"
        words = _name_words(tokens, j, text, connectors=lang in ("es", "fr")) if j < n else 0
        if words == 0 or "\n" in text[tokens[j - 1][2]:tokens[j][1]]:
            continue
        start, end = tokens[j][1], tokens[j + words - 1][2]
        name = text[start:end]
        canonical = plain_latin(name) if lang == "vi" else name
        if lang in ("id", "ms"):
            canonical = compass_name(canonical)
        found.append((tokens[i][1], end, text[tokens[i][1]:end], canonical,
                      level_country or (country if lang in ("es", "fr") else None), start))
        after = j + words
    return found


def _cue_regex(words: Iterable[str]) -> re.Pattern:
    """Where any of words starts as a whole word (case-insensitive): one linear scan of the
    text finds the few tokens worth a closer look."""
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _cue_tokens(cue: re.Pattern, text: str, tokens: Sequence[tuple[str, int, int]]) -> list[int]:
    """Indexes of the tokens where cue matches (the token that starts there)."""
    out = []
    for m in cue.finditer(text):
        i = bisect.bisect_left(tokens, m.start(), key=_token_start)
        if i < len(tokens) and tokens[i][1] == m.start():
            out.append(i)
    return out


def _token_start(token: tuple[str, int, int]) -> int:
    return token[1]


_LEVEL_CUE = _cue_regex(key[0] for key in _LEVELS)


# -- Thai -----------------------------------------------------------------
# level -> country: Lao provinces are แขวง too (Bangkok's subdistricts as well)
_TH_LEVELS = {"อำเภอ": "TH", "ตำบล": "TH", "จุดผ่านแดนถาวร": "TH", "จุดผ่อนปรน": "TH",
              "แขวง": None}
_TH_NAME_MIN, _TH_NAME_MAX = 2, 12
# what follows อำเภอ/ตำบล when it is not a name: "this district", "the same subdistrict", ...
_TH_NOT_NAME = ("นี้", "นั้น", "ดังกล่าว", "เดียว", "ต่าง", "ใด", "อื่น", "ละ", "ของ", "ที่", "ใน",
                "และ", "หรือ", "ซึ่ง", "จะ", "ได้", "ไม่", "ก็", "ทั้ง", "เป็น", "มี", "ให้", "ใกล้",
                "เคียง", "เพื่อน", "ตาม", "แห่ง", "หนึ่ง")


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e4e"


def thai_admin_places(text: str) -> list[tuple[int, int, str, str, str | None, int]]:
    """อำเภอ/ตำบล (district, subdistrict) or a border crossing, and a Thai name ending
    where the run of Thai ends (a space, a mark, another script). Thai writes no spaces
    between words, so a run longer than a district name is another word glued on, and is
    left alone."""
    found = []
    for level, level_country in _TH_LEVELS.items():
        pos = text.find(level)
        while pos >= 0 and len(found) < 200:
            start = pos + len(level)
            end = start
            while end < len(text) and end - start <= _TH_NAME_MAX and _is_thai(text[end]):
                end += 1
            if _TH_NAME_MIN <= end - start <= _TH_NAME_MAX \
                    and not text.startswith(_TH_NOT_NAME, start):
                found.append((pos, end, text[pos:end], text[start:end], level_country, start))
            pos = text.find(level, max(end, pos + 1))
    return found


# -- Chinese ----------------------------------------------------------------
_ZH_COUNTY_SUFFIX = "县縣市区區镇鎮"
# a known place written with its level ("温州市", "福建省") is where a county name can start
_ZH_ANCHOR_SUFFIX = "省市州县縣区區盟"
# characters that are grammar, not names, between a known place and a county suffix
_ZH_NOT_NAME = set("的和与與及在从從到向对對将將被把为為是了等各省市县縣区區镇鎮州")


def zh_admin_places(text: str, known: Iterable[tuple[int, int, str | None]],
                    country: str | None) -> list[tuple[int, int, str, str, str | None, int]]:
    """"温州市苍南县", "福建省莆田市": two or three characters and a county-level suffix
    right after a known place written with its own level (it says where the name starts); and
    "，勐腊县" after a punctuation mark or at the start, for 县/縣 alone."""
    found = []
    anchors = {end: ctry for start, end, ctry in known
               if text[end - 1:end] in _ZH_ANCHOR_SUFFIX}
    for end, ctry in anchors.items():
        for size in (2, 3):
            stop = end + size
            if stop < len(text) and text[stop] in _ZH_COUNTY_SUFFIX \
                    and all("\u4e00" <= c <= "\u9fff" and c not in _ZH_NOT_NAME
                            for c in text[end:stop]):
                found.append((end, stop + 1, text[end:stop + 1], text[end:stop + 1], ctry, end))
                break
    for i in _positions(text, "县縣"):
        if i < 2:
            continue
        ch = text[i]
        start = i - 2
        before = text[start - 1] if start > 0 else "\n"
        if before in "，。、；：！？「」『』（）()\n \u3000" and all(
                "\u4e00" <= c <= "\u9fff" and c not in _ZH_NOT_NAME for c in text[start:i]):
            ctry = "TW" if ch == "縣" and country == "TW" else ("CN" if ch == "县" else country)
            found.append((start, i + 1, text[start:i + 1], text[start:i + 1], ctry, start))
    return found


def _positions(text: str, chars: str) -> list[int]:
    """Where any of chars occurs in text (str.find, not a loop over every character)."""
    out = []
    for ch in chars:
        pos = text.find(ch)
        while pos >= 0 and len(out) < 1000:
            out.append(pos)
            pos = text.find(ch, pos + 1)
    return sorted(out)


# -- airports ---------------------------------------------------------------
_AIRPORT_BEFORE = {  # level words (casefolded tokens) that come before the name
    ("aeropuerto", "internacional", "de"): "International Airport",
    ("aeropuerto", "internacional"): "International Airport",
    ("aeropuerto", "de"): "Airport",
    ("aeropuerto",): "Airport",
    ("aéroport", "international", "de"): "International Airport",
    ("aéroport", "de"): "Airport",
    ("bandara", "internasional"): "International Airport",
    ("bandara",): "Airport",
    ("lapangan", "terbang", "antarabangsa"): "International Airport",
    ("lapangan", "terbang"): "Airport",
    ("sân", "bay", "quốc", "tế"): "International Airport",
    ("sân", "bay"): "Airport",
    ("pelabuhan",): "Port",
}


def airport_places(text: str, tokens: Sequence[tuple[str, int, int]]
                   ) -> list[tuple[int, int, str, str, str | None, int]]:
    """"Clark International Airport", "Aeropuerto Internacional Juan Santamaría",
    "Bandara Soekarno-Hatta", "Pelabuhan Batam Centre": the whole name is one place."""
    found = []
    after = 0
    for i in _cue_tokens(_AIRPORT_CUE, text, tokens):
        if i < after:
            continue
        if tokens[i][0].casefold() == "airport":
            # capitalised words before "(International) Airport", on its line
            if not tokens[i][0][:1].isupper():
                continue
            first = i
            while first > 0 and i - first < 6 and _capitalised(tokens[first - 1][0]) \
                    and "\n" not in text[tokens[first - 1][2]:tokens[first][1]]:
                first -= 1
            if tokens[first][0] == "The" and first < i - 1:
                first += 1  # "The Ninoy Aquino International Airport"
            if first < i and not (first == i - 1 and tokens[first][0] == "International"):
                end = tokens[i][2]
                found.append((tokens[first][1], end, text[tokens[first][1]:end],
                              text[tokens[first][1]:end], None, tokens[first][1]))
                after = i + 1
            continue
        for size in (4, 3, 2, 1):
            key = tuple(t[0].casefold() for t in tokens[i:i + size])
            if len(key) == size and key in _AIRPORT_BEFORE:
                words = _name_words(tokens, i + size, text, connectors=True)
                if words:
                    end_tok = i + size + words - 1
                    name = plain_latin(text[tokens[i + size][1]:tokens[end_tok][2]])
                    found.append((tokens[i][1], tokens[end_tok][2],
                                  text[tokens[i][1]:tokens[end_tok][2]],
                                  f"{name} {_AIRPORT_BEFORE[key]}", None, tokens[i + size][1]))
                    after = end_tok + 1
                break
    return found


_AIRPORT_CUE = _cue_regex([key[0] for key in _AIRPORT_BEFORE] + ["airport"])


_ZH_AIRPORT = ("国际机场", "國際機場", "机场", "機場")


def zh_airports(text: str, known: Sequence[tuple[int, int, str, str | None]]
                ) -> list[tuple[int, int, str, str, str | None, int]]:
    """"上海浦东国际机场", "桃園國際機場": known places run together before 国际机场."""
    found = []
    by_end = {end: (start, name, ctry) for start, end, name, ctry in known}
    for suffix in _ZH_AIRPORT:
        pos = text.find(suffix)
        while pos >= 0 and len(found) < 100:
            if not any(s <= pos < e for s, e, *_ in found):
                start, names, ctry = pos, [], None
                while start in by_end:
                    s, name, c = by_end[start]
                    names.insert(0, name)
                    ctry = ctry or c
                    start = s
                if names:
                    kind = "International Airport" if "际" in suffix or "際" in suffix else "Airport"
                    found.append((start, pos + len(suffix), text[start:pos + len(suffix)],
                                  f"{' '.join(names)} {kind}", ctry, start))
            pos = text.find(suffix, pos + len(suffix))
    return found
