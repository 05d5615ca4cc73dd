"""Names readers type into filters -> the canonical values the index stores; suggestions.

A country, place or organisation can be given as any name the alias tables know
(nlp/data: places.tsv, countries.tsv, nationalities.tsv, orgs.tsv, pycountry's names
in the region's languages, ISO codes), in any case, with or without accents: `resolve`
returns the value the index holds ("ONUDC" -> "UNODC", "Kayin State" -> "Karen State",
"Birmanie" -> "MM"). A name the tables do not know is taken as written when the index
holds it (organisations missing from the table are indexed under their own name, and
every place, organisation and person also under the surfaces its articles wrote it
as: indexer.fields); otherwise UnknownName says which known names are closest. A
name the tables know is also looked up as written, so "Oficina de Control de
Activos Extranjeros" finds the articles that wrote it whatever canonical name the
nlp stage gave it there. People have no alias table: their names are matched
folded (case, accents) and an unknown one gets the closest names the index holds.

One resolver serves the CLI, the API, the web pages and subscriptions, so they all
accept the same names.
"""
from __future__ import annotations

import difflib
import logging
import threading
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from nlp.gazetteer import casekey, fold, is_unspaced, tokenize
from scamscope.romanised_names import romanised_key
from scamscope.translated_names import english_name, is_translation, meaning_key, seated_key
from scamscope.errors import UserError
from scamscope.name_families import (MAX_PARTS, MIN_PART_CHARS, Families, bare_key, distinct, initials,
                                     concept_key, han_variants, is_acronym, is_generic,
                                     loose_key, part_of, thai_acronym)

log = logging.getLogger(__name__)

# Fields whose names go through alias tables; other facet fields (lang, source, people...)
# are suggested from the index's own values only.
TABLE_FIELDS = ("country", "place", "org")
# Fields whose filter values are resolved (tables, the index) and refused when unknown.
RESOLVED_FIELDS = (*TABLE_FIELDS, "person")
LABELS = {"country": "country", "place": "place", "org": "organisation", "person": "person"}
SUGGEST_MAX = 20
MAX_NAME_CHARS = 200  # longer than any name in the tables: refused before any lookup
_CLOSEST = 3
# Words around a place name that name its kind ("Banteay Meanchey province", "río Moei",
# "琅南塔省"): tried without them when the whole name is unknown.
_PLACE_KIND_WORDS = frozenset("""province provinces provincia provinsi district districts
distrito city township state region prefecture county river rio riviere fleuve ville
kota kabupaten kab kecamatan kelurahan desa negeri daerah regency municipality
canton partido departamento municipio comuna barrio ciudad commune departement
sungai song kali town village
de del du of la le les l el los las d ' the""".split())
_RIVER_WORDS = frozenset("river rio riviere fleuve sungai song kali".split())
# Vietnamese level words before a name (folded: "tỉnh", "thành phố", "thị xã", "cửa khẩu"...);
# a one-word level is stripped only before a name of two syllables or a long foreign word,
# since folded it is also a syllable of names ("Thanh Hóa", "Tịnh Biên")
_VI_KIND_PHRASES = tuple(tuple(p.split()) for p in (
    "cua khau quoc te", "cua khau", "thanh pho", "thi xa", "thi tran", "tp", "tinh", "huyen",
    "quan", "xa", "phuong"))
# unspaced scripts: longest first, each stripped once from either end
_PLACE_KIND_CHARS = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "自治州", "省", "市",
                     "县", "縣", "区", "區", "州", "府", "镇", "鎮", "乡", "鄉", "จุดผ่านแดนถาวร",
                     "ด่านพรมแดน", "จังหวัด", "อำเภอ", "ตำบล", "แขวง", "เมือง", "กรุง", "ประเทศ",
                     "จ.", "อ.")
# Kind marks written after a Chinese place's name, before a Thai one's: 临沧 is 临沧市.
_PLACE_MARKS_AFTER = ("市", "省", "县", "縣", "区", "區", "州")
_PLACE_MARKS_BEFORE = ("จังหวัด", "อำเภอ")
_RESOLVED_CACHE = 4096  # names the index vouched for, per resolver

InIndex = Callable[[str, str], bool]  # (field, value) -> does an article carry it?
FacetValues = Callable[[str], list[tuple[str, int]]]  # field -> [(value, count)]
# (field, value, words) -> does an article carrying the value also contain the words?
Mentions = Callable[[str, str, str], bool]
# (field, value, where) -> do most articles carrying the value name that country (an ISO
# code) or place ("@" + its canonical name)?
Located = Callable[[str, str, str], bool]
MAX_VALUES = 64  # stored values one typed name may stand for (a generic name's family)
_ACRONYM_CANDIDATES = 20  # long forms of one acronym checked against the articles
_CONTEXT_CANDIDATES = 20  # stored names without a country checked for the typed one
_MIN_COMPACT_CHARS = 5  # shorter names without their spaces say too little ("hk", "us")


class UnknownName(UserError):
    """A filter name neither the alias tables nor the index know."""


@dataclass(frozen=True)
class Suggestion:
    value: str  # what the filter takes (the canonical value)
    label: str  # the name that matched, as the reader may know it
    count: int = 0  # articles in the index with this value, when known


def name_key(text: str) -> str:
    """The form names are compared in: case and accents folded, words split the way the
    gazetteers split them, unspaced scripts without spaces."""
    text = unicodedata.normalize("NFC", " ".join(str(text).split()))
    if is_unspaced(text):
        return casekey(text).replace(" ", "")
    return " ".join(fold(token) for token, _, _ in tokenize(text))


def compact_key(key: str) -> str:
    """A name key without spaces or punctuation."""
    return "".join(ch for ch in loose_key(key) if not ch.isspace())


def _display(alias: str) -> str:
    """A gazetteer's token-joined name back to how it is written ("U . N ." -> "U.N.")."""
    for a, b in ((" .", "."), (" ,", ","), (" ' ", "'"), (" - ", "-"), ("( ", "("), (" )", ")")):
        alias = alias.replace(a, b)
    return alias


class NameTable:
    """One field's names: folded key -> canonical value, with prefix and word-start search."""

    def __init__(self, pairs: Iterable[tuple[str, str]],
                 primary: Iterable[str] | None = None) -> None:
        self.values: dict[str, str] = {}  # key -> canonical value (first registration wins)
        self.labels: dict[str, str] = {}  # key -> the alias as written
        for alias, value in pairs:
            key = name_key(alias)
            if key and key not in self.values:
                self.values[key] = value
                self.labels[key] = _display(alias)
        starts: list[tuple[str, str]] = []
        for key in self.values:
            starts.append((key, key))
            pos = key.find(" ")
            while pos != -1:  # each later word of a name starts a match too
                starts.append((key[pos + 1:], key))
                pos = key.find(" ", pos + 1)
        starts.sort()
        self._heads = [head for head, _ in starts]
        self._keys = [key for _, key in starts]
        # the names spelling suggestions are drawn from: canonical names unless told
        names = set(self.values.values()) if primary is None else set(primary)
        self.canonical_keys = sorted(k for k in map(name_key, names) if k in self.values)
        self._compact: dict[str, str | None] | None = None

    def compact_get(self, text: str) -> str | None:
        """The value of the one name that is text with other spacing and punctuation
        ("Buriram" is "Buri Ram", "KKPark" "KK Park"); None when none is, or several
        names with different values are."""
        if self._compact is None:  # built on first use: most commands never need it
            compact: dict[str, str | None] = {}
            for key, value in self.values.items():
                short = compact_key(key)
                if short and compact.get(short, value) != value:
                    value = None  # two names, two values: ambiguous
                compact[short] = value
            self._compact = compact
        return self._compact.get(compact_key(name_key(text)))

    def get(self, text: str) -> str | None:
        return self.values.get(name_key(text))

    def starting(self, key: str, most: int) -> list[str]:
        """Keys of names with a word starting with key: whole-name prefixes first."""
        if not key:
            return []
        first: list[str] = []
        later: list[str] = []
        i = bisect_left(self._heads, key)
        # bounded: a one-letter prefix must not walk a hundred thousand names
        while i < len(self._heads) and len(first) + len(later) < most * 20 \
                and self._heads[i].startswith(key):
            found = self._keys[i]
            (first if found.startswith(key) else later).append(found)
            i += 1
        return list(dict.fromkeys(first + later))


@lru_cache(maxsize=4)
def _table(field: str) -> NameTable:
    """The alias table of one field, built once per process (a fraction of a second)."""
    if field == "org":
        from nlp.orgs import default_orgs

        gazetteer = default_orgs().gazetteer
        return NameTable((name, value) for name, value in gazetteer.items())
    from nlp.places import Nationality, PlaceInfo, default_places

    places = default_places()
    if field == "place":
        return NameTable((name, value.name) for name, value in places.gazetteer.items()
                         if isinstance(value, PlaceInfo))
    return NameTable(_country_names(places, Nationality, PlaceInfo),
                     primary=[info.name for info in places.countries.values()])


@lru_cache(maxsize=1)
def _families() -> Families:
    """The organisation table grouped by generic names, built once per process."""
    return Families(_table("org").values)


@lru_cache(maxsize=65536)
def _generic_of(value: str) -> tuple[str, str | None]:
    return _families().generic(value)


@lru_cache(maxsize=65536)
def _seatless_of(value: str) -> tuple[str, str | None] | None:
    return _families().seatless(value)


@lru_cache(maxsize=65536)
def _unqualified(generic: str) -> str:
    """A generic form without "national": a country's national body without its country
    ("Fiscalía Nacional") is that country's body of the kind, as the typed "Chilean Public
    Prosecutor's Office" names it."""
    words = generic.split(" ")
    if "national" not in words or len(words) < 3:
        return ""
    rest = " ".join(w for w in words if w != "national")
    return _families().kinds.get(rest, rest)


@lru_cache(maxsize=65536)
def _bare_of(value: str) -> str:
    return bare_key(_families().key(value))


def _country_names(places, nationality_type, place_type) -> Iterator[tuple[str, str]]:
    import pycountry

    for record in pycountry.countries:
        yield record.alpha_2, record.alpha_2
        yield record.alpha_3, record.alpha_2
    for code, info in places.countries.items():
        yield info.name, code
    items = list(places.gazetteer.items())
    for name, value in items:
        if isinstance(value, place_type) and value.kind == "country" and value.country:
            yield name, value.country
    for name, value in items:  # "Burmese" -> MM, after every country name
        if isinstance(value, nationality_type) and value.country:
            yield name, value.country


def _iso_code(text: str) -> str | None:
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        return None
    import pycountry

    return text.upper() if pycountry.countries.get(alpha_2=text.upper()) else None


def _exact(field: str, text: str) -> str | None:
    """The canonical value by the tables' own case-sensitive lookups (no table build)."""
    if field == "country":
        return _iso_code(text)
    if field == "org":
        from nlp.orgs import default_orgs

        return default_orgs().lookup(text)
    if field == "place":
        from nlp.places import PlaceInfo, default_places

        value = default_places().lookup(text)
        return value.name if isinstance(value, PlaceInfo) else None
    return None


def _without_kind_words(text: str) -> str:
    """A place name without the words around it that say what kind of place it is."""
    if is_unspaced(text):
        for mark in _PLACE_KIND_CHARS:
            text = text.removeprefix(mark).removesuffix(mark)
        return text
    words = name_key(text).split()
    for phrase in _VI_KIND_PHRASES:
        rest = words[len(phrase):]
        if tuple(words[:len(phrase)]) == phrase and rest and (
                len(rest) >= 2 or len(phrase) >= 2 or len(rest[0]) >= 5):
            words = words[len(phrase):]
            break
    while len(words) > 1 and words[0] in _PLACE_KIND_WORDS:
        words.pop(0)
    while len(words) > 1 and words[-1] in _PLACE_KIND_WORDS:
        words.pop()
    return " ".join(words)


def _place_by_kind(text: str) -> str | None:
    """A place written with words saying what kind of place it is, or without the
    suffix the tables keep: "tỉnh Long An", "Sungai Moei" (Moei River). A Chinese name
    without its mark (临沧 for 临沧市) is not guessed here: FilterNames accepts it only where
    an article writes it that way, since 老街 is a street as well as Lào Cai (老街市)."""
    table = _table("place")
    if is_unspaced(text):  # one mark first: 贵州省 is 贵州, though 州 is a mark too
        for mark in _PLACE_KIND_CHARS:
            value = table.get(text.removeprefix(mark).removesuffix(mark))
            if value is not None and len(text) > len(mark):
                return value
    bare = _without_kind_words(text)
    value = table.get(bare)
    if value is None and _RIVER_WORDS & set(name_key(text).split()):
        value = table.get(f"{bare} river")
    return value


# Abbreviations readers write in organisations' names (folded, without their dot)
_ABBREVIATIONS = {"dept": "Department", "depts": "Departments", "govt": "Government",
                  "natl": "National", "intl": "International", "univ": "University",
                  "assn": "Association", "hcmc": "Ho Chi Minh City", "hq": "Headquarters"}
_OF_PLACE = (" of ", " in ")
# Words after a news outlet's name that name its website, longest first.
_SITE_SUFFIXES = ("新闻网", "新聞網", " news network", " online", " website", "网", "網")
# Bodies named after the country they represent and their seat, written by the nlp stage
# as "<body> of <country> in <seat>" (nlp.orgs.embassy_orgs); longest first.
_SEATED_BODIES = ("Consulate-General", "Consulate General", "High Commission", "Consulate",
                  "Embassy")


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """English demonym -> the country's name as the tables keep it ("Malaysian" -> "Malaysia")."""
    from nlp.gazetteer import data_rows
    from nlp.places import DATA, default_places

    countries = default_places().countries
    return {row[1].strip(): countries[row[0].strip()].name
            for row in data_rows(DATA / "nationalities.tsv")
            if len(row) > 1 and row[0].strip() in countries}


def _rewordings(text: str) -> list[str]:
    """An organisation's name as others write it: abbreviations spelt out ("Dept. of
    Special Investigation", "HCMC Police"), a demonym as its country ("Royal Malaysian
    Police" -> "Royal Malaysia Police"), a place after the body put before it ("People's
    Court of Ho Chi Minh City" -> "Ho Chi Minh City People's Court")."""
    words = text.split(" ")
    out = []
    spelt = [_ABBREVIATIONS.get(fold(w).lower().rstrip("."), w) for w in words]
    if spelt != words:
        out.append(" ".join(spelt))
    demonyms = _demonyms()
    country = [demonyms.get(w, w) for w in words]
    if country != words:
        out.append(" ".join(country))
    for body in _SEATED_BODIES:  # "Thai Consulate General in Hong Kong"
        owner, joint, seat = text.partition(f" {body} in ")
        if joint and owner and seat:
            out.append(f"{body} of {demonyms.get(owner, owner)} in {seat}")
    for joint in _OF_PLACE:
        body, _, place = text.rpartition(joint)
        if body and place and " " in body.strip() and _exact("place", place) is not None:
            out.append(f"{place} {body}")
    return out


# Words naming an airport, and words an airport's name is written with or without.
_AIRPORT_WORDS = frozenset("airport aeropuerto aeroport aeroporto bandara".split())
_AIRPORT_OPTIONAL = frozenset("international internacional internasional internazionale "
                              "the el l".split())


@lru_cache(maxsize=8192)
def _airport_words(name: str) -> tuple[str, ...]:
    """The distinctive words of an airport's name ("soekarno", "hatta"), () when the name
    names no airport in a Latin script."""
    words = [w for w in loose_key(name_key(name)).split(" ") if w]
    if not _AIRPORT_WORDS & set(words):
        return ()
    return tuple(w for w in words if w not in _AIRPORT_WORDS and w not in _AIRPORT_OPTIONAL)


@lru_cache(maxsize=8192)
def _place_pinyin(name: str) -> str:
    """A Chinese place's name in pinyin, run together, without its kind mark ("cangnan" for
    苍南县); "" for a name in another script."""
    from scamscope.romanised_names import _HAN, _pinyin

    for mark in _PLACE_MARKS_AFTER + ("镇", "鎮", "乡", "鄉"):
        if name.endswith(mark) and len(name) > len(mark) + 1:
            name = name[:-len(mark)]
            break
    return _pinyin(name) if _HAN.fullmatch(name) else ""


class FilterNames:
    """Resolves and suggests filter names; bound to an index when there is one.

    in_index(field, value) says whether any article carries a value the tables do not
    know; without it such a value is taken as written (a subscription may wait for
    articles that do not exist yet). facet_values(field) lists the index's values for
    suggestions.
    """

    def __init__(self, *, in_index: InIndex | None = None,
                 facet_values: FacetValues | None = None,
                 mentions: Mentions | None = None,
                 located: Located | None = None) -> None:
        self.in_index = in_index
        self.facet_values = facet_values
        self.mentions = mentions
        self.located = located
        self._vouched: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def resolve(self, field: str, text: str) -> str:
        """The canonical value for a name as typed; UnknownName if nothing knows it."""
        text = self._checked(field, text)
        if field not in RESOLVED_FIELDS or not text:
            return text
        value = self.known(field, text)
        if value is None and field == "person":
            value = self._honoured(text)
        if value is not None:
            return value
        if self.in_index is None and field != "country":
            return text  # nothing to ask: a subscription may wait for its first article
        raise UnknownName(self._unknown_message(field, text))

    def _honoured(self, text: str) -> str | None:
        """"Chit Thu" is "Saw Chit Thu" when the index knows just one person by the name
        with a Karen, Burmese or Shan honorific, which readers often leave out."""
        from nlp.entities import NAME_HONORIFICS

        if text.split(" ", 1)[0] in NAME_HONORIFICS:
            return None
        found = {v for h in sorted(NAME_HONORIFICS)
                 if (v := self.known("person", f"{h} {text}")) is not None}
        return found.pop() if len(found) == 1 else None

    def resolve_all(self, field: str, text: str) -> list[str]:
        """Every stored value a name as typed means, the canonical value first: besides
        resolve()'s value, the same name spelt with other punctuation, and for an
        organisation the country-qualified forms of a generic name ("Ministry of Public
        Security" -> "Chinese Ministry of Public Security", "Ministry of Public Security
        of Laos"...) and the long form of an acronym its articles write. A filter ORs
        them. UnknownName if nothing knows the name."""
        text = self._checked(field, text)
        if field not in ("place", "org") or not text:
            return [self.resolve(field, text)]
        found = self.meanings(field, text)
        if self.in_index is None and (not found or found[0] != self.known(field, text)):
            found.insert(0, text)  # a subscription may wait for its first article
        if found:
            return found[:MAX_VALUES]
        raise UnknownName(self._unknown_message(field, text))

    def meanings(self, field: str, text: str, *, scripts: bool = True,
                 reworded: bool = True) -> list[str]:
        """resolve_all()'s values that the tables or the index vouch for ([] if none).
        scripts: also try a Chinese name in the other script (not again for that form);
        reworded: also try an organisation's name reworded (_rewordings), once."""
        text = self._checked(field, text)
        exact = self.known(field, text)
        if exact is None and field == "org":  # the table's alias in other words
            exact = _families().concepts.get(concept_key(loose_key(name_key(text))))
        found = [exact] if exact is not None else []
        if field == "org":
            found += self._family(text)
        if not found and field == "org":
            found = self._as_extracted(text)
        if not found and field == "org":
            found = self._seated(text)
        if not found and field == "org" and thai_acronym(text):
            found = self.meanings(field, thai_acronym(text))  # ดีเอสไอ is the DSI
        if not found and field == "place" and is_unspaced(text):
            found = self._marked(text)
        if not found:
            found = self._spelt_otherwise(field, text)
        if not found and field in ("place", "org"):
            found = self._spaced_otherwise(field, text)
        if field == "org" and is_acronym(text):  # an acronym stands for other bodies
            found = distinct([*found, *self._long_forms(text)])  # elsewhere: PNP in Peru
        if field == "place":  # one airport however its name is written: added to any other
            found = distinct([*found, *self._airport(text)])
        if not found and field == "place":
            found = self._romanised_place(text)
        if not found and field in ("place", "org"):
            found = self._longer(field, text)
        if not found and field == "org":
            found = self._company(text)
        if field == "org":  # one body whatever the language: added to any other meaning
            found = distinct([*found, *self._translated(text)])
        if not found and field == "org" and reworded:
            for other in _rewordings(text):
                found = distinct([*found, *self.meanings(field, other, reworded=False)])
        if not found:
            found = self._bracketed(field, text)
        if not found and field == "org" and is_unspaced(text) and reworded:
            found = self._under_parent(text)
        if not found and field == "org" and reworded:
            found = self._outlet_of_site(text)
        if not found and scripts and is_unspaced(text):  # 臨滄 is 临沧
            for variant in han_variants(text):
                found = distinct([*found, *self.meanings(field, variant, scripts=False)])
        if found and self._written(field, text, found):
            found.append(text)  # the articles that wrote it so, whatever they named it
        return distinct(found)[:MAX_VALUES]

    def _written(self, field: str, text: str, found: list[str]) -> bool:
        """Does an article write the name as typed (a surface key), when it is not the
        key of one of the values already found?"""
        key = name_key(text)
        if self.in_index is None or any(name_key(value) == key for value in found):
            return False
        return self._vouched.get((field, text)) == text or self._holds(field, text)

    def _holds(self, field: str, text: str) -> bool:
        """in_index, remembered for the resolver's life (bounded)."""
        if self.in_index is None or not self.in_index(field, text):
            return False
        with self._lock:
            if len(self._vouched) >= _RESOLVED_CACHE:
                self._vouched.clear()
            self._vouched[(field, text)] = text
        return True

    def _checked(self, field: str, text: str) -> str:
        text = " ".join(str(text).split())
        if len(text) > MAX_NAME_CHARS:
            raise UnknownName(f"{LABELS.get(field, field)} name is too long "
                              f"(at most {MAX_NAME_CHARS} characters)")
        return text

    def _index_values(self, field: str) -> list[str]:
        return [value for value, _ in self._facets(field)]

    def _family(self, text: str) -> list[str]:
        """Stored organisations with the typed name's generic form (and its country,
        when the typed name has one). A stored name without a country or seat ("National
        Police", "Border Guard Force", "Mahkamah Majistret") is the typed one's when an
        article carrying it names the typed country or place ("Cambodian National Police",
        缅甸边防军, "Johor Bahru Magistrates' Court"); a stored name with a seat ("Embassy
        of United States in Vientiane") is also its generic form without it ("US Embassy")."""
        families = _families()
        generic, code = families.generic(text)
        if not generic or (code is None and not is_generic(generic)):
            return []
        seated = _seatless_of(text) is not None
        members = list(families.members.get(generic, ()))
        unplaced: list[str] = []
        for value in self._index_values("org"):
            value_generic, value_code = _generic_of(value)
            if value_generic != generic and code is not None and value_code is None \
                    and _unqualified(value_generic) == generic:
                unplaced.append(value)  # "Fiscalía Nacional" of an article on Chile
                continue
            if value_generic != generic and not seated:
                value_generic, value_code = _seatless_of(value) or ("", None)
            if value_generic != generic:
                continue
            if code is not None and value_code is None:
                unplaced.append(value)
            else:
                members.append((value, value_code))
        found = [value for value, value_code in members if code is None or value_code == code]
        if code is not None and self.located is not None:
            found += [value for value in unplaced[:_CONTEXT_CANDIDATES]
                      if self.located("org", value, code)]
        return found

    def _seated(self, text: str) -> list[str]:
        """Stored names of the typed body that name no seat, where most of their articles
        name the typed seat: "Malaysian Embassy in Bangkok" is the stored "Embassy of
        Malaysia" of an article on Bangkok, "Indonesian Economic and Trade Office in
        Taipei" the stored "Kantor Dagang dan Ekonomi Indonesia" of one on Taipei."""
        seated = _families().seat(text)
        if seated is None or self.located is None:
            return []
        (generic, code), where = seated
        if not generic or code is None:
            return []
        found = [value for value in self._index_values("org")
                 if _generic_of(value) == (generic, code) and _families().seat(value) is None]
        return [value for value in found[:_CONTEXT_CANDIDATES]
                if self.located("org", value, where)]

    def _outlet_of_site(self, text: str) -> list[str]:
        """A news outlet's website is the outlet, as articles credit either: 央视网 is the
        stored CCTV (央视), "People's Daily Online" the stored People's Daily (人民网)."""
        for suffix in _SITE_SUFFIXES:
            rest = text[:-len(suffix)].rstrip() if text.lower().endswith(suffix) else ""
            if len(compact_key(name_key(rest))) >= 2:
                return self.meanings("org", rest, reworded=False)
        return []

    def _under_parent(self, text: str) -> list[str]:
        """A body written after its parent body or country, as Chinese and Thai names are
        (內政部警政署刑事警察局, 缅甸佤邦联合军): what the rest means, when the head is a body
        the table knows or a country; the longest such head first."""
        families = _families()
        table = _table("org")
        for cut in range(len(text) - MIN_PART_CHARS, 1, -1):
            head, rest = text[:cut], text[cut:]
            key = loose_key(name_key(head))
            if table.get(head) is None and key not in families.qualifiers.countries \
                    and key not in families.kinds:  # 內政部, every country's ministry
                continue
            found = self.meanings("org", rest, reworded=False)
            if found:
                return found
        return []

    def _airport(self, text: str) -> list[str]:
        """Stored airports that are the typed one with or without "International":
        "Soekarno-Hatta International Airport" is the stored "Soekarno-Hatta Airport". (A
        city before the name, "Shanghai Pudong", is not taken off: "Beijing Pudong" must
        not find it, and the gazetteer lacks most airports' coordinates to tell them apart.)"""
        typed = _airport_words(text)
        if not typed:
            return []
        found = []
        for value in self._index_values("place"):
            stored = _airport_words(value)
            if stored == typed:
                found.append(value)
        return found

    def _romanised_place(self, text: str) -> list[str]:
        """Stored Chinese places the tables lack, typed in pinyin: "Cangnan" (or "Cangnan
        County") is the stored 苍南县."""
        if is_unspaced(text) or not text.isascii():
            return []
        key = compact_key(name_key(_without_kind_words(text)))
        if len(key) < _MIN_COMPACT_CHARS:
            return []
        return [value for value in self._index_values("place")
                if is_unspaced(value) and _place_pinyin(value) == key]

    def _marked(self, text: str) -> list[str]:
        """A place in an unspaced script typed without its kind mark (临沧 for 临沧市,
        ตาก for จังหวัดตาก), kept only when an article carrying the place writes the name
        as typed: 老街 is not 老街市 (Lào Cai) unless its articles say so."""
        if self.mentions is None:
            return []
        table = _table("place")
        forms = [text + mark for mark in _PLACE_MARKS_AFTER]
        forms += [mark + text for mark in _PLACE_MARKS_BEFORE]
        values = distinct(table.get(form) for form in forms)
        return [value for value in values if self.mentions("place", value, text)]

    def _as_extracted(self, text: str) -> list[str]:
        """The name the nlp stage gives an organisation written this way, when the index
        (or the table) holds it: embassies ("US Embassy in Vientiane", "ambassade de
        France à Bangkok", 中国驻老挝大使馆 -> "Embassy of ... in ...") and Chinese names
        anchored on a place (上海市公安局 -> "Shanghai Public Security Bureau")."""
        from nlp.orgs import embassy_orgs, zh_place_orgs
        from nlp.places import default_places

        places = default_places()
        spans = embassy_orgs(text, places)
        if is_unspaced(text):
            spans += zh_place_orgs(text, places)
        whole = [name for start, end, _, name in spans
                 if start == 0 and end >= len(text.rstrip(" ."))]
        if self.in_index is None:
            return whole
        return [value for value in map(lambda name: self.known("org", name), whole) if value]

    def _bracketed(self, field: str, text: str) -> list[str]:
        """A name copied with its acronym or long form in brackets, as articles define
        them ("กรมสอบสวนคดีพิเศษ (ดีเอสไอ)", "Office of Foreign Assets Control (OFAC)"):
        what either part means."""
        if not text.endswith((")", "）")):
            return []
        start = max(text.rfind("("), text.rfind("（"))
        outer, inner = text[:start].strip(), text[start + 1:-1].strip()
        # one pair of brackets: a name of many pairs is not worth a lookup per pair
        if start <= 0 or not outer or not inner or any(b in outer + inner for b in "()（）"):
            return []
        return distinct([*self.meanings(field, outer), *self.meanings(field, inner)])

    def _spaced_otherwise(self, field: str, text: str) -> list[str]:
        """The one known name, or the stored values, equal to the typed name once spaces
        and punctuation are left out: "Buriram" is the table's "Buri Ram"."""
        key = compact_key(name_key(text))
        if len(key) < _MIN_COMPACT_CHARS:
            return []
        value = _table(field).compact_get(text)
        found = [value] if value is not None else []
        return found + [v for v in self._index_values(field)
                        if compact_key(name_key(v)) == key and v != value]

    def _spelt_otherwise(self, field: str, text: str) -> list[str]:
        """Values equal to the name once punctuation variants are folded."""
        key = loose_key(name_key(text))
        if not key:
            return []
        found = []
        if field == "org":
            value = _families().loose.get(key)
            found += [value] if value is not None else []
        found += [v for v in self._index_values(field) if loose_key(name_key(v)) == key]
        if found or field != "org":
            return found
        # "Kings Romans" is "Kings Romans Group", "Acme" is "Acme Co., Ltd."
        bare = bare_key(key)
        if not bare:
            return []
        values = dict.fromkeys([*_families().loose.values(), *self._index_values(field)])
        return [v for v in values if _bare_of(v) == bare]

    def _longer(self, field: str, text: str) -> list[str]:
        """Stored values that contain the name, as whole words, when few do: a short form
        the tables and the index lack ("Lucky South 99" for "Lucky South 99 Outsourcing
        Inc.", "Bareskrim Polri" for "Direktorat Tindak Pidana Siber Bareskrim Polri")."""
        part = loose_key(name_key(text))
        found = [v for v in self._index_values(field) if part_of(part, loose_key(name_key(v)))]
        return found if len(found) <= MAX_PARTS else []

    def _company(self, text: str) -> list[str]:
        """Stored companies that are the typed one in another language or rendering:
        "Jinsheng Technology Co., Ltd." is the stored 金盛科技有限公司, and the other way
        round (scamscope.romanised_names)."""
        key = romanised_key(text)
        if key is None:
            return []
        return [v for v in self._index_values("org") if v != text and romanised_key(v) == key]

    def _translated(self, text: str) -> list[str]:
        """Stored organisations that are the typed one translated (scamscope.translated_names):
        an embassy, consulate or representative office by its kind, country and seat in any
        language, a name of
        ordinary words (東方之星國際投資有限公司, "Công ty ... Rồng Vàng") by its words in
        English. A name is compared only with names in another language than its own: two
        English names of the same words in another order are not the same body ("Bank of
        China", "China Bank")."""
        seated = seated_key(text)
        if seated is not None:
            return [v for v in self._index_values("org") if v != text and seated_key(v) == seated]
        key = meaning_key(text)
        if key is None:
            return []
        foreign = is_translation(text)
        return [v for v in self._index_values("org") if v != text
                and is_translation(v) != foreign and meaning_key(v) == key]

    def _long_forms(self, acronym: str) -> list[str]:
        """Stored organisations whose initials are the acronym, kept only when an article
        carrying the organisation also writes the acronym."""
        if self.mentions is None:
            return []
        written = acronym.replace(".", "")
        wanted = written.replace("&", "").lower()
        candidates = [v for v in self._index_values("org")
                      if wanted in initials(_families().key(v))]
        return [v for v in candidates[:_ACRONYM_CANDIDATES] if self.mentions("org", v, written)]

    def known(self, field: str, text: str) -> str | None:
        """The canonical value when the tables or the index know the name, else None."""
        value = _exact(field, text)
        if value is None and field in TABLE_FIELDS:
            value = _table(field).get(text)
        if value is None and field == "place":
            value = _place_by_kind(text)
        if value is not None:
            return value
        cached = self._vouched.get((field, text))
        if cached is not None:
            return cached
        # countries are a closed set; other names may be in the index under their own name
        if field != "country" and self._holds(field, text):
            return text
        return None

    def _unknown_message(self, field: str, text: str) -> str:
        label = LABELS.get(field, field)
        close = [s.label if s.label == s.value else f"{s.label} ({s.value})"
                 for s in self.closest(field, text)]
        hint = f": did you mean {', '.join(close)}?" if close else \
            ": check the spelling, or leave the filter out"
        shown = text if len(text) <= 60 else text[:60] + "…"
        known = "" if field == "country" else " and no article has it"
        return f"{label} {shown!r} is not a known {label}{known}{hint}"

    def closest(self, field: str, text: str, most: int = _CLOSEST) -> list[Suggestion]:
        """Known names nearest to text: word-start matches, else the most similar spellings."""
        found = self.suggest(field, text, most)
        if found:
            return found
        key = name_key(text)
        table = _table(field) if field in TABLE_FIELDS else NameTable(())
        candidates = list(table.canonical_keys)
        counts = dict(self._facets(field))
        candidates.extend(name_key(v) for v in counts)
        by_key = {name_key(v): v for v in counts}
        out: list[Suggestion] = []
        for match in difflib.get_close_matches(key, candidates, n=most, cutoff=0.6):
            value = table.values.get(match) or by_key.get(match)
            if value and all(s.value != value for s in out):
                out.append(Suggestion(value, table.labels.get(match, value)))
        return out

    def _facets(self, field: str) -> list[tuple[str, int]]:
        if self.facet_values is None:
            return []
        try:
            return self.facet_values(field)
        except Exception as exc:  # suggestions are a convenience: never fail a request
            log.warning("no index values for %s suggestions: %s", field, exc)
            return []

    def suggest(self, field: str, text: str, most: int = 10) -> list[Suggestion]:
        """Names starting with text (or with a word starting with it), best first: the exact
        name, whole-name prefixes, then word starts; values the index holds before others."""
        most = max(1, min(most, SUGGEST_MAX))
        key = name_key(text)[:MAX_NAME_CHARS]
        if not key:
            return []
        counts = self._facets(field)
        count_of = {value: count for value, count in counts}
        ranked: list[tuple[tuple, Suggestion]] = []
        if field in TABLE_FIELDS and len(key) >= 2:  # one letter: the index's values only
            table = _table(field)
            for n, found in enumerate(table.starting(key, most)):
                value = table.values[found]
                label = table.labels[found]
                alias = name_key(value) != found
                if field == "country" and label != value:
                    label = f"{label} ({value})"
                rank = (found != key, not found.startswith(key), -count_of.get(value, 0),
                        alias, len(label), n)
                ranked.append((rank, Suggestion(value, label, count_of.get(value, 0))))
        for value, count in counts:
            vkey = name_key(value)
            if vkey.startswith(key) or f" {key}" in vkey:
                rank = (vkey != key, not vkey.startswith(key), -count, False, len(value), 0)
                ranked.append((rank, Suggestion(value, value, count)))
                continue
            english = english_name(value) if field == "org" else None
            ekey = name_key(english) if english else ""
            if ekey.startswith(key) or f" {key}" in ekey:  # 駐泰國台北經濟文化辦事處 for "taipei"
                rank = (ekey != key, not ekey.startswith(key), -count, True, len(english), 0)
                ranked.append((rank, Suggestion(value, f"{english} ({value})", count)))
        ranked.sort(key=lambda item: item[0])
        out: list[Suggestion] = []
        seen: set[str] = set()
        for _, suggestion in ranked:
            if suggestion.value in seen:
                continue
            seen.add(suggestion.value)
            out.append(suggestion)
            if len(out) >= most:
                break
        return out


def index_bound(index, *, facet_size: int = 1000,
                facet_ttl: float = float("inf")) -> FilterNames:
    """A resolver that asks this index about names the tables do not know. It reads the
    index's values once and keeps them facet_ttl seconds: by default for its whole life,
    which is one command's (one org name may consult them four times, each a facet search
    over the whole index); a long-lived web server passes a ttl so new names show up."""
    import time

    from indexer.fields import ALL_FACETS, ENTITY_FIELDS
    from indexer.query import Query

    sides = {f.name: f.attr for f in ENTITY_FIELDS}
    cache: dict[str, tuple[float, list[tuple[str, int]]]] = {}

    def in_index(field: str, value: str) -> bool:
        side = sides.get(field)
        return bool(side) and index.count(Query(**{side: [value]}, limit=0, facets=False)) > 0

    def facet_values(field: str) -> list[tuple[str, int]]:
        now = time.monotonic()
        held = cache.get(field)
        if held is not None and now - held[0] < facet_ttl:
            return held[1]
        results = index.search(Query(limit=0, facets=True, facet_size=facet_size,
                                     facet_names=ALL_FACETS))
        for name, values in results.facets.items():
            cache[name] = (now, [(fv.value, fv.count) for fv in values])
        return cache.get(field, (now, []))[1]

    def mentions(field: str, value: str, words: str) -> bool:
        side = sides.get(field)
        phrase = '"' + words.replace('"', " ") + '"'
        return bool(side) and index.count(
            Query(text=phrase, **{side: [value]}, limit=0, facets=False)) > 0

    def located(field: str, value: str, where: str) -> bool:
        # A filter ORs whole values, so a value without a country stands for the typed
        # country's only when most of its articles name that country: "National Police"
        # in two articles on Cambodia is Cambodia's, not Indonesia's because one of them
        # mentions an Indonesian embassy.
        side = sides.get(field)
        if not side:
            return False
        context = {"places": [where[1:]]} if where.startswith("@") else {"countries": [where]}
        there = index.count(Query(**{side: [value]}, **context, limit=0, facets=False))
        return there > 0 and 2 * there > index.count(
            Query(**{side: [value]}, limit=0, facets=False))

    return FilterNames(in_index=in_index, facet_values=facet_values, mentions=mentions,
                       located=located)
