"""Which stored names a name typed into a filter also means: spelling variants, the
country-qualified forms of a generic name, and an acronym's long form.

- Spelling: "Taipei District Prosecutors Office" is "Taipei District Prosecutors' Office";
  loose_key folds apostrophes, possessives, hyphens, dots in acronyms and "&" -> "and".
- Generic names: the index stores "Chinese Ministry of Public Security", "Ministry of
  Public Security of Laos", "ministère japonais des Affaires étrangères"; a reader typing
  "Ministry of Public Security" or "Ministry of Foreign Affairs" means every one of them.
  split_qualifier takes a country or nationality off a name (before it, after it with
  "of"/"de"/"du"..., or after the first word, as French and Spanish place adjectives);
  what is left, mapped through the organisation table's aliases to its canonical name
  and stripped again, then through data/generic_orgs.tsv (the same kind of body in other
  words and languages: "ministère des Affaires étrangères", "Foreign Ministry"), is the
  name's generic form. A typed name without a country finds
  every stored name with its generic form; a typed name with one ("Ministry of Public
  Security of Vietnam") finds the stored names with the same generic form and country
  ("Vietnamese Ministry of Public Security").
- Places: the same holds for a province or city instead of a country ("Department of
  Commerce of Guangdong Province" is the stored "Department of Commerce of Guangdong";
  ตำรวจตรวจคนเข้าเมือง, the immigration police, finds ตำรวจตรวจคนเข้าเมืองจังหวัดตราด,
  Trat's). A place's kind word next to it ("Province", 省, จังหวัด) goes with it.
- Languages: names are compared as the set of their words in English (concept_key:
  data/org_words.tsv's words translated, function words and "organisation" dropped,
  plurals folded, order ignored), so "Complutense University of Madrid" is the stored
  "Universidad Complutense de Madrid" and "Federal Police" the generic form of "police
  fédérale belge".
- Seats: "Embassy of United States in Vientiane" is also the US's embassy without its
  seat (seatless), so "US Embassy" finds it; a name typed with its seat keeps it.
- Acronyms: "MJIB" is the initials of "Ministry of Justice Investigation Bureau"
  (function words skipped); the caller checks that an article carrying that name also
  writes the acronym, so an acronym is never taken for an unrelated name.

Everything here works on the values the tables and the index already hold, so the
index's own fold (and its schema) is unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from nlp.gazetteer import is_unspaced

# Words that join a country to the name before it ("Ministry of Public Security of Laos").
_CONNECTORS = (("of", "the"), ("de", "la"), ("de", "l"), ("of",), ("de",), ("du",), ("des",),
               ("del",), ("d",), ("da",))
# A country after these is where the organisation is, not whose ("Embassy of China in
# Cambodia", "ambassade de France à Bangkok"): not a qualifier.
_PLACE_WORDS = frozenset("in at to a au aux en dans di en para pour for against".split())
_DROP = frozenset(".,'-–—·・/()\"“”«»:;")
_FUNCTION_WORDS = frozenset("""of the and for de la le les du des del d l y e et di dan
da do das dos van von für und""".split())
# Words a name's concept key leaves out besides function words: "Organización de las
# Naciones Unidas" is the United Nations, "Organisation internationale pour les
# migrations" the International Organization for Migration.
_CONCEPT_DROP = _FUNCTION_WORDS | frozenset(
    "organisation organization para pour per al lo las los el les a an".split())
ORG_WORDS = Path(__file__).parent / "data" / "org_words.tsv"
MIN_GENERIC_WORDS = 2  # a one-word generic name ("Police", "Bank") is not expanded
MIN_GENERIC_CHARS = 2  # the same for names in unspaced scripts (公安部, 外交部)
_MAX_QUALIFIER_WORDS = 4
MAX_ACRONYM = 10
_MAX_UNSPACED_PLACE = 16  # characters of a place name in an unspaced script (Thai provinces)
# A place's kind, written next to it in an organisation's name ("Guangdong Province",
# "จังหวัดตราด", "广东省"): taken off with the place.
_KIND_WORDS = frozenset("""province provincial state city prefecture county district region
municipality municipal provincia provinsi provincie kota kabupaten tinh""".split())
_KIND_MARKS = ("จังหวัด", "อำเภอ", "省", "市", "县", "縣", "区", "區", "州")
MIN_PLACE_POPULATION = 200_000  # smaller towns' names are too often ordinary words


def loose_key(key: str) -> str:
    """A names.name_key with punctuation variants folded: "prosecutors ' office",
    "prosecutor ' s office" and "prosecutors office" all give "prosecutors office"."""
    if not key:
        return ""
    if is_unspaced(key):
        return "".join(ch for ch in key if ch not in _DROP and not ch.isspace())
    out: list[str] = []
    dotted = False  # out[-1] is an acronym written with dots ("u . s ." -> "us")
    tokens = key.split(" ")
    for i, token in enumerate(tokens):
        if token == "&":
            token = "and"
        if token in _DROP:
            if token == "'" and i + 1 < len(tokens) and tokens[i + 1] == "s" and out:
                continue  # the possessive "s" joins its word below
            continue
        if token == "s" and i > 0 and tokens[i - 1] == "'" and out:
            out[-1] += "s"
            continue
        if len(token) == 1 and token.isalpha() and i + 1 < len(tokens) \
                and tokens[i + 1] == ".":
            if dotted and out:
                out[-1] += token
            else:
                out.append(token)
            dotted = True
            continue
        dotted = False
        out.append(token)
    if len(out) > 1 and out[0] == "the":
        out.pop(0)
    return " ".join(out)


@dataclass(frozen=True)
class Qualifiers:
    """Loose keys of country names and nationalities (any language) -> ISO code."""

    countries: dict[str, str]  # "laos", "lao", "中国", "japonais"... -> code
    nationalities: frozenset[str]  # the keys that are nationality adjectives
    # provinces and cities: loose key -> "@" + canonical name (never an ISO code)
    places: dict[str, str] = field(default_factory=dict)
    # every town in an unspaced script, taken only next to a kind mark (จังหวัดตราด)
    marked: dict[str, str] = field(default_factory=dict)

    def split(self, key: str) -> tuple[str, str | None]:
        """(the name without its country, the country's code) of a loose key; failing a
        country, (the name without its province or city, "@" + the place's name)."""
        if not key:
            return key, None
        if is_unspaced(key):
            rest, code = self._split_unspaced(key)
            return (rest, code) if code else self._split_unspaced_place(key)
        rest, code = self._split_spaced(key)
        return (rest, code) if code else self._split_place(key)

    def _split_spaced(self, key: str) -> tuple[str, str | None]:
        words = key.split(" ")
        # before the name: "chinese ministry ...", "us department ...", "china s ministry"
        for n in range(min(_MAX_QUALIFIER_WORDS, len(words) - 1), 0, -1):
            head = " ".join(words[:n])
            code = self.countries.get(head)
            if code is None and head.endswith("s") and n == 1:
                code = self.countries.get(head[:-1]) if len(head) > 3 else None
                code = code if code and head[:-1] not in self.nationalities else None
            if code:
                return " ".join(words[n:]), code
        # after the name, with or without a connector: "... of laos", "... malaysia"
        for n in range(min(_MAX_QUALIFIER_WORDS, len(words) - 1), 0, -1):
            tail = " ".join(words[-n:])
            code = self.countries.get(tail)
            if not code or len(tail) < 3:
                continue
            rest = words[:-n]
            if rest[-1] in _PLACE_WORDS:
                continue
            for connector in _CONNECTORS:
                if len(rest) > len(connector) and tuple(rest[-len(connector):]) == connector:
                    return " ".join(rest[:-len(connector)]), code
            return " ".join(rest), code
        # after the first word, as a place adjective: "ministere japonais des affaires ..."
        for n in range(min(_MAX_QUALIFIER_WORDS, len(words) - 2), 0, -1):
            middle = " ".join(words[1:1 + n])
            if middle in self.nationalities and len(middle) >= 3:
                return " ".join(words[:1] + words[1 + n:]), self.countries[middle]
        return key, None

    def _split_place(self, key: str) -> tuple[str, str | None]:
        """A province or city before the name or after it (with or without "of"), its
        kind word included: "guangdong province department of commerce", "department of
        commerce of guangdong province", "tak provincial police"."""
        words = key.split(" ")
        for n in range(min(_MAX_QUALIFIER_WORDS, len(words) - 1), 0, -1):
            place = self.places.get(" ".join(words[:n]))
            if place:
                rest = words[n:]
                if len(rest) > 1 and rest[0] in _KIND_WORDS:
                    rest = rest[1:]
                return " ".join(rest), place
        tail = words[:-1] if words[-1] in _KIND_WORDS else words
        for n in range(min(_MAX_QUALIFIER_WORDS, len(tail) - 1), 0, -1):
            place = self.places.get(" ".join(tail[-n:]))
            if not place:
                continue
            rest = tail[:-n]
            if rest and rest[-1] in _KIND_WORDS and len(rest) > 1:
                rest = rest[:-1]  # "... of the province of guangdong"
            if rest[-1] in _PLACE_WORDS:
                return key, None  # where it is, not whose: "embassy of x in bangkok"
            for connector in _CONNECTORS:
                if len(rest) > len(connector) and tuple(rest[-len(connector):]) == connector:
                    return " ".join(rest[:-len(connector)]), place
            return " ".join(rest), place
        return key, None

    def _split_unspaced_place(self, key: str) -> tuple[str, str | None]:
        """A province or city at the start or end of a name in an unspaced script, with
        its kind mark: 广东省商务厅, ตำรวจตรวจคนเข้าเมืองจังหวัดตราด."""
        for n in range(min(_MAX_UNSPACED_PLACE, len(key) - MIN_GENERIC_CHARS), 1, -1):
            rest = key[n:]
            mark = next((m for m in _KIND_MARKS if rest.startswith(m)
                         and len(rest) - len(m) >= MIN_GENERIC_CHARS), "")
            place = self.places.get(key[:n]) or (self.marked.get(key[:n]) if mark else None)
            if place:
                return rest[len(mark):], place
            rest = key[:-n]
            mark = next((m for m in _KIND_MARKS if rest.endswith(m)
                         and len(rest) - len(m) >= MIN_GENERIC_CHARS), "")
            place = self.places.get(key[-n:]) or (self.marked.get(key[-n:]) if mark else None)
            if place:
                return rest[:len(rest) - len(mark)], place
        return key, None

    def _split_unspaced(self, key: str) -> tuple[str, str | None]:
        for n in range(min(8, len(key) - MIN_GENERIC_CHARS), 1, -1):
            code = self.countries.get(key[:n])
            if code:
                return key[n:], code
            code = self.countries.get(key[-n:])
            if code:
                return key[:-n], code
        return key, None


GENERIC_NAMES = Path(__file__).parent / "data" / "generic_orgs.tsv"


MAX_PHRASE_WORDS = 4  # longest phrase of data/org_words.tsv ("viện kiểm sát nhân dân")


@lru_cache(maxsize=1)
def _org_words() -> dict[tuple[str, ...], str]:
    """Folded word, or phrase of up to MAX_PHRASE_WORDS words, of an institution's name in
    another language -> its English word(s). Phrases name what their words do not
    ("Pengadilan Negeri" is a district court, "đại học" a university)."""
    from nlp.gazetteer import data_rows, fold

    out: dict[tuple[str, ...], str] = {}
    for row in data_rows(ORG_WORDS):
        if len(row) < 2:
            continue
        english = " ".join(fold(w) for w in row[0].split())
        for word in (row[0], *row[1].split("|")):
            words = tuple(fold(word.strip()).split())
            if 0 < len(words) <= MAX_PHRASE_WORDS:
                out.setdefault(words, english)
    return out


def _singular(word: str) -> str:
    """English plurals folded the crude way, alike on both sides of a comparison."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _plural_stems(word: str) -> tuple[str, ...]:
    """The singulars a Spanish, Portuguese or French plural may have."""
    if len(word) <= 4 or not word.endswith("s"):
        return ()
    return (word[:-2], word[:-1]) if word.endswith("es") else (word[:-1],)


def concept_key(key: str) -> str:
    """A loose key as the sorted set of its words in English, function words dropped:
    "universidad complutense" and "complutense university" give "complutense university".
    Unspaced scripts are returned as they are."""
    if not key or is_unspaced(key):
        return key
    table = _org_words()
    words = key.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):  # the longest phrase at each word: bounded, linear in words
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            english = table.get(tuple(words[i:i + n]))
            if english is not None or n == 1:
                break
        if english is None:  # a Romance plural: "migraciones", "investigaciones"
            english = next((table[(stem,)] for stem in _plural_stems(words[i])
                            if (stem,) in table), None)
        out.extend(w for w in (english if english is not None else words[i]).split(" ")
                   if w and w not in _CONCEPT_DROP)
        i += n
    return " ".join(sorted(dict.fromkeys(map(_singular, out))))


def _generic_names() -> list[tuple[str, list[str]]]:
    from nlp.gazetteer import data_rows

    return [(row[0], [a for a in (row[1] if len(row) > 1 else "").split("|") if a])
            for row in data_rows(GENERIC_NAMES) if row and row[0]]


@lru_cache(maxsize=1)
def qualifiers() -> Qualifiers:
    from nlp.places import Nationality, PlaceInfo, default_places
    from scamscope.names import name_key

    countries: dict[str, str] = {}
    nationalities: set[str] = set()
    places: dict[str, str] = {}
    marked: dict[str, str] = {}
    for name, value in default_places().gazetteer.items():
        if isinstance(value, PlaceInfo) and value.kind in ("province", "city", "hub"):
            key = loose_key(name_key(name))
            if len(key) < 2:
                continue
            if value.curated or value.population >= MIN_PLACE_POPULATION:
                places.setdefault(key, "@" + value.name)
            elif is_unspaced(key):
                marked.setdefault(key, "@" + value.name)
            continue
        if isinstance(value, PlaceInfo) and value.kind == "country" and value.country:
            is_nationality = False
        elif isinstance(value, Nationality) and value.country:
            is_nationality = True
        else:
            continue
        key = loose_key(name_key(name))
        if len(key) < 2 or key in countries:
            continue
        countries[key] = value.country
        if is_nationality:
            nationalities.add(key)
    for key in countries:  # a country's name is a country ("Singapore", "Hong Kong")
        places.pop(key, None)
        marked.pop(key, None)
    return Qualifiers(countries, frozenset(nationalities), places, marked)


def is_generic(generic: str) -> bool:
    """Is this name without a country long enough to stand for a family of names?"""
    if is_unspaced(generic):
        return len(generic) >= MIN_GENERIC_CHARS
    return len(generic.split(" ")) >= MIN_GENERIC_WORDS


def initials(key: str) -> tuple[str, ...]:
    """The acronyms of a name's loose key: first letters of its words, function words
    skipped ("ministry of justice investigation bureau" -> "mjib") and kept ("policia de
    investigaciones" -> "pdi")."""
    if not key or is_unspaced(key):
        return ()
    words = [w for w in key.split(" ") if w]
    return tuple(dict.fromkeys(("".join(w[0] for w in words if w not in _FUNCTION_WORDS),
                                "".join(w[0] for w in words))))


# Legal forms and "group" words a company is often named without.
_COMPANY_WORDS = frozenset("""group grupo groupe inc incorporated ltd limited co corp
corporation company plc llc sa sas sarl gmbh bhd sdn pte pt tbk jsc holding holdings""".split())
_MIN_BARE_CHARS = 4


# Words written before a company's name that say it is one ("Syarikat Bintang Emas Sdn
# Bhd", "PT Sinar Global Mandiri"): left out like the legal form.
_COMPANY_HEADS = frozenset("syarikat perusahaan pt cv".split())


def bare_key(key: str) -> str:
    """A loose key without the legal-form and "group" words at its end ("kings romans
    group" -> "kings romans") and a company word before it ("syarikat"); "" when nothing
    distinctive is left."""
    if not key or is_unspaced(key):
        return ""
    words = key.split(" ")
    while len(words) > 1 and words[-1] in _COMPANY_WORDS:
        words.pop()
    if len(words) > 2 and words[0] in _COMPANY_HEADS:
        words.pop(0)
    bare = " ".join(words)
    return bare if len(bare) >= _MIN_BARE_CHARS and bare not in _COMPANY_WORDS else ""


# A body every place has, qualified by a country, is the country's national one
# ("Kepolisian Kamboja" is the Cambodian National Police).
_NATIONAL = {"police": "national police"}
MIN_PART_WORDS = 2  # a name of fewer words is too vague to stand for a longer one
MIN_PART_CHARS = 3  # the same in unspaced scripts
MAX_PARTS = 5  # a part that many stored names contain says too little to resolve


def part_of(part: str, key: str) -> bool:
    """Is the loose key `part` a run of whole words (of characters, in unspaced scripts)
    of the loose key `key`, and shorter? "lucky south 99" of "lucky south 99 outsourcing"."""
    if not part or len(part) >= len(key):
        return False
    if is_unspaced(part):
        return len(part) >= MIN_PART_CHARS and part in key
    return len(part.split(" ")) >= MIN_PART_WORDS and f" {part} " in f" {key} "


def is_acronym(text: str) -> bool:
    """Written like an acronym: 2 to MAX_ACRONYM capitals, digits and dots."""
    letters = text.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= MAX_ACRONYM and letters.isalnum() and letters.isupper() \
        and letters.isascii()


def distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


class Families:
    """The organisation table's names grouped by generic form (see the module's doc)."""

    def __init__(self, table_values: dict[str, str]) -> None:
        from scamscope.names import name_key

        self._name_key = name_key
        self.qualifiers = qualifiers()
        self.loose: dict[str, str] = {}  # loose key of every alias -> canonical value
        # concept key of every alias -> canonical value: an alias in other words or
        # another language ("Tesoro" is the table's "Treasury", "Union africaine" its
        # "African Union"); consulted only when no alias matches as written
        self.concepts: dict[str, str] = {}
        for key, value in table_values.items():
            self.loose.setdefault(loose_key(key), value)
            concept = concept_key(loose_key(key))
            if concept:
                self.concepts.setdefault(concept, value)
        # the same kind of body in other words or languages -> the English generic name
        self.kinds: dict[str, str] = {}
        for generic, aliases in _generic_names():
            for alias in (generic, *aliases):
                self.kinds.setdefault(concept_key(self.key(alias)),
                                      concept_key(self.key(generic)))
        self.members: dict[str, list[tuple[str, str | None]]] = {}
        for value in sorted(set(table_values.values())):
            generic, code = self.generic(value)
            self.members.setdefault(generic, []).append((value, code))

    def key(self, name: str) -> str:
        return loose_key(self._name_key(name))

    def generic(self, name: str) -> tuple[str, str | None]:
        """(generic form, country code or None) of a name: its country taken off, and
        what is left mapped through the table to its canonical name, taken off again.
        A name the table maps to one country's organisation ("公安部") keeps that country."""
        key = self.key(name)
        rest, code = self.qualifiers.split(key)
        if code and not code.startswith("@"):
            # a country and a place: the place says more (臺灣臺中地方法院 is Taichung's
            # court, as "Taichung District Court")
            inner, place = self.qualifiers.split(rest)
            if place and place.startswith("@") and inner:
                rest, code = inner, place
        canonical = self.loose.get(key) or self.loose.get(rest)
        if canonical is not None:
            rest, own = self.qualifiers.split(self.key(canonical))
            code = code or own
        rest = concept_key(rest)
        generic = self.kinds.get(rest, rest)
        if code and not code.startswith("@"):  # a country's police is its national police
            generic = _NATIONAL.get(generic, generic)
        return generic, code

    def seatless(self, name: str) -> tuple[str, str | None] | None:
        """generic() of a name without the seat it ends on ("embassy of united states in
        vientiane" -> the US embassy's), None when it names no seat."""
        seated = self.seat(name)
        return seated[0] if seated else None

    def seat(self, name: str) -> tuple[tuple[str, str | None], str] | None:
        """(generic() of the name without its seat, the seat: an ISO code or "@" + a
        place's name), None when the name ends on no seat."""
        words = self.key(name).split(" ")
        for i in range(len(words) - 2, 0, -1):
            if words[i] not in _PLACE_WORDS:
                continue
            seat = " ".join(words[i + 1:])
            where = self.qualifiers.countries.get(seat) or self.qualifiers.places.get(seat)
            return (self.generic(" ".join(words[:i])), where) if where else None
        return None


# Thai writes a Latin acronym by its letters' names: ดีเอสไอ is D-S-I, the DSI; เอฟบีไอ
# the FBI. One spelling or more per letter, as Thai news spells them (ซี is C's: a Z is
# spelt แซด).
_THAI_LETTERS = {
    "A": ("เอ",), "B": ("บี",), "C": ("ซี",), "D": ("ดี",), "E": ("อี",), "F": ("เอฟ",),
    "G": ("จี",), "H": ("เอช", "เฮช"), "I": ("ไอ",), "J": ("เจ",), "K": ("เค",),
    "L": ("แอล",), "M": ("เอ็ม",), "N": ("เอ็น",), "O": ("โอ",), "P": ("พี",),
    "Q": ("คิว",), "R": ("อาร์",), "S": ("เอส",), "T": ("ที",), "U": ("ยู",), "V": ("วี",),
    "W": ("ดับเบิลยู", "ดับบลิว"), "X": ("เอ็กซ์", "เอ๊กซ์"), "Y": ("วาย",), "Z": ("แซด",),
}
_THAI_SPELLINGS = sorted(((spelt, letter) for letter, forms in _THAI_LETTERS.items()
                          for spelt in forms), key=lambda item: -len(item[0]))
_MAX_THAI_ACRONYM_CHARS = 60


def thai_acronym(text: str) -> str | None:
    """The Latin acronym a Thai word spells letter by letter ("ดีเอสไอ" -> "DSI"), None
    when it is not wholly letter names or spells fewer than two letters. Work is bounded:
    at most _MAX_THAI_ACRONYM_CHARS characters, each position tried once per spelling."""
    text = "".join(text.split()).rstrip(".")
    if not text or len(text) > _MAX_THAI_ACRONYM_CHARS or not all(
            "\u0e00" <= ch <= "\u0e7f" for ch in text):
        return None
    # best[i]: the letters spelling text[:i], or None (every parse is tried, so "เอ"
    # followed by "ส..." never hides "เอส")
    best: list[str | None] = [None] * (len(text) + 1)
    best[0] = ""
    for i in range(len(text)):
        if best[i] is None:
            continue
        for spelt, letter in _THAI_SPELLINGS:
            if text.startswith(spelt, i) and best[i + len(spelt)] is None:
                best[i + len(spelt)] = best[i] + letter
    letters = best[len(text)]
    return letters if letters and 2 <= len(letters) <= MAX_ACRONYM else None


HANZI_MORE = Path(__file__).parent / "data" / "hanzi_more.tsv"


@lru_cache(maxsize=1)
def _han_tables() -> tuple[dict[int, str], dict[int, str]]:
    """nlp.hanzi's simplified/traditional pairs, then data/hanzi_more.tsv's."""
    from nlp.gazetteer import data_rows
    from nlp.hanzi import _tables

    to_traditional, to_simplified = (dict(table) for table in _tables())
    for row in data_rows(HANZI_MORE):
        if len(row) >= 2 and len(row[0].strip()) == 1 and len(row[1].strip()) == 1:
            simplified, traditional = row[0].strip(), row[1].strip()
            to_traditional.setdefault(ord(simplified), traditional)
            to_simplified.setdefault(ord(traditional), simplified)
    return to_traditional, to_simplified


def han_variants(name: str) -> list[str]:
    """name wholly in simplified and wholly in traditional characters, without name
    itself; [] when no character differs."""
    out: list[str] = []
    for table in _han_tables():
        other = name.translate(table)
        if other != name and other not in out:
            out.append(other)
    return out
