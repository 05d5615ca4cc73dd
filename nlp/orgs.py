"""Organisations: canonical names across languages and acronyms, from an alias table.

nlp/data/orgs.tsv (and media.tsv: news outlets, agencies, platforms) maps every alias (UN, U.N., Nations unies, Naciones Unidas, 联合国...)
to one canonical name; more tables in the same format can be added. spaCy ORG
spans that are not in the table keep their surface form as name once obvious
junk (nationalities, places, dates, lowercase fragments...) is filtered out.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from nlp.gazetteer import Gazetteer, Match, data_rows, plain_latin
from nlp.hanzi import script_variants

DATA = Path(__file__).parent / "data"

_LEADING = re.compile(r"^(?:the|The|THE|l'|L'|la|La|le|Le|les|Les|el|El|los|Los)\s+|^[lL]['’]")
_TRAILING = re.compile(r"(?:['’]s|['’])$")
_JUNK = re.compile(r"^[\W\d_]+$|^\d|https?://|www\.|@|\n")
_GENERIC = {"Government", "Ministry", "Police", "Court", "Army", "Department", "Office", "Agency",
            "Company", "Group", "Bank", "Parliament", "Senate", "Council", "Commission", "Embassy",
            "Mr", "Ms", "Mrs", "Dr", "AFP", "Covid", "COVID-19", "Covid-19", "COVID", "Photo",
            "Image", "Getty Images", "File", "Read", "Click", "Subscribe", "Advertisement",
            "Copyright", "Updated", "Published", "Share", "Follow", "Selon", "Según",
            "Crypto", "Bitcoin", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
            "Saturday", "Sunday"}


class OrgTable:
    """Alias table: finds known organisations in text and canonicalises names."""

    def __init__(self, extra_files: Iterable[str | os.PathLike] = ()) -> None:
        self.gazetteer: Gazetteer[str] = Gazetteer()
        self.canonical: set[str] = set()
        self.aliases: dict[str, list[str]] = {}  # canonical name -> its aliases as listed
        for path in extra_files:
            self._load(Path(path))
        self._load(DATA / "orgs.tsv")
        # outlets, agencies, platforms, exchanges; datelines write them in capitals
        # ("(EUROPA PRESS)", "KOMPAS.com")
        self._load(DATA / "media.tsv", capitals=True)
        self._load(DATA / "institutions.tsv")  # national institutions, generic ministries
        for word in _NOT_ORG_WORDS:  # longer words that hold an alias (ออนไลน์ holds ไลน์)
            self.gazetteer.add(word, NOT_AN_ORG)

    def _load(self, path: Path, capitals: bool = False) -> None:
        for row in data_rows(path):
            name, aliases = row[0].strip(), (row + [""])[1]
            self.canonical.add(name)
            self.aliases.setdefault(name, []).extend(a for a in aliases.split("|") if a)
            for alias in [name, *aliases.split("|")]:
                for form in _alias_forms(alias, capitals):
                    self.gazetteer.add(form, name)

    def find(self, text: str, tokens=None) -> list[Match[str]]:
        return [m for m in self.gazetteer.find(text, tokens) if m.value is not NOT_AN_ORG]

    def lookup(self, surface: str) -> str | None:
        """The canonical name of a whole surface form, or None when it is not in the table."""
        name = self.gazetteer.get(surface)
        if name is None:
            stripped = _TRAILING.sub("", _LEADING.sub("", surface.strip()))
            if stripped != surface:
                name = self.gazetteer.get(stripped)
        return None if name is NOT_AN_ORG else name


NOT_AN_ORG = ""  # value of the words that only hold an alias
_NOT_ORG_WORDS = ("ออนไลน์", "ออฟไลน์", "เอเชียนเกมส์", "แอร์ไลน์")


def _alias_forms(alias: str, capitals: bool) -> list[str]:
    """An alias as written, capitalised at a sentence start ("police thaïlandaise"), in
    the other Chinese script, and (for outlets) in capitals as in datelines."""
    forms = [alias]
    if alias and alias[0].islower():
        forms.append(alias[0].upper() + alias[1:])
    if alias and _is_cjk(alias[0]):
        forms += [v for v in script_variants(alias) if v not in forms]
    if capitals and " " in alias and alias.upper() != alias and alias.isascii():
        forms.append(alias.upper())
    return forms


_TRAILING_WORDS = frozenset("of and the for de du des la le del y et &".split())


def _strip_trailing_words(text: str) -> str:
    """text without connectors left dangling at its end ("Ministry of" -> "Ministry"),
    word by word, so a long run of them costs linear time (a regex here backtracked)."""
    while True:
        head, space, last = text.rpartition(" ")
        if not space or last not in _TRAILING_WORDS:
            return text
        text = head


# A person's title inside a span ("Tak governor Chucheep", "Datuk Seri Ramli"): a person.
_TITLE_WORDS = frozenset("governor spokesman spokeswoman spokesperson minister president chief "
                         "director superintendent prosecutor senator judge commissioner "
                         "Datuk Dato Dato' Datin Tan Sri Brigjen Irjen Kapolda Kapolri Kombes "
                         "AKBP Pol. Pol Col Col. Gen Gen. Lt Lt. Maj Maj. Capt Capt. Sgt Brig "
                         "Kompol AKP Komjen Irjen Letjen Mayjen Kolonel Jenderal Insp Supt ACP SAC "
                         "DSP ASP".split())
# Adjectives a name cannot end on: a fragment ("Ministry of Foreign", "Department of Home").
_DANGLING = frozenset("Foreign Home Internal Financial National Public Economic Social Federal "
                      "Criminal Special Central General Royal Anti".split())


def is_fragment(text: str) -> bool:
    """Whether an organisation-looking span is a piece of something else: a title and a
    name, a name cut before its noun, a dateline run into the lede ("MANILA - Police")."""
    words = text.replace(",", " ").split()
    if not words:
        return True
    if any(w in _TITLE_WORDS for w in words) or words[-1] in _DANGLING:
        return True
    return " - " in text or " – " in text or " — " in text


def clean_org_surface(surface: str) -> str | None:
    """A spaCy ORG span's text tidied, or None when it is obviously not an organisation."""
    if "\n" in surface.strip():
        return None
    text = " ".join(surface.split())
    if text.count("(") != text.count(")"):
        text = text.split("(")[0]
    text = _TRAILING.sub("", _LEADING.sub("", text)).strip(" -–,.;:\"'«»“”()[]")
    text = _strip_trailing_words(text)
    if len(text) < 2 or len(text) > 80 or _JUNK.search(text):
        return None
    if text in _GENERIC or not any(c.isupper() for c in text[:1] + "".join(
            w[:1] for w in text.split())):
        return None
    # links do not count: "National Agency for the Prohibition of Trafficking in Persons"
    if len([w for w in text.split() if w not in _TRAILING_WORDS]) > 8 or is_fragment(text):
        return None
    return text


# --- organisations named by pattern, for languages without model NER ----------

def _load_heads() -> dict:
    import tomllib

    with (DATA / "org_heads.toml").open("rb") as fh:
        return tomllib.load(fh)


from nlp.orgs_romance import extra_latin_heads, topic_heads  # noqa: E402  (needs nothing from here)

_HEADS = _load_heads()


_THAI_SURNAME_ENDINGS = tuple(_HEADS["latin"]["thai_surname_endings"].split())
_MALAY_NAME_WORDS = frozenset(_HEADS["latin"]["malay_name_words"].split())
_ORGISH = re.compile(r"(?:Group|Bank|Police|Army|Force|Court|Council|Ministry|Office|Agency|"
                     r"University|Institute|Company|Union|Party|Foundation|Association|Times|"
                     r"Post|News|Tech|Holdings?|Ltd|Inc|Corp|Co|(?<![A-Z])[A-Z]{2,})$")


def looks_like_person(text: str) -> bool:
    """A name spaCy calls an organisation that reads as a Thai or Malay person's name:
    "Chuchai Wongsakul", "Ramli bin Yusof", "Mohd Faizal Hamzah"."""
    words = text.split()
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() or w in _MALAY_NAME_WORDS
                                            for w in words):
        return False
    if any(_ORGISH.search(w) for w in words):
        return False
    if any(w in _MALAY_NAME_WORDS for w in words):
        return True
    last = words[-1].lower()
    return len(words) == 2 and len(last) >= 7 and last.isalpha() \
        and last.endswith(_THAI_SURNAME_ENDINGS)

# Words that begin an organisation's name in the languages spaCy has no NER for here.
ORG_HEADS = frozenset(_HEADS["latin"]["heads"].split()) | extra_latin_heads()
_CONNECTORS = frozenset("de del la las los el al a para por contra sobre da do dos das di untuk pada "
                        "en lo dan bagi número".split())
# Words a name never runs over: a person's title or rank after an organisation
# ("Universiti Malaya, Dr Rohana", "Polda Kepri Irjen Pol Yan").
_RUN_STOPS = frozenset("Dr Prof Datuk Dato Datin Tan Sri Tun Haji Hajah Encik Puan Pak Bu Ibu Bapak "
                       "Brigjen Irjen Kombes AKBP Kapolda Kapolri Kapolres Menteri Direktur Kepala "
                       "Presiden Jaksa Hakim".split())
_STOP_PUNCT = frozenset(".,;:!?()[]{}\"«»“”")


_AND = frozenset(("y", "e"))
# Honorific adjectives written before a head: "Pontificia Universidad Católica del Perú",
# "Benemérita Universidad Autónoma de Puebla", "Real Academia Española".
_BEFORE_HEAD = frozenset(("Pontificia", "Pontifícia", "Benemérita", "Real", "Honorable", "Ilustre",
                          # numbered courts and prosecutors: "Quinto Juzgado de Investigación
                          # Preparatoria", "Segunda Fiscalía Provincial Penal"
                          "Primer", "Primero", "Primera", "Segundo", "Segunda", "Tercer",
                          "Tercero", "Tercera", "Cuarto", "Cuarta", "Quinto", "Quinta", "Sexto",
                          "Sexta", "Séptimo", "Séptima", "Octavo", "Octava", "Noveno", "Novena",
                          "Décimo", "Décima"))
_TOPIC_HEADS = topic_heads()
_NUMBER = frozenset(("número", "N", "n", "°", "º", "No", "núm"))


def _joins_name(tokens: list[tuple[str, int, int]], j: int, head: int) -> bool:
    """Whether token j continues a name though lowercase: "y"/"e" inside a "de"/"en" chain
    before a capitalised word ("Secretaría de Hacienda y Crédito Público"), or a number
    mark before a digit ("Juzgado Central de Instrucción número 5", "N° 4")."""
    w = tokens[j][0]
    nxt = tokens[j + 1][0] if j + 1 < len(tokens) else ""
    if w in _AND:
        # the conjunct runs on ("y Crédito Público", "y Derechos Humanos"): a lone word
        # after "y" is more often a second body ("Policía Nacional y Europol")
        after = tokens[j + 2][0] if j + 2 < len(tokens) else ""
        return nxt[:1].isupper() and nxt not in ORG_HEADS and (
            after[:1].isupper() or after in _CONNECTORS) and any(
            tokens[k][0] in ("de", "del", "en") for k in range(head + 1, j))
    return w in _NUMBER and (nxt.isdigit() or nxt in _NUMBER)


def pattern_orgs(text: str, tokens: list[tuple[str, int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, text) of names like "Policía Nacional del Perú", "Badan Pangan Nasional".

    A head word (Ministerio, Badan, Bộ...) followed by capitalised words, with lowercase
    connectors (de, del, dan...) allowed between them; an acronym in parentheses right
    after ("Otoritas Jasa Keuangan (OJK)") is returned too.
    """
    out: list[tuple[int, int, str]] = []
    n = len(tokens)
    i = 0
    while i < n:
        word = tokens[i][0]
        if word not in ORG_HEADS:
            i += 1
            continue
        j = i + 1
        last = i
        while j < n:
            w = tokens[j][0]
            if w in _STOP_PUNCT or "\n" in text[tokens[j - 1][2]:tokens[j][1]]:
                break
            # the next organisation or a person begins ("Instituto Nacional de Migración"
            # goes on: a topic head after "de")
            if (w in ORG_HEADS and not (w in _TOPIC_HEADS and (
                    tokens[j - 1][0] in _CONNECTORS or tokens[j - 1][0][:1].isupper()))) \
                    or w in _RUN_STOPS:
                break
            if w == "dan" and (last == i or j + 1 < n and tokens[j + 1][0] in ORG_HEADS):
                # "Kementerian A dan Kementerian B": two names; "Syarikat dan Eropah"
                # ("companies and Europe"): a bare kind word, then something else
                break
            if _joins_name(tokens, j, i):
                j += 1
                continue
            if w[:1].isupper() or w.isdigit():
                last = j
            elif w.lower() not in _CONNECTORS and w not in ("-", "'"):
                break
            j += 1
        if last > i:
            first = i - 1 if i and tokens[i - 1][0] in _BEFORE_HEAD else i
            start, end = tokens[first][1], tokens[last][2]
            out.append((start, end, text[start:end]))
            # "(OJK)" right after
            k = last + 1
            if k + 2 < n and tokens[k][0] == "(" and tokens[k + 2][0] == ")" \
                    and tokens[k + 1][0].isupper() and 2 <= len(tokens[k + 1][0]) <= 8:
                out.append((tokens[k + 1][1], tokens[k + 1][2], tokens[k + 1][0]))
            i = last + 1
        else:
            i += 1
    return out


# Embassies and consulates: "Embassy of France in Bangkok", "ambassade de France à Bangkok",
# "embajada de México en Tailandia", "the Chinese embassy in Phnom Penh", "KBRI Phnom Penh".
_CAP = r"[A-ZÀ-ÝĐ\u1ea0-\u1ef8][\w'’.-]*(?:\s+(?:d['’])?[A-ZÀ-ÝĐ\u1ea0-\u1ef8][\w'’.-]*){0,3}"
_MISSION = (r"(?P<kind>[Ee]mbassy|[Aa]mbassade|[Ee]mbajada|[Ee]mbaixada|[Kk]edutaan [Bb]esar|"
            r"Đại sứ quán|Tổng Lãnh sự quán|Lãnh sự quán|"
            r"[Cc]onsulate[ -][Gg]eneral|[Cc]onsulate|[Cc]onsulat général|[Cc]onsulat|"
            r"[Cc]onsulado [Gg]eneral|[Cc]onsulado)")
_OF = r"(?:of\s+(?:the\s+)?|de\s+(?:la\s+|l'|los\s+|las\s+)?|d'|del\s+|du\s+|des\s+|RI\s+)?"
_IN = r"(?:\s+(?:in|à|en|di|au|aux|at|tại)\s+(?P<p2>" + _CAP + "))?"
_EMBASSY = re.compile(r"\b" + _MISSION + r"\s+" + _OF + "(?P<p1>" + _CAP + ")" + _IN)
_EMBASSY_DEMONYM = re.compile(r"\b(?P<p1>[A-Z][A-Za-zé.]+)\s+(?P<kind>[Ee]mbassy|[Cc]onsulate)" + _IN)
_MISSION_NAMES = {"consul": "Consulate", "general": "Consulate General"}
# Indonesia's missions by their acronyms: "KBRI Phnom Penh", "KJRI Kuching"
_KBRI = re.compile(r"\b(?P<kind>KBRI|KJRI)\s+(?P<p2>" + _CAP + ")")


def embassy_orgs(text: str, places) -> list[tuple[int, int, str, str]]:
    """(start, end, text, English name) of embassies and consulates named after a country."""
    out = []
    for pattern in (_EMBASSY, _EMBASSY_DEMONYM):
        for m in pattern.finditer(text):
            country, end = _longest_place(m.group("p1"), places, countries_only=True)
            if country is None:
                continue
            kind = m.group("kind").lower()
            label = ("Consulate General" if "gen" in kind or "tổng" in kind else "Consulate") \
                if "consul" in kind or "lãnh" in kind else "Embassy"
            name = f"{label} of {country}"
            stop = m.start("p1") + end
            if m.group("p2"):
                where, where_end = _longest_place(m.group("p2"), places)
                if where is not None:
                    name += f" in {where}"
                    stop = m.start("p2") + where_end
            start = m.start("kind") if pattern is _EMBASSY else m.start("p1")
            if pattern is _EMBASSY_DEMONYM and stop < m.end("kind"):
                stop = m.end("kind")
            out.append((start, stop, text[start:stop], name))
    for m in _KBRI.finditer(text):
        where, where_end = _longest_place(m.group("p2"), places)
        if where is not None:
            label = "Embassy" if m.group("kind") == "KBRI" else "Consulate General"
            stop = m.start("p2") + where_end
            out.append((m.start(), stop, text[m.start():stop], f"{label} of Indonesia in {where}"))
    return out


_TH_EMBASSY = re.compile("สถานเอกอัครราชทูต|สถานทูต")  # the formal name and its short form
_TH_AT = re.compile(" ?ณ ?| ?ประจำ(?:ประเทศ)?")


def thai_embassy_orgs(text: str, places) -> list[tuple[int, int, str, str]]:
    """(start, end, text, English name) of "สถานเอกอัครราชทูตไทย ณ กรุงพนมเปญ"."""
    out = []
    for head in _TH_EMBASSY.finditer(text):
        if len(out) >= 50:
            break
        pos, head_end = head.start(), head.end()
        at = _TH_AT.search(text, head_end, min(len(text), head_end + 20))
        country_end = at.start() if at else _thai_run_end(text, head_end)
        country = _thai_place(text[head_end:country_end].removesuffix("ฯ"), places)
        if country is not None:
            info = places.country(country.country)
            name, stop = f"Embassy of {info.name if info else country.name}", country_end
            if at:
                run_end = _thai_run_end(text, at.end())
                at_end = at.end() + (len("กรุง") if text.startswith("กรุง", at.end()) else 0)
                where = [m for m in places.find(text[at_end:run_end]) if m.start == 0]
                if where and getattr(where[0].value, "kind", None):
                    name += f" in {where[0].value.name}"
                    stop = at_end + where[0].end
            out.append((pos, stop, text[pos:stop], name))
    return out


def _thai_place(words: str, places):
    for candidate in (words, "ประเทศ" + words):
        value = places.lookup(candidate)
        if value is not None and getattr(value, "country", None):
            return value
    return None


# --- names made of a kind and a place: "Pengadilan Negeri Batam", "Công an tỉnh An Giang" --

def _low(word: str) -> str:
    return word.lower().replace("’", "'")


def _anchor_table() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """First word as it may be written (lower or capitalised) -> (head words, template)."""
    from nlp.gazetteer import tokenize

    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, template in _HEADS["by_place"]["latin"].items():
        head = tuple(_low(t) for t, _, _ in tokenize(phrase))
        first = tokenize(phrase)[0][0]
        for form in {first, first.lower(), first[:1].upper() + first[1:]}:
            table.setdefault(form, []).append((head, template))
    for heads in table.values():
        heads.sort(key=lambda h: len(h[0]), reverse=True)
    return table


_ANCHORS = _anchor_table()
_ANCHOR_PLACE_WORDS = 5


def place_anchored_orgs(text: str, tokens, places) -> list[tuple[int, int, str, str]]:
    """(start, end, text, English name) of courts, police and offices named after the place
    they serve ("Pengadilan Negeri Batam" -> "Batam District Court", "parquet de Paris" ->
    "Paris prosecutor's office", "Công an TP Hồ Chí Minh" -> "Ho Chi Minh City Police")."""
    out = []
    n = len(tokens)
    after = 0  # names do not overlap: the next one starts after the last
    for i in [i for i, token in enumerate(tokens) if token[0] in _ANCHORS]:
        if i < after:
            continue
        if i and tokens[i - 1][0] in _VI_HEADS and tokens[i - 1][2] + 1 == tokens[i][1]:
            continue  # "Bộ Công an Việt Nam": the kind is inside a longer name
        place = None
        # longest head first; a shorter one may still name a place ("Công an TP.HCM")
        for head, template in _ANCHORS[tokens[i][0]]:
            size = len(head)
            if not (i + size < n and all(_low(tokens[i + k][0]) == head[k] for k in range(1, size))):
                continue
            j = i + size
            if not tokens[j][0][:1].isupper():
                continue
            place, words = _anchor_place(text, tokens, j, places)
            if place is not None:
                break
        if place is None:
            continue
        end, place_name = tokens[j + words - 1][2], place.name
        if place.country == "VN":  # English writes Vietnamese places without tone marks
            place_name = plain_latin(place_name)
        k = j + words
        # "Abidjan-Plateau": a hyphenated part after the place belongs to it
        if k + 1 < n and tokens[k][0] == "-" and tokens[k][1] == end \
                and tokens[k + 1][1] == tokens[k][2] and tokens[k + 1][0][:1].isupper():
            end, k = tokens[k + 1][2], k + 2
            place_name = text[tokens[j][1]:end]
        start = tokens[i][1]
        name = template.format(place_name).replace("City City", "City")
        out.append((start, end, text[start:end], name))
        after = k
    return out


def _anchor_place(text: str, tokens, j: int, places):
    """(place, number of words) of the longest place named from token j on."""
    for words in range(min(_ANCHOR_PLACE_WORDS, len(tokens) - j), 0, -1):
        candidate = text[tokens[j][1]:tokens[j + words - 1][2]]
        value = places.lookup(candidate) if "\n" not in candidate else None
        if getattr(value, "kind", None) and getattr(value, "country", None):
            return value, words
    return None, 0


# --- Vietnamese: a head (Ngân hàng, Trường Đại học...) and the capitalised name after it ---

_VI = _HEADS["vi"]
_VI_INNER = frozenset(_VI["inner"].split())
_VI_MAX_WORDS = 14


def _vi_heads() -> dict[str, list[tuple[str, ...]]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _VI["heads"]:
        words = tuple(phrase.split())
        table.setdefault(words[0], []).append(words)
    for heads in table.values():
        heads.sort(key=len, reverse=True)
    return table


_VI_HEADS = _vi_heads()
_VI_BREAKS = [tuple(phrase.split()) for phrase in _VI.get("breaks", ())]


def _vi_break_at(tokens, j: int) -> bool:
    """Whether a kind that begins a second name (Công an) starts at token j."""
    return any(all(j + k < len(tokens) and tokens[j + k][0] == w for k, w in enumerate(b))
               for b in _VI_BREAKS)


def _vi_head_at(tokens, i: int) -> int:
    """Length in words of the head phrase that begins at token i (0: none)."""
    n = len(tokens)
    for head in _VI_HEADS.get(tokens[i][0], ()):
        if all(i + k < n and tokens[i + k][0] == head[k] for k in range(1, len(head))):
            return len(head)
    return 0


def _vi_glued(text: str, tokens, j: int) -> bool:
    """Whether token j is glued to both neighbours with no space ("TP.HCM": the dot)."""
    return 0 < j < len(tokens) - 1 and tokens[j - 1][2] == tokens[j][1] \
        and tokens[j][2] == tokens[j + 1][1] and tokens[j + 1][0][:1].isupper()


def vi_orgs(text: str, tokens) -> list[tuple[int, int, str]]:
    """(start, end, text) of Vietnamese names: "Trường Đại học Bách khoa Hà Nội",
    "Cục Cảnh sát hình sự", "Ngân hàng TMCP Ngoại thương Việt Nam", "Ngân hàng Quân đội",
    "Tập đoàn Công nghiệp - Viễn thông Quân đội", "Trường Đại học Luật TP.HCM"."""
    out = []
    n = len(tokens)
    i = 0
    while i < n:
        size = _vi_head_at(tokens, i)
        if not size:
            i += 1
            continue
        j, last = i + size, None
        while j < n and j - i < _VI_MAX_WORDS:
            word = tokens[j][0]
            if "\n" in text[tokens[j - 1][2]:tokens[j][1]]:
                break
            if word[:1].isupper() or word.isdigit():
                if j > i + size and (_vi_head_at(tokens, j) or _vi_break_at(tokens, j)):
                    break  # the next name begins
                last = j
            elif word in "-–" and last == j - 1 and j + 1 < n and tokens[j + 1][0][:1].isupper():
                pass  # "Công nghiệp - Viễn thông": a dash between two capitalised words
            elif word == "." and last == j - 1 and _vi_glued(text, tokens, j):
                pass  # "TP.HCM"
            elif word == "về" and last is not None and _vi_topic_before_acronym(tokens, j):
                last = j = _vi_topic_before_acronym(tokens, j)
                # "Cục Cảnh sát điều tra tội phạm về ma túy (C04)": the topic runs to its acronym
            elif last == j - 1 and _vi_second_syllable(tokens, j):
                last = j  # "Quân đội", "Đầu tư": the second syllable of a capitalised word
            elif not (last is not None and word in _VI_INNER):
                break
            j += 1
        if last is None:
            i += 1
            continue
        # lowercase name words run to the last one before the stop ("hình sự"), "và" does not end it
        j = min(j, last + 1) if tokens[j - 1][0] in "-–." else j
        while j - 1 > last and tokens[j - 1][0] == "và":
            j -= 1
        start, end = tokens[i][1], tokens[j - 1][2]
        out.append((start, end, text[start:end]))
        i = j
    return out


_VI_CLAUSE = frozenset(_VI["clause"].split())
_VI_TOPIC_MAX = 8


def _vi_topic_before_acronym(tokens, j: int) -> int:
    """The last token of a lowercase topic after "về" that runs straight into a bracketed
    acronym ("về trật tự xã hội (C02)"), or 0."""
    for k in range(j + 1, min(j + 1 + _VI_TOPIC_MAX, len(tokens) - 1)):
        word = tokens[k][0]
        if word == "(":
            return k - 1 if k > j + 1 and tokens[k + 1][0][:1].isupper() else 0
        if not (word.isalpha() and word.islower()):
            return 0
    return 0


def _vi_second_syllable(tokens, j: int) -> bool:
    """A lowercase syllable right after a capitalised one belongs to the same word when it
    is not a function word or verb, or when a capital or punctuation follows it."""
    word = tokens[j][0]
    if not word.isalpha() or not word.islower():
        return False
    after = tokens[j + 1][0] if j + 1 < len(tokens) else ""
    if not after or not after[:1].isalnum() or after[:1].isupper():
        # never a name's syllable, even before a full stop ("... TP Hồ Chí Minh nói.")
        return word not in ("và", "của", "là", "tại", "ở", "nói", "cho", "đã", "sẽ", "được", "bị")
    return word not in _VI_CLAUSE


def _longest_place(words: str, places, countries_only: bool = False):
    """(canonical name, length) of the longest leading run of words that names a place."""
    parts = words.split()
    for n in range(len(parts), 0, -1):
        candidate = " ".join(parts[:n]).rstrip(",")
        value = places.lookup(candidate)
        if value is None and candidate.endswith("."):
            candidate = candidate[:-1]
            value = places.lookup(candidate)
        country = getattr(value, "country", None)
        if value is None or country is None:
            continue
        if countries_only:
            info = places.country(country)
            if info is None or (getattr(value, "kind", "country") not in ("country",)
                                and type(value).__name__ != "Nationality"):
                continue
            return info.name, len(candidate)
        return value.name, len(candidate)
    return None, 0


# Chinese: an organisation named after a place, e.g. 上海市公安局, 中国驻老挝大使馆, 广州海关.
_ZH_SUFFIXES = {
    "公安局": "{0} Public Security Bureau", "公安厅": "{0} Public Security Department",
    "公安部": "Ministry of Public Security of {0}", "外交部": "Ministry of Foreign Affairs of {0}",
    "大使馆": "Embassy of {0} in {1}", "总领事馆": "Consulate General of {0} in {1}",
    "领事馆": "Consulate of {0} in {1}", "海关": "{0} Customs", "商务厅": "Department of Commerce of {0}",
    "移民局": "{0} Immigration Department", "警察局": "{0} Police Bureau",
    "人民法院": "{0} People's Court", "检察院": "{0} Procuratorate",
    "中级人民法院": "{0} Intermediate People's Court", "中級人民法院": "{0} Intermediate People's Court",
    "高级人民法院": "{0} High People's Court", "高級人民法院": "{0} High People's Court",
    "人民检察院": "{0} People's Procuratorate", "人民檢察院": "{0} People's Procuratorate",
    "地方法院": "{0} District Court", "地方检察署": "{0} District Prosecutors Office",
    "地方檢察署": "{0} District Prosecutors Office", "地检署": "{0} District Prosecutors Office",
    "地檢署": "{0} District Prosecutors Office", "公安廳": "{0} Public Security Department",
    "高等法院": "{0} High Court", "警察厅": "{0} Police Department", "警察廳": "{0} Police Department",
    "大使館": "Embassy of {0} in {1}", "總領事館": "Consulate General of {0} in {1}",
    "領事館": "Consulate of {0} in {1}", "海關": "{0} Customs", "移民署": "{0} Immigration Agency",
    # police of a city or territory, border units, anti-fraud centres
    "政府警察局": "{0} Police Department", "司法警察局": "{0} Judiciary Police",
    "治安警察局": "{0} Public Security Police", "边境管理支队": "{0} Border Management Detachment",
    "邊境管理支隊": "{0} Border Management Detachment",
    "出入境边防检查站": "{0} Exit-Entry Border Inspection Station",
    "出入境邊防檢查站": "{0} Exit-Entry Border Inspection Station",
    "反诈中心": "{0} Anti-Fraud Center", "反詐中心": "{0} Anti-Fraud Center",
}
_ZH_ADMIN = ("(?:壮族自治区|壯族自治區|回族自治区|回族自治區|维吾尔自治区|維吾爾自治區|"
             "(?:[\u4e00-\u9fff]{1,3}族){1,2}自治州|(?:[\u4e00-\u9fff]{1,3}族){1,2}自治县|自治区|自治區|自治州|"
             "特别行政区|特別行政區|市|省|州|县|縣|區|区)?")


def zh_place_orgs(text: str, places) -> list[tuple[int, int, str, str]]:
    """(start, end, text, English name) of place-anchored Chinese organisation names."""
    pattern = _zh_pattern(places)
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        first = places.lookup(m.group("p1"))
        second = places.lookup(m.group("p2")) if m.group("p2") else None
        name1 = getattr(first, "name", m.group("p1"))
        template = _ZH_SUFFIXES[m.group("suffix")]
        if "{1}" in template:
            if second is None:
                continue
            name = template.format(name1, getattr(second, "name", m.group("p2")))
        else:
            if second is not None:
                continue
            name = template.format(name1)
        start = _zh_province_before(text, m.start(), places)
        out.append((start, m.end(), text[start:m.end()], name))
    return out


_ZH_PROVINCE_MARK = ("省", "自治区", "自治區")


def _zh_province_before(text: str, start: int, places) -> int:
    """Where a name begins when its city is preceded by its province, as in
    云南省西双版纳傣族自治州中级人民法院 (the court is the prefecture's; the province is
    part of how it is written)."""
    for mark in _ZH_PROVINCE_MARK:
        if text.endswith(mark, 0, start):
            for size in (2, 3, 4):
                begin = start - len(mark) - size
                if begin >= 0 and getattr(places.lookup(text[begin:start - len(mark)]), "kind",
                                          None) in ("province", "region", "state"):
                    return begin
    return start


_ZH_CACHE: dict[int, object] = {}


def _zh_pattern(places):
    key = id(places)
    if key not in _ZH_CACHE:
        import re as _re

        # up to 10 characters: 老挝人民民主共和国公安部
        names = [n for n in places.gazetteer._unspaced if _re.fullmatch("[\u4e00-\u9fff]{2,10}", n)]
        if not names:
            _ZH_CACHE[key] = None
        else:
            alt = "|".join(sorted(map(_re.escape, names), key=len, reverse=True))
            suffixes = "|".join(sorted(_ZH_SUFFIXES, key=len, reverse=True))
            _ZH_CACHE[key] = _re.compile(
                f"(?P<p1>{alt}){_ZH_ADMIN}(?:[驻駐](?P<p2>{alt}){_ZH_ADMIN})?(?P<suffix>{suffixes})")
    return _ZH_CACHE[key]


@lru_cache(maxsize=4)
def default_orgs(extra_files: tuple[str, ...] = ()) -> OrgTable:
    return OrgTable(extra_files)


# --- French names after a lowercase head: "université Félix Houphouët-Boigny" -------------

_LOWER_HEADS = frozenset(_HEADS["latin"]["lowercase_heads"].split())
_LOWER_LINKS = frozenset(("de", "du", "des", "d", "'", "’", "-"))
_LOWER_MAX = 6


def lowercase_head_orgs(text: str, tokens) -> list[tuple[int, int, str]]:
    """(start, end, text) of a lowercase French head and the capitalised name after it."""
    out = []
    for i in [i for i, token in enumerate(tokens) if token[0] in _LOWER_HEADS]:
        start = tokens[i][1]
        j, last = i + 1, None
        while j < len(tokens) and j - i <= _LOWER_MAX:
            w = tokens[j][0]
            if tokens[j][1] - tokens[j - 1][2] > 1:
                break  # a line break or a gap
            if w[:1].isupper() or (w.isdigit() and len(w) <= 2 and last == j - 1):
                last = j  # "université Lumière Lyon 2", "université Paris 8"
            elif not (last is not None and w in _LOWER_LINKS):
                break
            j += 1
        if last is not None:
            end = tokens[last][2]
            out.append((start, end, text[start:end]))
    return out


# --- companies by their legal suffix, in any Latin-script language -------------

_COMPANY_LAST = {"Bhd", "Berhad", "Ltd", "Limited", "Inc", "LLC", "Corp", "Corporation", "GmbH",
                 "SARL", "Tbk", "PLC", "Plc", "SL", "SA", "SAS", "SRL", "Ltda", "LLP", "JSC"}
# Abbreviations written with their dot ("Inc."); after the others a dot ends the sentence.
_COMPANY_DOTTED = {"Inc", "Corp", "Co", "Ltd"}
_COMPANY_INNER = {"Sdn", "Pte", "Co", ",", "&", "."}


def company_orgs(text: str, tokens: list[tuple[str, int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, text) of "Mega Fortune Trading Sdn Bhd", "Lucky South 99 Outsourcing Inc."."""
    out = []
    for i, (word, _, end) in enumerate(tokens):
        if word not in _COMPANY_LAST:
            continue
        j, names = i - 1, 0
        while j >= 0 and i - j <= 8:
            w = tokens[j][0]
            if "\n" in text[tokens[j][2]:tokens[j + 1][1]]:
                break
            if w == "," and tokens[j + 1][0] not in _COMPANY_LAST:
                break  # "Co., Ltd.", "Outsourcing, Inc."; "Palermo, Horizonte Sur SRL": a list
            if w in _COMPANY_INNER or w.isdigit():
                j -= 1
                continue
            if w[:1].isupper() and w not in ORG_HEADS:
                names += 1
                j -= 1
                continue
            break
        first = j + 1
        while first < i and tokens[first][0] in _COMPANY_INNER:
            first += 1
        if names == 0 or first >= i:
            continue
        if i + 1 < len(tokens) and tokens[i + 1][0] == "." and tokens[i + 1][1] == end \
                and word in _COMPANY_DOTTED:
            end = tokens[i + 1][2]  # "Inc." keeps its dot
        start = tokens[first][1]
        out.append((start, end, text[start:end]))
    return out


# --- Thai: a head word (กระทรวง, ศาล, กองกำลัง...) and the rest of the run ---------

_TH = _HEADS["thai"]
_TH_HEAD = re.compile("|".join(map(re.escape, sorted(_TH["heads"], key=len, reverse=True))))
_TH_CUT = re.compile("|".join(map(re.escape, sorted(_TH["cut"], key=len, reverse=True))))
_TH_TRAILING = tuple(sorted(_TH["trailing"], key=len, reverse=True))
_TH_GENERIC = frozenset(_TH["generic"])
_TH_MAX = 40


def _thai_run_end(text: str, pos: int) -> int:
    end = pos
    limit = min(len(text), pos + _TH_MAX)
    while end < limit and "\u0e00" <= text[end] <= "\u0e7f":
        end += 1
    return end


def _thai_trim(name: str, head: str) -> str:
    trimmed = True
    while trimmed:
        trimmed = False
        for word in _TH_TRAILING:
            if name.endswith(word) and len(name) - len(word) > len(head):
                name, trimmed = name[:-len(word)], True
    return name


# "และ" or "กับ" right before another head word joins two names (ธนาคารกรุงไทยและธนาคาร
# กสิกรไทย, กองทัพเมียนมากับกองพลน้อยที่ 6)
_TH_AND_HEAD = re.compile("(?:และ|กับ)(?:" + _TH_HEAD.pattern + "|กอง)")
_TH_INDEFINITE = tuple(_TH["indefinite"])
# an ordinal unit: "กรมทหารพรานที่ 35", "กองพันที่ 2"
_TH_ORDINAL = re.compile(r"ที่ ?\d{1,3}(?!\d)")
_TH_NUMBER = re.compile(r" ?(\d{1,2})(?!\d)")
_TH_COMPANY_END = re.compile(r"จำกัด(?: ?\(มหาชน\))?")
_TH_COMPANY_MAX = 60


def thai_orgs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of Thai organisation names: "กองกำลังนเรศวร", "ศาลจังหวัดสระแก้ว",
    "ตำรวจภูธรภาค 6", "บริษัท โกลเด้น เอเชีย เทรดดิ้ง จำกัด"."""
    out = []
    taken = 0
    for m in _TH_HEAD.finditer(text):
        if m.start() < taken:
            continue
        if m.group() == "บริษัท":
            company = _thai_company(text, m.start(), m.end())
            if company:
                out.append((m.start(), company, text[m.start():company]))
                taken = company
                continue
        run_end = _thai_run_end(text, m.end())
        cut = _TH_CUT.search(text, m.end(), run_end)
        end = cut.start() if cut else run_end
        joined = _TH_AND_HEAD.search(text, m.end(), end)
        if joined:
            end = joined.start()
        elif cut and text.startswith(_TH_INDEFINITE, cut.start()):
            continue
        ordinal = _TH_ORDINAL.match(text, end - len("ที่")) if text.endswith("ที่", 0, end) else None
        if ordinal and end - len("ที่") > m.end():
            out.append((m.start(), ordinal.end(), text[m.start():ordinal.end()]))
            taken = ordinal.end()
            continue
        name = _thai_trim(text[m.start():end], m.group())
        numbered = next((h for h in _TH_NUMBERED if text.startswith(h, m.start())
                         and _TH_NUMBER.match(text, m.start() + len(h))), None)
        if numbered:  # กองทัพภาคที่ 3: "ที่" is part of the name, not a trailing connector
            name = numbered
        stop = m.start() + len(name)
        if name in _TH_NUMBERED:  # ตำรวจภูธรภาค 6: the number is the name's end
            number = _TH_NUMBER.match(text, stop)
            if number:
                stop = number.end()
                name = text[m.start():stop]
        elif len(name) - len(m.group()) < 2 or name in _TH_GENERIC:
            continue
        out.append((m.start(), stop, name))
        taken = stop
    for m in _TH_AIRLINE.finditer(text):
        if not any(s < m.end() and m.start() < e for s, e, _ in out):
            out.append((m.start(), m.end(), m.group()))
    return sorted(out)


# an airline named by transliteration: "สายการบินเซี่ยงไฮ้แอร์ไลน์", "สายการบินไทยแอร์เอเชีย"
# ("สายการบิน" alone starts descriptions too: สายการบินจีน, "a Chinese airline")
_TH_AIRLINE = re.compile("สายการบิน[\u0e00-\u0e7f]{2,30}?(?:แอร์ไลน์ส?|แอร์เวย์ส?|แอร์เอเชีย)")


def _thai_company(text: str, start: int, head_end: int) -> int | None:
    """End of "บริษัท <name, spaces allowed> จำกัด (มหาชน)" on one line, if there is one."""
    limit = min(len(text), head_end + _TH_COMPANY_MAX)
    line_end = text.find("\n", head_end, limit)
    found = _TH_COMPANY_END.search(text, head_end, line_end if line_end >= 0 else limit)
    if found is None or found.start() - head_end < 2:
        return None
    return found.end()


_TH_TEMPLATES = _HEADS["by_place"]["thai"]
_TH_NUMBERED = _HEADS["by_place"]["thai_numbered"]


def thai_place_name(name: str, places) -> str | None:
    """The English name of a Thai name made of a kind and a place or a number:
    "ศาลจังหวัดแม่สอด" -> "Mae Sot Provincial Court", "ตำรวจภูธรภาค 6" -> "Provincial Police
    Region 6"."""
    for head, template in _TH_NUMBERED.items():
        if name.startswith(head) and name[len(head):].strip().isdigit():
            return template.format(name[len(head):].strip())
    for head in sorted(_TH_TEMPLATES, key=len, reverse=True):
        if name.startswith(head) and len(name) > len(head):
            rest = name[len(head):]
            place = places.lookup(rest) or (places.lookup(rest[len("จังหวัด"):])
                                             if rest.startswith("จังหวัด") else None)
            if getattr(place, "kind", None) and getattr(place, "country", None):
                return _TH_TEMPLATES[head].format(place.name)
            # สภ.เมืองตาก: the capital district of a province is "Mueang <province>"
            place = places.lookup(rest[len("เมือง"):]) if rest.startswith("เมือง") else None
            if getattr(place, "kind", None) and getattr(place, "country", None) == "TH":
                return _TH_TEMPLATES[head].format("Mueang " + place.name)
    return None


# --- Chinese: a name ends with its kind (...法院, ...集团, ...委员会) ----------------

_ZH = _HEADS["zh"]
_ZH_SUFFIX = re.compile("|".join(map(re.escape, sorted(_ZH["suffixes"], key=len, reverse=True))))
_ZH_SEPARATOR = re.compile("|".join(map(re.escape, sorted(_ZH["separators"], key=len, reverse=True))))
_ZH_SEPARATOR_WORDS = tuple(_ZH["separators"])


def zh_word_starts(text: str, pos: int) -> bool:
    """Whether a Chinese word can start at pos: after no Han character, or right after a
    separator word (据美国..., not 武吉阿曼...: Oman is not in Bukit Aman)."""
    return pos == 0 or not _is_cjk(text[pos - 1]) or text.endswith(_ZH_SEPARATOR_WORDS, 0, pos)
_ZH_GENERIC = tuple(sorted(_ZH["generic"], key=len, reverse=True))
_ZH_NOT_AFTER = frozenset(_ZH["not_after"])
_ZH_NOT_BEFORE = frozenset(_ZH["not_before"])
_ZH_NOT_FOLLOWED = {suffix: tuple(words) for suffix, words in _ZH["not_followed_by"].items()}
_ZH_MAX = 12
_ZH_PLURAL = tuple(_ZH["plural"])
_ZH_NOT_SEPARATORS = tuple(_ZH["not_separators"])
_ZH_CONJUNCTIONS = frozenset(("及", "以及", "和", "与", "與", "并", "並", "或"))
# words before a conjunction that are a body of their own, not half of a name
_ZH_NOT_LEFT = frozenset(("政府", "当局", "當局", "警方", "军方", "軍方", "检方", "檢方", "法院", "银行", "銀行"))
# “鸿发科技”, 「金邊太子科技」: a quoted run of Han characters (bounded, no nesting)
_ZH_QUOTED = re.compile("[“「『]([\u4e00-\u9fff]{2,14})[”」』]")
_ZH_QUOTED_SUFFIXES = tuple(_ZH["quoted_suffixes"])


# 《金边邮报》: title marks hold a publication's name (or a law's: 《反电信网络诈骗法》, which
# does not end like a newspaper)
_ZH_TITLE = re.compile("《([\u4e00-\u9fff]{2,14})》")
_ZH_PAPER_ENDS = ("报", "報", "周刊", "週刊", "杂志", "雜誌")


def zh_quoted_orgs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of quoted company names (名为“鸿发科技”的公司) and newspapers in
    title marks (《金边邮报》)."""
    return [(m.start(1), m.end(1), m.group(1)) for m in _ZH_QUOTED.finditer(text)
            if m.group(1).endswith(_ZH_QUOTED_SUFFIXES) and len(m.group(1)) > 2] + [
        (m.start(1), m.end(1), m.group(1)) for m in _ZH_TITLE.finditer(text)
        if m.group(1).endswith(_ZH_PAPER_ENDS)]


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _zh_generic(prefix: str) -> bool:
    """Whether what comes before the suffix is only descriptive words (跨境诈骗, 该)."""
    rest = prefix
    changed = True
    while rest and changed:
        changed = False
        for word in _ZH_GENERIC:
            if rest.startswith(word):
                rest, changed = rest[len(word):], True
            elif rest.endswith(word) and rest[:-len(word)] == "":
                rest, changed = "", True
    return rest == ""


_ZH_JOINING = frozenset(("及", "与", "與", "和", "暨"))


def _zh_joined_words(text: str, cut: int, sep, suffix_start: int, places) -> int | None:
    """Where a name starts when a conjunction joins two short words of one name
    (公共服务及投诉部, 網絡安全及科技罪案調查科), not two bodies (招商银行和工商银行) nor a
    generic word and a body (政府與國際移民組織); None when the conjunction separates."""
    if sep.group() not in _ZH_JOINING or not 1 <= suffix_start - sep.end() <= 4:
        return None
    begin = cut
    for inner in _ZH_SUFFIX.finditer(text, cut, sep.start()):
        begin = inner.end()  # 马华公会 | 公共服务及投诉部: a body before is apart
    left = text[begin:sep.start()]
    if not 2 <= len(left) <= 4 or _zh_generic(left) or left in _ZH_NOT_LEFT:
        return None
    if places is not None and (places.lookup(left) is not None
                               or places.gazetteer.longest_at(text, sep.end()) is not None):
        return None  # 中国移动和中国电信集团: a place starts another body
    return begin


def zh_suffix_orgs(text: str, places=None) -> list[tuple[int, int, str]]:
    """(start, end, text) of Chinese organisation names: "最高人民法院", "明家犯罪集团".
    With places, a place before a generic tail is a description: 柬埔寨詐騙集團 is "a
    Cambodian fraud ring"."""
    found: list[tuple[int, int, str]] = []
    for m in _ZH_SUFFIX.finditer(text):
        suffix = m.group()
        if m.end() < len(text) and text[m.end()] in _ZH_NOT_AFTER \
                or text.startswith(_ZH_NOT_FOLLOWED.get(suffix, ()), m.end()):
            continue
        if len(suffix) == 1 and (m.start() == 0 or text[m.start() - 1] in _ZH_NOT_BEFORE):
            continue
        start = m.start()
        while start > 0 and m.start() - start < _ZH_MAX and _is_cjk(text[start - 1]):
            start -= 1
        cut = start
        for sep in _ZH_SEPARATOR.finditer(text, start, m.start()):
            if not text.startswith(_ZH_NOT_SEPARATORS, sep.start()):
                joined = _zh_joined_words(text, cut, sep, m.start(), places)
                cut = sep.end() if joined is None else joined
        start = cut
        prefix = text[start:m.start()]
        if len(prefix) + len(suffix) < 3 or (prefix and _zh_generic(prefix)) \
                or (not prefix and len(suffix) < 3):
            continue
        if prefix.endswith(_ZH_PLURAL):
            continue  # 福建各级法院: the courts of a province, not one court
        generic_tail = next((w for w in ("诈骗", "詐騙", "犯罪", "电诈", "電詐") if prefix.endswith(w)), "")
        if generic_tail and (_zh_generic(prefix[:-len(generic_tail)] or generic_tail) or (
                places is not None
                and getattr(places.lookup(prefix[:-len(generic_tail)]), "kind", None))):
            continue
        found.append((start, m.end(), text[start:m.end()]))
    # nested candidates (法務部 inside 法務部調查局): the longest wins
    out: list[tuple[int, int, str]] = []
    for cand in sorted(found, key=lambda c: (c[0], -(c[1] - c[0]))):
        if out and cand[0] < out[-1][1]:
            if cand[1] - cand[0] > out[-1][1] - out[-1][0]:
                out[-1] = cand
            continue
        out.append(cand)
    return out


# --- acronyms defined in the text: "Long Name (ACR)" / "ACR (Long Name)" ------

_DEF_PAREN = re.compile(r"[(（](?P<acr>[A-Z][A-Za-z0-9&.\-]{1,11}|[\u0e00-\u0e7f][\u0e00-\u0e7f.]{1,14})[)）]")
_REV_PAREN = re.compile(r"(?<![\w.])(?P<acr>[A-Z][A-Za-z0-9&\-]{1,11})[ \t]?[(（](?P<long>[^()（）\n]{6,120})[)）]")
_WORD = re.compile(r"[^\s()（）]+")
_LONG_STOP = frozenset(".;:!?\"“”«»")
_LINKS = frozenset("of and the for on in de du des la le les et d' del y e da do dos das di dan "
                   "bagi untuk pada contre pour sur la el los las al en".split())
_FACILITY_HEADS = frozenset("Airport Aéroport Aeropuerto Bandara Lapangan Port Pelabuhan Stadium "
                            "Zone Zona Kawasan Park Bridge Hospital".split())


# "et la", "and the", "y el": a conjunction and a determiner join two bodies; a long form
# does not run over them.
_TWO_BODIES = re.compile(r"\s(?:et|and|y|e|dan)\s+(?:la|le|les|l['’]|the|el|los|las)(?=[\s'’])")


def _sh_start(letters: str, long: str) -> int | None:
    """Schwartz-Hearst: where in long the long form of an acronym (letters) begins."""
    li = len(long) - 1
    for si in range(len(letters) - 1, -1, -1):
        c = letters[si]
        while li >= 0 and (long[li] != c or (si == 0 and (
                li > 0 and long[li - 1].isalnum() or _word_at(long, li) in _LINKS))):
            li -= 1
        if li < 0:
            return None
        li -= 1
    if li >= 0 and long[li] in "'’":
        return li + 1  # "l'Autorité ...": the name begins after the elision
    return long.rfind(" ", 0, li + 1) + 1


# Malay and Indonesian shorten names by syllables, not initials: "Kementerian Luar Negeri
# (Kemlu)", "Badan Reserse Kriminal (Bareskrim)", "Badan Narkotika Nasional (BNN)".
_SYLLABIC_LANGS = frozenset(("ms", "id"))


def _syllabic_start(letters: str, long: str) -> int | None:
    """Where in long the words begin whose leading letters, in order, spell the acronym:
    each word gives a prefix of itself or nothing (a link word, a trailing "Negeri"); the
    first word gives at least two letters and two words or more give some. The nearest
    start to the bracket wins. Work is bounded: at most 16 words x 12 letters."""
    words = [(m.start(), m.group().strip(",")) for m in re.finditer(r"\S+", long)][-16:]
    if len(letters) > 12:
        return None
    for first in range(len(words) - 1, -1, -1):
        word = words[first][1]
        if word in _LINKS or not word[:2].isalpha():
            continue
        if _spells(letters, [w for _, w in words[first:]]):
            return words[first][0]
    return None


def _spells(letters: str, words: list[str]) -> bool:
    """Whether letters split into prefixes of words in order, the first word giving two
    letters or more and at least two words giving some (iterative, no recursion)."""
    # states: (letters used, words used, words that gave letters)
    states = {(0, 0, 0)}
    for wi, word in enumerate(words):
        nxt = set()
        for used, _, gave in states:
            if used == len(letters):
                nxt.add((used, wi + 1, gave))
                continue
            if wi > 0:
                nxt.add((used, wi + 1, gave))  # this word gives nothing
            k = 0
            while used + k < len(letters) and k < len(word) and word[k] == letters[used + k]:
                k += 1
                if wi > 0 or k >= 2:
                    nxt.add((used + k, wi + 1, gave + 1))
        states = nxt
        if not states:
            return False
    return any(used == len(letters) and gave >= 2 for used, _, gave in states)


def _word_at(long: str, i: int) -> str:
    end = long.find(" ", i)
    return long[i:end if end >= 0 else len(long)].strip(",")


def _acronym_letters(acr: str) -> str:
    return "".join(c for c in acr.lower() if c.isalpha())


def another_expansion(acr: str, long: str, known: Iterable[str]) -> bool:
    """Whether a text spells out acr as long while the table knows another body under the
    same letters: "Bureau of Immigration (BI)" is not Bank Indonesia. The two long forms
    must both spell the letters and share no word stem (a translation shares them:
    "Organización"/"Organização")."""
    letters = _acronym_letters(acr)
    if len(letters) < 2 or _sh_start(letters, long.lower()) != 0:
        return False
    stems = {w[:4] for w in long.lower().split() if len(w) >= 4}
    others = [k for k in known if " " in k and _sh_start(letters, k.lower()) == 0]
    return bool(others) and all(norm_key(k) != norm_key(long) and not stems & {
        w[:4] for w in k.lower().split() if len(w) >= 4} for k in others)


def norm_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _latin_long_form(text: str, paren: int, acr: str, strict_case: bool,
                     syllabic: bool = False) -> tuple[int, int] | None:
    """(start, end) of the words before "(ACR)" that the acronym abbreviates."""
    letters = _acronym_letters(acr)
    if len(letters) < 2:
        return None
    window = text[max(0, paren - 200):paren]
    base = paren - len(window)
    words = [w for w in _WORD.finditer(window)]
    # stop at a sentence or quote boundary
    keep: list[re.Match[str]] = []
    for w in reversed(words):
        if any(c in _LONG_STOP for c in w.group()[-1:]) and keep:
            break
        keep.append(w)
        # link words do not count: "Secretaría contra la Violencia Sexual, Explotación y
        # Trata de Personas (SVET)" has four content words and five links
        content = sum(1 for k in keep if k.group().lower().strip(",") not in _LINKS)
        if content >= min(len(letters) + 3, 2 * len(letters) + 2) or len(keep) >= 3 * len(letters) + 4:
            break
    if not keep:
        return None
    keep.reverse()
    span_start = keep[0].start()
    long = window[span_start:].rstrip().lower()
    found = _sh_start(letters, long)
    if found is None and syllabic:
        found = _syllabic_start(letters, long)
    if found is None:
        return None
    start = base + span_start + found
    end = base + span_start + len(window[span_start:].rstrip())
    owner = text[start:end].split(" ", 1)
    if len(owner) == 2 and owner[0].endswith(("'s", "’s")):
        start += len(owner[0]) + 1  # "Interpol's Financial Crime ... Centre (IFCACC)": the owner is apart
    name_words = text[start:end].replace(",", " ").split()
    if len(name_words) < 2 or not name_words[0][:1].isupper() or name_words[0] in _LINKS:
        return None
    if (strict_case or syllabic) and any(
            not (w[:1].isupper() or w.lower() in _LINKS or w[:1].isdigit() or "-" in w)
            for w in name_words):
        return None  # Malay/Indonesian names are capitalised: "Pol ... menyatakan" is none
    if name_words[0] in _FACILITY_HEADS or name_words[-1] in _FACILITY_HEADS:
        return None
    if _TWO_BODIES.search(text, start, end):
        return None  # "Philippine National Police et la Commission ... (PAOCC)": two bodies
    return start, end


def _script_long_form(text: str, paren: int) -> tuple[int, int] | None:
    """Thai or Chinese words before "(ACR)": the run back to a space or punctuation,
    starting at a Thai head word or after Chinese separator words at its start."""
    end = paren
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > 0 and end - start < 60 and not text[start - 1].isspace() \
            and (_is_cjk(text[start - 1]) or "\u0e00" <= text[start - 1] <= "\u0e7f"):
        start -= 1
    if start == end:
        return None
    if "\u0e00" <= text[end - 1] <= "\u0e7f":
        head = _TH_HEAD.search(text, start, end)
        if head is None:
            return None
        start = head.start()
        # "มูลนิธิกระจกเงาและมูลนิธิเพื่อสิทธิมนุษยชนและการพัฒนา (HRDF)": the last of two bodies
        # of one kind (a different head word after "และ" may be part of the name:
        # สำนักงานคณะกรรมการกำกับหลักทรัพย์และตลาดหลักทรัพย์)
        for joined in _TH_AND_HEAD.finditer(text, start, end):
            if text.startswith(head.group(), joined.start() + len("และ")):
                start = joined.start() + len("และ")
    else:
        if end - start > 15:
            start = end - 15
        # the name starts after the last verb or preposition before it (藏身于克伦邦边防军);
        # conjunctions stay, as names hold them (网络安全及科技罪案调查科)
        for sep in _ZH_SEPARATOR.finditer(text, start, end - 1):
            if sep.group() not in _ZH_CONJUNCTIONS \
                    and not text.startswith(_ZH_NOT_SEPARATORS, sep.start()):
                start = sep.end()
        if not any(m.end() == end for m in _ZH_SUFFIX.finditer(text, max(start, end - 6), end)):
            return None  # a Chinese name ends with its kind (委员会, 银行...)
    return (start, end) if end - start >= 2 else None


# A Chinese abbreviation in brackets after its long form: 全国民主联盟（民盟）, 金融監督管理
# 委員會（金管會）. It is made of the long form's characters, in order.
_ZH_ABBREVIATION = re.compile("[（(]([\u4e00-\u9fff]{2,5})[)）]")


def _abbreviates(abbreviation: str, long: str) -> bool:
    # its last character is from the long form's kind (联盟, 委員會, 局)
    if len(abbreviation) >= len(long) or abbreviation[-1] not in long[-3:]:
        return False
    pos = 0
    for ch in abbreviation:
        pos = long.find(ch, pos) + 1
        if pos == 0:
            return False
    return True


def acronym_definitions(text: str, lang: str | None) -> list[tuple[int, int, int, int]]:
    """(long_start, long_end, acr_start, acr_end) of every "Long Name (ACR)" and
    "ACR (Long Name)" in text, in any script."""
    out = []
    for m in _ZH_ABBREVIATION.finditer(text):
        if m.start() and _is_cjk(text[m.start() - 1]):
            span = _script_long_form(text, m.start())
            if span and _abbreviates(m.group(1), text[span[0]:span[1]]):
                out.append((span[0], span[1], m.start(1), m.end(1)))
    strict = (lang or "en") == "en"
    for m in _DEF_PAREN.finditer(text):
        before = text[:m.start()].rstrip(" \t")
        if not before:
            continue
        last = before[-1]
        if last.isalpha() and last.isascii() or "\u00c0" <= last <= "\u024f":
            span = _latin_long_form(text, len(before), m.group("acr"), strict,
                                    syllabic=lang in _SYLLABIC_LANGS)
        elif _is_cjk(last) or "\u0e00" <= last <= "\u0e7f":
            span = _script_long_form(text, len(before))
        else:
            span = None
        if span:
            out.append((span[0], span[1], m.start("acr"), m.end("acr")))
    for m in _REV_PAREN.finditer(text):
        inner = m.group("long").strip()
        letters = _acronym_letters(m.group("acr"))
        if len(letters) < 2 or not inner[:1].isupper():
            continue
        if _sh_start(letters, inner.lower()) == 0:
            start = m.start("long") + (len(m.group("long")) - len(m.group("long").lstrip()))
            out.append((start, start + len(inner), m.start("acr"), m.end("acr")))
    return out
