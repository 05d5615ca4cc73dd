"""Organisations: canonical names across languages and acronyms, from an alias table.

nlp/data/orgs.tsv maps every alias (UN, U.N., Nations unies, Naciones Unidas, 联合国...)
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

from nlp.gazetteer import Gazetteer, Match, data_rows

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
        for path in extra_files:
            self._load(Path(path))
        self._load(DATA / "orgs.tsv")

    def _load(self, path: Path) -> None:
        for row in data_rows(path):
            name, aliases = row[0].strip(), (row + [""])[1]
            self.canonical.add(name)
            for alias in [name, *aliases.split("|")]:
                self.gazetteer.add(alias, name)
                # "police thaïlandaise" at the start of a sentence
                if alias and alias[0].islower():
                    self.gazetteer.add(alias[0].upper() + alias[1:], name)

    def find(self, text: str, tokens=None) -> list[Match[str]]:
        return self.gazetteer.find(text, tokens)

    def lookup(self, surface: str) -> str | None:
        """The canonical name of a whole surface form, or None when it is not in the table."""
        name = self.gazetteer.get(surface)
        if name is None:
            stripped = _TRAILING.sub("", _LEADING.sub("", surface.strip()))
            if stripped != surface:
                name = self.gazetteer.get(stripped)
        return name


_TRAILING_WORDS = frozenset("of and the for de du des la le del y et &".split())


def _strip_trailing_words(text: str) -> str:
    """text without connectors left dangling at its end ("Ministry of" -> "Ministry"),
    word by word, so a long run of them costs linear time (a regex here backtracked)."""
    while True:
        head, space, last = text.rpartition(" ")
        if not space or last not in _TRAILING_WORDS:
            return text
        text = head


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
    if len(text.split()) > 8:
        return None
    return text


# --- organisations named by pattern, for languages without model NER ----------

# Words that begin an organisation's name in the languages spaCy has no NER for here.
ORG_HEADS = frozenset("""
Ministerio Ministério Secretaría Secretaria Fiscalía Procuraduría Defensoría Policía Polícia
Audiencia Tribunal Corte Senado Cámara Câmara Congreso Congresso Cancillería Banco Comisión Comissão
Agencia Agência Oficina Instituto Universidad Universidade Federación Federação Asociación Associação
Dirección Direção Departamento Superintendencia Embajada Embaixada Consulado Ejército Exército Armada
Guardia Organización Organização Fundación Fundação Consejo Conselho Servicio Serviço Unidad Grupo
Migración Migraciones Gendarmería Prefectura Aduana Aduanas
Kementerian Kemenlu Badan Polda Polres Polresta Kepolisian Komisi Otoritas Satgas Direktorat Dinas
Lembaga Mahkamah Pengadilan Kejaksaan Dewan Majelis Kedutaan Konsulat Yayasan Universitas Tentara
Kagawaran Kawanihan Pambansang
""".split())
_CONNECTORS = frozenset("de del la las los el al a para contra sobre da do dos das di untuk pada "
                        "en".split())
_STOP_PUNCT = frozenset(".,;:!?()[]{}\"«»“”")


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
            if w in ORG_HEADS:  # the next organisation begins
                break
            if w[:1].isupper() or w.isdigit():
                last = j
            elif w.lower() not in _CONNECTORS and w not in ("-", "'"):
                break
            j += 1
        if last > i:
            start, end = tokens[i][1], tokens[last][2]
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
_CAP = r"[A-ZÀ-Ý][\w'’.-]*(?:\s+[A-ZÀ-Ý][\w'’.-]*){0,3}"
_MISSION = (r"(?P<kind>[Ee]mbassy|[Aa]mbassade|[Ee]mbajada|[Ee]mbaixada|[Kk]edutaan [Bb]esar|"
            r"[Cc]onsulate[ -][Gg]eneral|[Cc]onsulate|[Cc]onsulat général|[Cc]onsulat|"
            r"[Cc]onsulado [Gg]eneral|[Cc]onsulado)")
_OF = r"(?:of\s+(?:the\s+)?|de\s+(?:la\s+|l'|los\s+|las\s+)?|d'|del\s+|du\s+|des\s+|RI\s+)?"
_IN = r"(?:\s+(?:in|à|en|di|au|aux|at)\s+(?P<p2>" + _CAP + "))?"
_EMBASSY = re.compile(r"\b" + _MISSION + r"\s+" + _OF + "(?P<p1>" + _CAP + ")" + _IN)
_EMBASSY_DEMONYM = re.compile(r"\b(?P<p1>[A-Z][A-Za-zé.]+)\s+(?P<kind>[Ee]mbassy|[Cc]onsulate)" + _IN)
_MISSION_NAMES = {"consul": "Consulate", "general": "Consulate General"}


def embassy_orgs(text: str, places) -> list[tuple[int, int, str, str]]:
    """(start, end, text, English name) of embassies and consulates named after a country."""
    out = []
    for pattern in (_EMBASSY, _EMBASSY_DEMONYM):
        for m in pattern.finditer(text):
            country, end = _longest_place(m.group("p1"), places, countries_only=True)
            if country is None:
                continue
            kind = m.group("kind").lower()
            label = ("Consulate General" if "gen" in kind else "Consulate") \
                if "consul" in kind else "Embassy"
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
    return out


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
}
_ZH_ADMIN = "(?:市|省|州|县|區|区|自治区)?"


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
        out.append((m.start(), m.end(), m.group(), name))
    return out


_ZH_CACHE: dict[int, object] = {}


def _zh_pattern(places):
    key = id(places)
    if key not in _ZH_CACHE:
        import re as _re

        names = [n for n in places.gazetteer._unspaced if _re.fullmatch("[\u4e00-\u9fff]{2,8}", n)]
        if not names:
            _ZH_CACHE[key] = None
        else:
            alt = "|".join(sorted(map(_re.escape, names), key=len, reverse=True))
            suffixes = "|".join(sorted(_ZH_SUFFIXES, key=len, reverse=True))
            _ZH_CACHE[key] = _re.compile(
                f"(?P<p1>{alt}){_ZH_ADMIN}(?:驻(?P<p2>{alt}){_ZH_ADMIN})?(?P<suffix>{suffixes})")
    return _ZH_CACHE[key]


@lru_cache(maxsize=4)
def default_orgs(extra_files: tuple[str, ...] = ()) -> OrgTable:
    return OrgTable(extra_files)
