"""Entities: spaCy NER (en, fr) combined with the place/organisation gazetteers and money rules.

spaCy models are loaded with only the NER component (the sm models' NER has its
own tok2vec, so tok2vec, tagger, parser, lemmatizer... are excluded: 1.5-2x
faster than the full pipeline), once per process, and run over batches of
paragraphs of one language by nlp.ner_pipe (nlp.pipe's entities for half its
CPU). Every language gets gazetteer places, alias organisations and money; en
and fr also get model NER, which adds unknown organisations, people and
places, and whose known errors the gazetteers correct:
- demonyms tagged as places or organisations ("Malaisiens", "Ugandan") are
  nationalities, never places;
- spans cut short ("Amérique" of "Amérique latine") lose to the longer
  gazetteer match;
- a place inside a longer organisation name ("Bangkok Post") is not a place;
- small towns from geonames need spaCy to agree they are places;
- money spans are never places ("dolar AS", ดอลลาร์สหรัฐ);
- names cut short are completed (joined at "and", extended to a known "(ACRONYM)").
Without a model (es, id, th, zh, vi...), organisations are also found by pattern:
head words (Ministerio, Badan...), place-anchored Chinese names, embassies.
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

from nlp.errors import ModelUnavailable
from nlp.gazetteer import Match, casekey, is_unspaced, plain_latin, tokenize
from nlp.options import NlpOptions
from nlp.orgs_romance import keeps_place_suffix, ministry_name, romance_orgs
from nlp.orgs import (ORG_HEADS, OrgTable, acronym_definitions, another_expansion, clean_org_surface, company_orgs,
                      looks_like_person,
                      default_orgs, embassy_orgs, lowercase_head_orgs, pattern_orgs,
                      place_anchored_orgs,
                      thai_embassy_orgs, thai_orgs, thai_place_name, vi_orgs, zh_place_orgs,
                      zh_quoted_orgs, zh_suffix_orgs, zh_word_starts)
from nlp.place_patterns import (admin_places, airport_places, compass_after, thai_admin_places,
                                 zh_admin_places, zh_airports)
from nlp.places import (FOCUS_COUNTRIES, Nationality, PlaceGazetteer, PlaceInfo, default_places,
                        function_words)
from nlp.records import Entities, Org, Person, Place

from nlp.money import find_money
from nlp.ner_pipe import ner_pipe

log = logging.getLogger(__name__)

# Everything in the sm pipelines except NER (whose tok2vec is internal to it).
NON_NER_COMPONENTS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer",
                      "morphologizer", "senter", "sentencizer", "trainable_lemmatizer"]

SPACY_MAX_CHARS = 999_999  # spaCy refuses longer texts (nlp.max_length)
# NER runs on paragraphs, many per batch: a fifth less CPU than whole texts in
# batches of 32 (less padding between docs of very different lengths), and no entity
# spans a paragraph break anyway.
NER_BATCH_PARAGRAPHS = 128

PLACE_LABELS = {"GPE", "LOC", "FAC"}
ORG_LABELS = {"ORG"}
PERSON_LABELS = {"PERSON", "PER"}
NORP_LABELS = {"NORP"}

_PLACE_JUNK = {"Etat", "État", "Sud", "Nord", "Est", "Ouest", "North", "South", "East", "West",
               "Earth", "Internet", "Web", "Capitol", "City", "Province", "State", "Région",
               "Region", "Zone", "Park", "Central", "Pays", "Ville", "Mairie", "États", "Etats",
               "Estados", "Commonwealth"}
# Not names, whatever spaCy says: currency codes and tickers, common acronyms.
_NOT_NAMES = {"SEZ", "POGO", "POGOS", "USD", "USDT", "US$", "BTC", "ETH", "THB", "CNY", "RMB", "PHP", "EUR", "KHR",
              "MMK", "IDR", "VND", "MYR", "SGD", "HKD", "LAK", "SIM", "AI", "CEO", "GDP", "IT",
              "ATM", "VPN", "SMS", "OTP", "KYC", "ID", "PDF", "TV", "CCTV", "GPS", "NGO", "NGOS",
              "TEL", "FAX", "VIP", "Q1", "Q2", "Q3", "Q4"}
_PERSON_JUNK = {"Mr", "Mrs", "Ms", "Dr", "Sir", "Lord", "God", "Allah", "Buddha", "Selon",
                "Según", "Photo", "Reuters", "AFP", "AP"}


# The tokenizer factory load_model names in the pipeline's config (see _saved_tokenizer).
SAVED_TOKENIZER = "scamscope.saved_tokenizer.v1"
# What a pipeline's saved tokenizer must hold for it to replace the language's default
# entirely (Tokenizer.from_bytes resets each of these, then reads it from the file).
_TOKENIZER_FIELDS = {"prefix_search", "suffix_search", "infix_finditer", "token_match",
                     "url_match", "exceptions", "faster_heuristics"}


@lru_cache(maxsize=None)
def load_model(name: str):
    """The spaCy model `name` with only NER enabled (cached per process).

    spacy.load first builds the language's default tokenizer from the config (over a
    thousand special cases, each tokenised and turned into lexemes), then reads the
    pipeline's saved tokenizer, which resets every rule, pattern and exception and
    replaces them; the vocabulary, read in between, drops the lexemes the first build
    made. When the saved tokenizer holds every field, the first build is skipped: an
    empty tokenizer stands in for it (a third of the English model's load; the same
    tokens, norms and entities)."""
    import spacy

    if _saved_tokenizer_complete(name):
        _register_saved_tokenizer()
        return spacy.load(name, exclude=NON_NER_COMPONENTS,
                          config={"nlp": {"tokenizer": {"@tokenizers": SAVED_TOKENIZER}}})
    return spacy.load(name, exclude=NON_NER_COMPONENTS)


def _saved_tokenizer_complete(name: str) -> bool:
    """Whether the installed pipeline `name` has a saved tokenizer with every field."""
    import srsly
    from spacy.util import get_package_path

    try:
        files = list(get_package_path(name).glob("*/tokenizer"))
        return len(files) == 1 and _TOKENIZER_FIELDS <= set(srsly.read_msgpack(files[0]))
    except Exception as exc:  # not a package (a path), unreadable: load the usual way
        log.debug("spaCy pipeline %s: no readable saved tokenizer (%s)", name, exc)
        return False


@lru_cache(maxsize=1)
def _register_saved_tokenizer() -> None:
    from spacy.tokenizer import Tokenizer
    from spacy.util import registry

    @registry.tokenizers(SAVED_TOKENIZER)
    def _saved_tokenizer():
        def create(nlp):
            return Tokenizer(nlp.vocab)  # filled by the pipeline's saved tokenizer
        return create


def installed_model(names: Sequence[str]) -> str | None:
    """The first name in names that is an installed spaCy package."""
    import spacy.util

    for name in names:
        if spacy.util.is_package(name):
            return name
    return None


@dataclass
class _Span:
    start: int
    end: int
    text: str
    label: str


def _hits(start: int, end: int, spans) -> bool:
    return any(start < e and s < end for s, e in spans)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _inside(inner_start: int, inner_end: int, outer_start: int, outer_end: int) -> bool:
    return outer_start <= inner_start and inner_end <= outer_end and \
        (outer_end - outer_start) > (inner_end - inner_start)


def _strip_possessive(text: str, start: int, end: int) -> tuple[str, int, int]:
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            cut = len(suffix)
            return text[:-cut], start, end - cut
    for prefix in ("the ", "The "):
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            return text[len(prefix):], start + len(prefix), end
    return text, start, end


class EntityExtractor:
    """Finds places, organisations, people and money in texts of any language."""

    def __init__(self, options: NlpOptions | None = None, places: PlaceGazetteer | None = None,
                 orgs: OrgTable | None = None) -> None:
        self.options = options or NlpOptions()
        self.places = places or default_places(cache_dir=self.options.cache_dir or None)
        self.orgs = orgs or default_orgs()
        self._models: dict[str, Any] = {}
        self._warned: set[str] = set()

    # -- models ----------------------------------------------------------
    def model_name(self, lang: str | None) -> str | None:
        names = self.options.models.get(lang or "")
        if not names:
            return None
        return installed_model(names)

    def model(self, lang: str | None):
        """The NER-only spaCy pipeline for lang, or None when lang has no model configured.

        A configured language whose models are all missing is logged once and gets
        gazetteer entities only.
        """
        if not lang or lang not in self.options.models:
            return None
        if lang not in self._models:
            name = self.model_name(lang)
            if name is None:
                if lang not in self._warned:
                    self._warned.add(lang)
                    log.warning("%s", ModelUnavailable(lang, self.options.models[lang]))
                self._models[lang] = None
            else:
                self._models[lang] = load_model(name)
        return self._models[lang]

    # -- extraction ------------------------------------------------------
    def extract(self, text: str, lang: str | None, country: str | None = None) -> Entities:
        return self.extract_many([(text, lang, country)])[0]

    def extract_many(self, items: Sequence[tuple[str, str | None] | tuple[str, str | None, str | None]],
                     tokens: Sequence[list] | None = None) -> list[Entities]:
        """Entities of each (text, lang) or (text, lang, source country); spaCy runs
        batched per language. The source country reads ambiguous money marks."""
        limit = min(self.options.max_text_chars, SPACY_MAX_CHARS)
        texts = [item[0][:limit] for item in items]
        countries = [item[2] if len(item) > 2 else None for item in items]
        found: list[list[_Span] | None] = [None] * len(items)  # None: no model for the text
        by_lang: dict[str, list[int]] = {}
        for i, (_, lang, *_rest) in enumerate(items):
            if lang and self.model(lang) is not None:
                by_lang.setdefault(lang, []).append(i)
        for lang, idxs in by_lang.items():
            # Each distinct paragraph once (bylines, captions and site lines recur), and
            # none without a capital letter: the models' names (people, organisations,
            # places) are capitalised in the languages they cover.
            where: dict[str, list[tuple[int, int]]] = {}
            for i in idxs:
                found[i] = []
                for start, paragraph in _paragraphs(texts[i]):
                    if paragraph.lower() != paragraph:
                        where.setdefault(paragraph, []).append((i, start))
            # Shortest first: a batch costs as many parser steps as its longest paragraph
            # has tokens, so batches of like lengths waste fewer (each paragraph's
            # entities do not depend on its batch).
            paragraphs = sorted(where, key=len)
            docs = ner_pipe(self._models[lang], paragraphs, NER_BATCH_PARAGRAPHS)
            for paragraph, doc in zip(paragraphs, docs):
                for i, start in where[paragraph]:
                    found[i].extend(_Span(start + e.start_char, start + e.end_char, e.text,
                                          e.label_) for e in doc.ents)
            for i in idxs:  # a paragraph first seen in an earlier text came out early
                found[i].sort(key=lambda span: span.start)
        out = []
        for i, (text, lang) in enumerate(zip(texts, (item[1] for item in items))):
            toks = tokens[i] if tokens is not None else None
            out.append(self.combine(text, lang, found[i], toks, countries[i]))
        return out

    def combine(self, text: str, lang: str | None, ner: list[_Span] | None = None,
                tokens=None, country: str | None = None) -> Entities:
        """Merge gazetteer matches, spaCy's entities (ner; None when no model ran) and money."""
        if tokens is None:
            tokens = tokenize(text)
        gaz_places = _with_pattern_places(self.places.find(text, tokens), text, tokens, lang,
                                          country)
        gaz_orgs = self._pattern_orgs(text, tokens, self.orgs.find(text, tokens),
                                      with_latin=ner is None, lang=lang)
        spans = _merge_org_spans(text, ner) if ner else []
        has_ner = ner is not None

        entities = Entities()
        entities.money = list(find_money(text, lang, country))
        money_spans = [(m.start, m.end) for m in entities.money]
        gaz_places = [m for m in gaz_places if not _hits(m.start, m.end, money_spans)]
        gaz_orgs = [m for m in gaz_orgs if not _hits(m.start, m.end, money_spans)]
        spans = [s for s in spans if not _hits(s.start, s.end, money_spans)
                 and s.text.strip().upper() not in _NOT_NAMES]
        nationalities: dict[str, None] = {}
        # a place inside an organisation's name is part of the name (Royal Thai Police,
        # 上海市公安局, Policía Nacional del Perú, Công an tỉnh An Giang): the gold
        # convention, and what a reader filtering by place expects
        org_spans = [(m.start, m.end) for m in gaz_orgs]
        ner_org_spans = [(s.start, s.end) for s in spans if s.label in ORG_LABELS]
        ner_person_spans = [(s.start, s.end) for s in spans if s.label in PERSON_LABELS]
        ner_place_spans = [(s.start, s.end) for s in spans if s.label in PLACE_LABELS]

        # 1. gazetteer places and nationalities
        place_spans: list[tuple[int, int]] = []
        # the countries the article names, directly or by a province or a big city (and its
        # source's): their small towns are meant ("Alajuela" beside "Guanacaste")
        doc_countries = _document_countries(gaz_places, country)
        for m in gaz_places:
            value = m.value
            if isinstance(value, Nationality):
                nationalities[value.name] = None
                place_spans.append((m.start, m.end))  # blocks spaCy LOC/ORG on a demonym
                continue
            if value.kind != "country" and not is_unspaced(m.text) \
                    and casekey(m.text) in _place_function_words(lang):
                continue  # Indonesian "Lima orang..." is "five people", not Peru's capital
            if value.kind != "country" and _thai_word_end(text, m.start, m.end):
                continue  # เลย of จำเลย ("defendant") is not Loei
            if _in_currency_name(text, m.start, m.end):
                continue  # ดอลลาร์สหรัฐ, "dolar Singapura", 新加坡元: a currency, not a place
            if (m.start, m.end) in org_spans and value.kind not in ("country", "hub") \
                    and value.country != country \
                    and not any(getattr(p.value, "country", None) == value.country
                                for p in gaz_places if p is not m):
                continue  # "Meta" beside Google: the company, not a far country's province
            if not self._keep_gazetteer_place(text, m, value, has_ner, org_spans, ner_org_spans,
                                              ner_person_spans, ner_place_spans, lang,
                                              doc_countries):
                continue
            place_spans.append((m.start, m.end))
            entities.places.append(Place(m.text, value.name, value.country, m.start, m.end,
                                         value.kind, value.lat, value.lon))

        # 2. alias organisations (not those that are exactly a place name)
        for m in gaz_orgs:
            if any(_overlaps(m.start, m.end, s, e) and (e - s) >= (m.end - m.start)
                   for s, e in place_spans):
                continue
            if has_ner and self._seat_before(text, m, ner_org_spans):
                continue  # spaCy's "the Dubai Criminal Court" is not Thailand's Criminal Court
            name, full_end = self._acronym_after(text, m.end)
            if name is not None and full_end > m.end:
                # "ministère des Affaires étrangères, du Commonwealth et du Développement
                # (FCDO)": the alias is the start of a longer, known name
                entities.orgs.append(Org(text[m.start:full_end], name, m.start, full_end))
                continue
            if name is not None and isinstance(m.value, _PatternName) and m.value == m.text \
                    and not self._other_country(m.text, name):
                # "Cục Cảnh sát điều tra tội phạm về trật tự xã hội (C02)": a name found by
                # its shape takes the known acronym's canonical name
                entities.orgs.append(Org(m.text, name, m.start, m.end))
                continue
            entities.orgs.append(Org(m.text, str(m.value), m.start, m.end))
        taken_orgs = [(o.start, o.end) for o in entities.orgs]

        # 3. spaCy entities the gazetteers did not cover
        person_words = {w for s in spans if s.label in PERSON_LABELS for w in s.text.split()}
        for span in spans:
            if span.label in PLACE_LABELS:
                self._ner_place(text, span, entities, nationalities, place_spans, taken_orgs,
                                lang, person_words)
            elif span.label in ORG_LABELS:
                self._ner_org(text, span, entities, nationalities, place_spans, taken_orgs)
            elif span.label in PERSON_LABELS:
                self._ner_person(text, span, entities, place_spans, taken_orgs)
            elif span.label in NORP_LABELS:
                value = self.places.lookup(span.text)
                if isinstance(value, Nationality):
                    nationalities[value.name] = None

        self._apply_acronyms(text, lang, entities)
        _short_forms_and_branches(text, lang, entities)
        self._rivers(text, entities, place_spans)
        if not has_ner:
            taken = place_spans + [(o.start, o.end) for o in entities.orgs]
            for start, end, name in pattern_people(text):
                if not _hits(start, end, taken) and self.places.lookup(name) is None \
                        and self.orgs.lookup(name) is None:
                    entities.people.append(Person(name, name, start, end))

        self._places_follow_document(entities, country)
        entities.places = _dedupe(entities.places, lambda p: (p.name, p.text))
        entities.orgs = _dedupe(entities.orgs, lambda o: (o.name, o.text))
        entities.people = _dedupe(_full_names(entities.people), lambda p: (p.name,))
        entities.nationalities = sorted(nationalities)
        return entities

    # -- rules -----------------------------------------------------------
    def _places_follow_document(self, entities: Entities, country: str | None) -> None:
        """A town whose name is shared across countries is the one in a country the
        document names (or its source's country), not the most populous one elsewhere."""
        countries = {p.country for p in entities.places if p.kind == "country" and p.country}
        if country:
            countries.add(country.upper())
        for i, p in enumerate(entities.places):
            if p.kind != "city" or p.country in countries:
                continue
            info = self.places.lookup(p.text)
            if not isinstance(info, PlaceInfo):
                continue
            alt = self.places.in_country(info, p.text, countries)
            if alt is not info:
                entities.places[i] = Place(p.text, alt.name, alt.country, p.start, p.end,
                                           alt.kind, alt.lat, alt.lon)

    def _apply_acronyms(self, text: str, lang: str | None, entities: Entities) -> None:
        """"Long Name (ACR)" / "ACR (Long Name)" defined in the text: one organisation
        under one name, and every later bare ACR is that organisation too."""
        done: set[str] = set()
        for ls, le, a_s, a_e in acronym_definitions(text, lang):
            if _HAS_CJK.search(text[le - 1:le]):
                acr_known = self.orgs.lookup(text[a_s:a_e])
                found_here = [o.start for o in entities.orgs if o.end == le and ls <= o.start
                              and (acr_known is None or o.name == acr_known)]
                ls = min(found_here) if found_here else self._known_tail(text, ls, le, acr_known)
            owner = _POSSESSIVE_INSIDE.search(text, ls, le)
            if owner is not None and text[owner.end():owner.end() + 1].isupper():
                ls = owner.end()  # "Philippine National Police's Anti-Cybercrime Group (PNP-ACG)"
            long, acr = text[ls:le], text[a_s:a_e]
            acr_place = self.places.lookup(acr)
            if acr in done or acr.upper() in _NOT_NAMES \
                    or isinstance(self.places.lookup(long), PlaceInfo) \
                    or (isinstance(acr_place, PlaceInfo) and acr_place.kind in ("country", "region")):
                continue  # "Kepulauan Riau (Kepri)", "Amérique latine (AL)": places
            done.add(acr)
            if len(done) > _MAX_DEFINITIONS:  # bounded: each one scans the text once
                break
            covering = [o for o in entities.orgs if o.start <= ls and le <= o.end]
            if covering and covering[0].end == le and covering[0].start < ls \
                    and ls - covering[0].start <= _HEAD_BEFORE_LONG:
                # "Kementerian Komunikasi dan Digital (Komdigi)", "Pusat Pelaporan ...
                # (PPATK)": the letters skip the head word, the name does not
                ls, long = covering[0].start, text[covering[0].start:le]
            acr_name = self.orgs.lookup(acr)
            if acr_name is not None and (self._other_country(long, str(acr_name)) or
                                         another_expansion(acr, long, self.orgs.aliases.get(
                                             str(acr_name), ()))):
                acr_name = None  # the text's own long form says which body it is
            name = (acr_name or self.orgs.lookup(long)
                    or (covering[0].name if covering and (covering[0].start, covering[0].end)
                        == (ls, le) else None)
                    or _strip_possessive(long, ls, le)[0])
            uses = [span for span in _occurrences(text, acr) if span != (a_s, a_e)]
            spans = sorted([(ls, le), (a_s, a_e), *uses])
            starts = [s for s, _ in spans]
            entities.orgs = [o for o in entities.orgs if not _hits_sorted(o.start, o.end, spans,
                                                                          starts)]
            entities.orgs.append(Org(long, name, ls, le))
            for s, e in [(a_s, a_e), *uses]:
                entities.orgs.append(Org(acr, name, s, e))
            # a gazetteer town that shares the acronym's letters ("MAPO") is the organisation
            entities.places = [p for p in entities.places
                               if not _hits_sorted(p.start, p.end, spans, starts)]
            for o in entities.orgs:
                if o.text == long:
                    o.name = name

    def _thai_edges(self, text: str, known: Match) -> Match:
        """A known Thai name with the kind word written before it (กลุ่มคิงส์โรมันส์,
        สายการบินไชน่า อีสเทิร์น) and the country written after it (ตำรวจแห่งชาติกัมพูชา: then
        the body is that country's, so a generic ministry keeps its generic name and a Thai
        body's name becomes the surface). Bounded: a few kind words and one scan."""
        start, end, value = known.start, known.end, known.value
        kind = next((k for k in _TH_KIND_WORDS if text.endswith(k, 0, start)
                     and not known.text.startswith(k)), None)
        if kind:
            start -= len(kind)
        after = self.places.gazetteer.longest_at(text, end)
        if after is not None and getattr(after.value, "kind", None) == "country":
            if after.value.country != "TH":
                generic = str(value).removeprefix("Thai ")
                value = generic if generic.startswith("Ministry of ") else None
            end = after.end
        if (start, end) == (known.start, known.end):
            return known
        surface = text[start:end]
        return Match(start, end, surface, self.orgs.lookup(surface) or value or surface)

    def _zh_country_before(self, text: str, known: Match) -> Match:
        """A known Chinese name with its country written before it (美国联邦调查局): the
        country is part of the name as written. Only for names that do not already say
        whose they are ("Chinese Ministry of Public Security" is not Laos's). Bounded: 9
        lookups."""
        for size in range(min(10, known.start), 1, -1):
            place = self.places.gazetteer.unspaced(text[known.start - size:known.start])
            if getattr(place, "kind", None) == "country" and zh_word_starts(text, known.start - size):
                first = str(known.value).split(" ", 1)[0]
                if first in ("US", "UN", "EU") or self.places.lookup(first) is not None:
                    return known
                start = known.start - size
                return Match(start, known.end, text[start:known.end], known.value)
        return known

    def _unit_of_known(self, text: str, start: int, end: int, known: Match) -> str | None:
        """The name of a guessed Chinese or Thai name that begins with a known body and
        goes on: a unit of it (外交部領事事務局, 联合国难民署, 中国建设银行广西分行: the
        surface) or, in Thai, the same kind of body of another country (กระทรวงมหาดไทย
        กัมพูชา: a generic ministry keeps its generic name). None when it is not such a name."""
        if known.start != start or known.end >= end:
            return None
        rest = text[known.end:end]
        if _HAS_THAI.search(rest):
            if getattr(self.places.lookup(rest), "kind", None) != "country":
                return None
            generic = str(known.value).removeprefix("Thai ")
            return generic if generic.startswith("Ministry of ") else text[start:end]
        # 法務部調查局 | 洗錢防制處: a bureau's division is named apart; 中国移动和...: two
        # bodies, not one and its unit
        if len(rest) < 2 or not _HAS_CJK.search(rest) or known.text.endswith(_ZH_BUREAU_ENDS) \
                or rest[0] in "及与與和暨并並或":
            return None
        if rest in _ZH_SAME_BODY:
            return str(known.value)  # 柬埔寨国家警察总署: the body with its kind word
        return text[start:end]

    def _known_tail(self, text: str, start: int, end: int, acronym_name: str | None) -> int:
        """Where a guessed Chinese long form begins when its end is a known name, the
        acronym's own when the acronym is known: "...呼籲政府與國際移民組織（IOM）" is
        國際移民組織, "美国财政部外国资产控制办公室（OFAC）" the office. Bounded: one lookup per
        character of a long form of at most 15."""
        tails = [(k, self.orgs.lookup(text[k:end])) for k in range(start, end - 1)]
        known = [k for k, name in tails if name is not None
                 and (acronym_name is None or name == acronym_name)]
        return known[0] if known else start

    def _pattern_orgs(self, text: str, tokens, alias_matches: list[Match], *,
                      with_latin: bool, lang: str | None = None) -> list[Match]:
        """Alias matches plus organisations named by pattern; longer names win."""
        if _HAS_THAI.search(text):
            alias_matches = [self._thai_edges(text, a) if _HAS_THAI.search(a.text) else a
                             for a in alias_matches]
        extra: list[Match] = []
        if is_unspaced(text):
            extra += [Match(s, e, t, name) for s, e, t, name in zh_place_orgs(text, self.places)]
        if _HAS_CJK.search(text):
            anchored = {m.end for m in extra}  # 肯尼亚外交部 is named by its place already
            alias_matches = [self._zh_country_before(text, a)
                             if _HAS_CJK.search(a.text[:1]) and a.end not in anchored else a
                             for a in alias_matches]
        found = list(alias_matches)
        # names whose edges are guessed (no spaces in Thai or Chinese) yield to known ones
        guessed = []
        if _HAS_CJK.search(text):
            guessed += zh_suffix_orgs(text, self.places) + zh_quoted_orgs(text)
        if _HAS_THAI.search(text):
            guessed += thai_orgs(text)
            extra += [Match(s, e, t, name) for s, e, t, name in thai_embassy_orgs(text, self.places)]
        if with_latin and _HAS_VIETNAMESE.search(text):
            guessed += vi_orgs(text, tokens)
        # a name made of a kind and its place ("Đoàn Luật sư TP Hồ Chí Minh") takes its
        # English name before the same span guessed from its head
        extra += [Match(s, e, t, self.orgs.lookup(t) or name)
                  for s, e, t, name in place_anchored_orgs(text, tokens, self.places)]
        for s, e, t in guessed:
            inside = [a for a in alias_matches if _overlaps(s, e, a.start, a.end)]
            if len(inside) > 1 and _HAS_CJK.search(t) and inside[-1].start > s:
                # 美联社援引东盟秘书处: the name starts at the last known body in the run
                s, t, inside = inside[-1].start, text[inside[-1].start:e], inside[-1:]
            if not inside:
                extra.append(Match(s, e, t, self.orgs.lookup(t) or thai_place_name(t, self.places)
                                   or t))
            elif len(inside) == 1:
                known = inside[0]
                local = thai_place_name(t, self.places) if known.start == s else None
                if local:  # ตม.จังหวัดตาก: a known body's office named by its place
                    extra.append(Match(s, e, t, local))
                    continue
                if t.startswith("บริษัท") and s < known.start and known.end <= e:
                    # บริษัท การบินไทย จำกัด (มหาชน): a company whose name is known
                    extra.append(Match(s, e, t, self.orgs.lookup(t) or known.value))
                    continue
                unit = self._unit_of_known(text, s, e, known)
                if unit:
                    extra.append(Match(s, e, t, self.orgs.lookup(t) or unit))
                elif known.start == s and known.text.endswith(_ZH_BUREAU_ENDS) \
                        and e - known.end >= 3:
                    # 法務部調查局洗錢防制處: the bureau is known, its division named apart
                    rest = text[known.end:e]
                    extra.append(Match(known.end, e, rest, self.orgs.lookup(rest) or rest))
        extra += [Match(s, e, t, name) for s, e, t, name in embassy_orgs(text, self.places)]
        extra += [Match(s, e, t, self.orgs.lookup(t) or t) for s, e, t in
                  company_orgs(text, tokens) + lowercase_head_orgs(text, tokens)]
        extra += [Match(s, e, t, self.orgs.lookup(t) or name or t)
                  for s, e, t, name in romance_orgs(text, tokens, lang)]
        if with_latin:
            for s, e, t in pattern_orgs(text, tokens):
                # "Secretaría de Relaciones Exteriores de México": the place is not part of it
                head = self._without_place_suffix(self._cut_at_and(self._cut_at_en_place(
                    self._cut_after_country(t))), lang)
                head = self._known_before_place(head)
                if head != t:
                    t, e = head, s + len(head)
                if t.startswith("Polis ") and text[max(0, s - 6):s] == "Ketua ":
                    continue  # "Ketua Polis Kelantan": a state police chief's title
                if t.split(" ", 1)[0] in _COMPANY_WORDS and len(t.split()) >= 3:
                    # "Syarikat Permata Kerjaya Resources": "company", then its name
                    cut = len(t.split(" ", 1)[0]) + 1
                    s, t = s + cut, t[cut:]
                known = self._known_prefix(t)  # "... Komersial Bukit Aman": the unit is known
                extra.append(Match(s, e, t, self.orgs.lookup(t) or (
                    self.orgs.lookup(known) if known else None) or ministry_name(t) or t))
        for m in extra:
            same = [a for a in found if (a.start, a.end) == (m.start, m.end)]
            if same:
                continue  # the alias table's canonical name wins
            m = Match(m.start, m.end, m.text, _PatternName(m.value))
            if any(_overlaps(m.start, m.end, a.start, a.end)
                   and (a.end - a.start) >= (m.end - m.start) for a in found):
                continue
            found = [a for a in found if not _overlaps(m.start, m.end, a.start, a.end)]
            found.append(m)
        return sorted(found, key=lambda m: m.start)

    def _keep_gazetteer_place(self, text: str, m: Match, place: PlaceInfo, has_ner: bool,
                              org_spans,
                              ner_org_spans, ner_person_spans, ner_place_spans,
                              lang: str | None, doc_countries: set[str]) -> bool:
        strong = place.kind in ("country", "hub", "region") or place.population == 0
        # inside a known organisation's name ("Royal Thai Police", ตำรวจไทย), except a
        # country named first as in "Myanmar junta"
        for s, e in org_spans:
            country_first = (place.kind == "country" and m.start == s and m.end < e
                             and not is_unspaced(m.text))
            if _inside(m.start, m.end, s, e) and not country_first:
                return False
        if has_ner:
            # inside a longer organisation name spaCy found ("Taiwan Semiconductor",
            # "Bangkok Post"), unless possessive ("Thailand's Department of ...")
            # (an ORG that is the place itself, "the Ninoy Aquino International Airport",
            # is spaCy naming a facility, not a longer name)
            if any(_inside(m.start, m.end, s, e) and not _same_but_article(text, m, s, e)
                   for s, e in ner_org_spans) \
                    and place.kind != "hub" and text[m.end:m.end + 1] not in ("'", "’"):
                return False
            if not strong:
                # geonames town: spaCy must agree it is a place, unless it is a big or
                # regional one that spaCy did not tag as something else
                if any(_inside(m.start, m.end, s, e) for s, e in ner_place_spans):
                    return False  # "Airport" of "Ninoy Aquino International Airport"
                if any(_overlaps(m.start, m.end, s, e) for s, e in ner_place_spans):
                    return True
                if any(_overlaps(m.start, m.end, s, e) and not (m.start <= s and e <= m.end)
                       for s, e in ner_org_spans):
                    return False  # part of a longer organisation name ("THO" of "CAN THO" is not)
                # spaCy's sm models take many Asian town names for people ("Long Xuyen")
                for s, e in ner_person_spans:
                    if _overlaps(m.start, m.end, s, e) and not (
                            (s, e) == (m.start, m.end) and (place.country in FOCUS_COUNTRIES
                                                            or place.country in doc_countries)):
                        return False
                # a town of a country the article is about ("Villa María" in a story
                # about Córdoba) counts like a town of the region
                return place.population >= 1_000_000 or (
                    (place.country in FOCUS_COUNTRIES or place.country in doc_countries)
                    and place.population >= 50_000) or (
                    place.country in FOCUS_COUNTRIES and place.country in doc_countries)
            if any(_inside(m.start, m.end, s, e) for s, e in ner_person_spans) \
                    and place.kind == "city":
                return False
            return True
        if not strong:
            if _inside_longer_name(text, m.start, m.end):
                return False  # "Tanjung" of "Tanjung Priok"
            return place.population >= 100_000 or place.country in FOCUS_COUNTRIES \
                or place.country in doc_countries  # Alajuela in a Costa Rican paper
        return True

    def _ner_place(self, doc_text: str, span: _Span, entities: Entities, nationalities, place_spans,
                   taken_orgs, lang: str | None, person_words: set[str]) -> None:
        if any(_overlaps(span.start, span.end, s, e) for s, e in place_spans + taken_orgs):
            return
        text, start, end = _strip_possessive(span.text.strip(), span.start, span.end)
        value = self.places.lookup(text)
        if isinstance(value, Nationality):
            nationalities[value.name] = None
            return
        if isinstance(value, PlaceInfo):
            entities.places.append(Place(text, value.name, value.country, start, end, value.kind,
                                         value.lat, value.lon))
            place_spans.append((start, end))
            return
        org = self.orgs.lookup(text)
        if org:
            entities.orgs.append(Org(text, org, start, end))
            taken_orgs.append((start, end))
            return
        if not _good_name(text) or text in _PLACE_JUNK or self._is_stop_word(text, lang):
            return
        if _looks_like_demonym(text):
            nationalities[text] = None
            return
        if text in person_words:
            return  # "Meron" of "Meron Tesfaye" said somewhere else in the article
        if _TITLED.search(doc_text, max(0, start - 50), start):
            return  # "Brigadier Jamal ...", "Chief Magistrate Lucas Onyina": a person's name
        entities.places.append(Place(text, text, self._country_after(doc_text, end), start, end,
                                     "place"))
        place_spans.append((start, end))

    def _ner_org(self, doc_text: str, span: _Span, entities: Entities, nationalities, place_spans,
                 taken_orgs) -> None:
        owner = _POSSESSIVE_INSIDE.search(span.text)
        if owner is not None and span.text[owner.end():][:1].isupper():
            # "the National Bureau of Investigation's Cybercrime Division": the owner and
            # its unit are two organisations
            cut = span.start + owner.start()
            for part in (_Span(span.start, cut, doc_text[span.start:cut], span.label),
                         _Span(span.start + owner.end(), span.end,
                               doc_text[span.start + owner.end():span.end], span.label)):
                self._ner_org(doc_text, part, entities, nationalities, place_spans, taken_orgs)
            return
        if any(_overlaps(span.start, span.end, s, e) for s, e in taken_orgs):
            return
        text, start, end = _strip_possessive(span.text.strip(), span.start, span.end)
        # exactly a place or a demonym: spaCy's ORG is wrong ("Ugandan", "Myanmar")
        value = self.places.lookup(text)
        if isinstance(value, Nationality):
            nationalities[value.name] = None
            return
        if isinstance(value, PlaceInfo):
            return
        if any(s <= start and end <= e for s, e in place_spans):
            return
        if _portfolio_of(doc_text, start, entities.orgs):
            return  # "ministère des Affaires étrangères, de l'Intégration africaine": one ministry
        name = self.orgs.lookup(text)
        if name is None:
            name, full_end = self._acronym_after(doc_text, end)
            if name is not None:  # the whole name, up to the bracket
                text, end = doc_text[start:full_end], full_end
        if name is None:
            if _looks_like_demonym(text) or self._starts_with_place_list(text) \
                    or _in_a_title(doc_text, start) or _before_a_title(doc_text, end):
                return
            if looks_like_person(text):
                entities.people.append(Person(text, text, start, end))
                return
            name = clean_org_surface(text)
            if name is None:
                return
        entities.orgs.append(Org(text, name, start, end))
        taken_orgs.append((start, end))

    def _rivers(self, text: str, entities: Entities, place_spans) -> None:
        """"Sungai Golok", "sông Sài Gòn", "rivière Moei": a river word and a name is a river,
        known to the gazetteer or not (never a person)."""
        taken = place_spans + [(o.start, o.end) for o in entities.orgs]
        for m in _RIVER.finditer(text):
            if _hits(m.start(), m.end(), taken):
                continue
            known = self.places.lookup(f"{m.group('name')} River")
            if isinstance(known, PlaceInfo):
                entities.places.append(Place(m.group(), known.name, known.country, m.start(),
                                             m.end(), known.kind, known.lat, known.lon))
            else:
                entities.places.append(Place(m.group(), f"{plain_latin(m.group('name'))} River",
                                             None, m.start(), m.end(), "river"))
            taken.append((m.start(), m.end()))
        entities.people = [p for p in entities.people if not _RIVER.fullmatch(p.text)]

    def _seat_before(self, text: str, m: Match, ner_org_spans) -> bool:
        """Whether a spaCy organisation ends with this alias and begins with a city or
        region before it: "the Dubai Criminal Court" names a court of its own, whatever
        body the table calls "Criminal Court"."""
        for s, e in ner_org_spans:
            if s < m.start and e == m.end:
                seat = _LEADING_THE.sub("", text[s:m.start].strip())
                place = self.places.lookup(seat) if seat else None
                return isinstance(place, PlaceInfo) and place.kind != "country"
        return False

    def _known_before_place(self, name: str) -> str:
        """"Jabatan Siasatan Jenayah Komersial Bukit Aman": a known organisation and the place
        it sits in; the name is the known part (the place stays a place)."""
        head = self._known_prefix(name)
        if head and isinstance(self.places.lookup(name[len(head):].strip()), PlaceInfo):
            return head
        return name

    def _known_prefix(self, name: str) -> str | None:
        """The longest run of name's first words (two or more) that the alias table knows."""
        if self.orgs.lookup(name) is not None:
            return None
        words = name.split(" ")
        for i in range(len(words) - 1, 1, -1):
            head = " ".join(words[:i])
            if self.orgs.lookup(head) is not None:
                return head
        return None

    def _cut_at_and(self, name: str) -> str:
        """"Kepolisian Kamboja dan Interpol" is two organisations: a name does not run on
        over "dan"/"and" past a country or into a known organisation."""
        pos = name.find(" dan ")
        while pos > 0:
            before, after = name[:pos], name[pos + len(" dan "):]
            last = self.places.lookup(before.rsplit(" ", 1)[-1])
            if self.orgs.lookup(after) is not None or (
                    isinstance(last, PlaceInfo) and last.kind == "country"):
                return before
            pos = name.find(" dan ", pos + 1)
        return name

    def _cut_at_en_place(self, name: str) -> str:
        """"Policía Nacional en Medellín": a body and where it acted; the name stops before
        "en <place>" unless it is a mission's seat ("Embajada de Chile en Tailandia") or the
        words after "en" are no place ("Fiscalía Especializada en Delitos de Trata")."""
        pos = name.find(" en ")
        if pos < 0 or name.split(" ", 1)[0] in _MISSION_HEADS:
            return name
        if isinstance(self.places.lookup(name[pos + 4:]), PlaceInfo):
            return name[:pos]
        return name

    def _cut_after_country(self, name: str) -> str:
        """A pattern name that runs on past a country into two or more capitalised words
        stops at the country: "Universitas Indonesia Adrianus Meliala" is a university and
        a person."""
        words = name.split(" ")
        for i in range(1, len(words) - 2):
            value = self.places.lookup(words[i])
            if getattr(value, "kind", None) == "country" and words[i + 1][:1].isupper() \
                    and words[i + 2][:1].isupper() \
                    and self.places.lookup(" ".join(words[i:i + 2])) is None:
                return " ".join(words[:i + 1])
        return name

    def _without_place_suffix(self, name: str, lang: str | None = None) -> str:
        """"Secretaría de Relaciones Exteriores de México" -> without "de México";
        short names keep it ("Policía Nacional del Perú", "Universidad de Chile"), and
        so do bodies other than ministries ("Banco de Crédito del Perú")."""
        if lang in ("es", "pt") and keeps_place_suffix(name):
            return name
        for m in reversed(list(_PLACE_SUFFIX.finditer(name))):
            head = name[:m.start()]
            if len(head.split()) >= 3 and isinstance(self.places.lookup(name[m.end():]),
                                                      PlaceInfo):
                return head
        return name

    def _acronym_after(self, text: str, end: int) -> tuple[str | None, int]:
        """The canonical name of a known acronym in brackets right after a name:
        "ministère des Affaires étrangères, du Commonwealth et du Développement (FCDO)"."""
        # A name's tail and its bracketed acronym are short; never scan the rest of the text.
        match = _ACRONYM_AFTER.match(text, end, end + _ACRONYM_WINDOW)
        if match is None:
            return None, end
        if any(w in ORG_HEADS or w in _EN_HEADS for w in text[end:match.start(1)].split()):
            return None, end  # "... de Migrantes de la Policía Nacional del Perú (PNP)": a second body
        name = self.orgs.lookup(match.group(1))
        full_end = len(text[:match.start(1) - 1].rstrip(" ,"))
        if name is not None and self._other_country(text[end:full_end], name):
            return None, end
        return name, full_end

    def _countries_named(self, text: str) -> set[str]:
        """Country codes of the countries and nationalities a short name mentions."""
        words = text.replace(",", " ").split()
        found = set()
        for n in (2, 1):
            for i in range(len(words) - n + 1):
                value = self.places.lookup(" ".join(words[i:i + n]))
                if isinstance(value, Nationality) or (isinstance(value, PlaceInfo)
                                                      and value.kind == "country"):
                    found.add(value.country)
        return found

    def _other_country(self, long: str, canonical: str) -> bool:
        """Whether a long form names a country other than the one of the organisation a
        known acronym stands for: "Policía Nacional del Perú (PNP)" is not the Philippine
        National Police."""
        mine = self._countries_named(long)
        theirs = self._countries_named(canonical)
        return bool(mine and theirs and not mine & theirs)

    def _country_after(self, text: str, end: int) -> str | None:
        """The country named right after a place: "Chiang Khong, Thailand"."""
        match = _COMMA_NAME.match(text, end)
        if match is None:
            return None
        words = match.group(1).split()
        for n in range(len(words), 0, -1):
            value = self.places.lookup(" ".join(words[:n]))
            if isinstance(value, PlaceInfo) and value.kind == "country":
                return value.country
        return None

    def _is_stop_word(self, text: str, lang: str | None) -> bool:
        nlp = self.model(lang)
        return nlp is not None and text.lower() in nlp.Defaults.stop_words

    def _starts_with_place_list(self, text: str) -> bool:
        """"Myawaddy, Thai ..." or "Chennai and Colombo": places listed, not an organisation."""
        for sep in (", ", " and ", " et ", " & "):
            head, found, tail = text.partition(sep)
            if found and isinstance(self.places.lookup(head), (PlaceInfo, Nationality)):
                return True
        return False

    def _ner_person(self, doc_text: str, span: _Span, entities: Entities, place_spans,
                    taken_orgs) -> None:
        if any(_overlaps(span.start, span.end, s, e) for s, e in place_spans + taken_orgs):
            return
        text, start, end = _strip_possessive(span.text.strip(), span.start, span.end)
        text = text.strip(" -–,.;:\"'«»“”()[]")
        title = _HONORIFIC.match(text)
        if title:
            start += title.end()
            text = text[title.end():]
        if not _good_name(text) or text in _PERSON_JUNK or "\n" in text:
            return
        if _after_place_kind(doc_text, span.start) or _initial_only(text):
            return  # "royaume de Lane Xang", "hôtel X"; "Jean-Pierre L." (an anonymised witness)
        honorific = doc_text[max(0, start - 6):start].rsplit(None, 1)
        if honorific and honorific[-1] in NAME_HONORIFICS and doc_text[start - 1:start] == " ":
            # "Saw Chit Thu": the model read the Karen honorific as a verb
            start -= len(honorific[-1]) + 1
            text = f"{honorific[-1]} {text}"
        particle = _SURNAME_PARTICLE.search(doc_text, max(0, start - 40), start)
        if particle:
            # "Ramon dela Paz": spaCy saw "Paz" alone; the name begins at the given name
            start = particle.start()
            text = doc_text[start:start + len(particle.group()) + len(text)]
        if self.places.lookup(text) is not None or self.orgs.lookup(text) is not None:
            return
        entities.people.append(Person(text, text, start, start + len(text)))


def _place_function_words(lang: str | None) -> frozenset[str]:
    return function_words().get(lang or "", frozenset())


_MAX_DEFINITIONS = 40
_POSSESSIVE_INSIDE = re.compile(r"['’]s[ \t]+")
_HEAD_BEFORE_LONG = 14  # "Kementerian ", "Direktorat Jenderal "
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
# What joins a ministry's further portfolios to its name ("..., de l'Intégration africaine
# et des Ivoiriens de l'extérieur", "..., Ganadería y Pesca")
_PORTFOLIO_LINK = re.compile(r",?[ \t]+(?:et[ \t]+|y[ \t]+)?(?:de[ \t]+la[ \t]+|de[ \t]+l['’]|du[ \t]+|"
                             r"des[ \t]+|de[ \t]+|del[ \t]+)?")
_MINISTRY_WORDS = ("ministère", "Ministère", "ministerio", "Ministerio", "Ministry")


def _portfolio_of(text: str, start: int, orgs: list[Org]) -> bool:
    """Whether a name starting at start continues the ministry just before it."""
    for org in reversed(orgs):
        if org.end <= start and start - org.end <= 12 and org.text.startswith(_MINISTRY_WORDS):
            link = _PORTFOLIO_LINK.fullmatch(text, org.end, start)
            return link is not None and text[org.end:org.end + 1] == ","
    return False
# A rank or title and up to two given names right before a word: that word is a name's part
_TITLED = re.compile(r"(?<![\w.])(?:Brigadier|Colonel|General|Major|Captain|Lieutenant|Sergeant|"
                     r"Inspector|Magistrate|Judge|Justice|Commissioner|Superintendent|Senator|"
                     r"Governor|Sheikh|Sheikha|Dr|Prof|Mr|Mrs|Ms)\.?(?:[ \t]+[A-Z][\w'’-]*){0,2}"
                     r"[ \t]+$")
# "(Maritim Malaysia)" after "Agensi Penguatkuasaan Maritim Malaysia": a short form in words
_SHORT_FORM = re.compile(r"[ \t]?\(([^()\n]{3,40})\)")


def _short_forms_and_branches(text: str, lang: str | None, entities: Entities) -> None:
    """A bracketed short form made of the name's own words is the same organisation
    ("Agensi Penguatkuasaan Maritim Malaysia (Maritim Malaysia)"), and in Malay and
    Indonesian an acronym followed by a state or city is that body's office there ("SPRM
    Sabah", "Polda Jatim"): the place inside either is part of the name, not a place."""
    inside: list[tuple[int, int]] = []
    branch_at: set[int] = set()
    for org in list(entities.orgs):
        match = _SHORT_FORM.match(text, org.end)
        if match is not None:
            words = match.group(1).split()
            if len(words) >= 2 and words[0][:1].isupper() and match.group(1) != org.text \
                    and set(words) <= set(org.text.split()):
                entities.orgs.append(Org(match.group(1), org.name, match.start(1), match.end(1)))
                inside.append((match.start(1), match.end(1)))
        if lang in ("ms", "id") and org.text.isupper() and 2 <= len(org.text) <= 6 \
                and text[org.end:org.end + 1] == " ":
            branch_at.add(org.end + 1)
    if inside or branch_at:
        entities.places = [p for p in entities.places
                           if not any(s <= p.start and p.end <= e for s, e in inside)
                           and not (p.start in branch_at and p.kind != "country")]
_TITLES = frozenset("Secretary Undersecretary Under-Secretary Minister Commissioner Envoy Czar "
                    "Ambassador Secretary-General Rapporteur Representative".split())


# English and French heads that begin a second body inside a run of words
_EN_HEADS = frozenset("Police Ministry Department Office Bureau Agency Court Army Commission "
                      "Council Authority Gendarmerie Ministère Parquet Tribunal".split())
# Words for "company" before a company's name (Malay, Indonesian)
_COMPANY_WORDS = frozenset(("Syarikat", "Perusahaan"))
_MISSION_HEADS = frozenset(("Embajada", "Embaixada", "Consulado", "Cónsul", "Representación"))


def _before_a_title(text: str, end: int) -> bool:
    """Whether an unknown span is the portfolio in front of a title: "Justice Secretary
    Jesus Remulla", "Interior Minister Anutin" (a person's title, not a body)."""
    after = text[end:end + 40].split(None, 1)
    return bool(after) and after[0].rstrip(",.") in _TITLES


def _in_a_title(text: str, start: int) -> bool:
    """Whether a span at start is the portfolio of a title: "Under Secretary for
    Terrorism and Financial Intelligence", "Minister of Foreign Affairs"."""
    words = text[max(0, start - 80):start].replace(",", " ").split()
    i = len(words) - 1
    while i >= 0 and (words[i][:1].isupper() or words[i] in ("and", "&")) \
            and words[i] not in _TITLES:
        i -= 1
    if i >= 0 and words[i] in ("the",):
        i -= 1
    return i >= 1 and words[i] in ("for", "of") and words[i - 1] in _TITLES
_HAS_CJK = re.compile("[\u4e00-\u9fff]")
_HAS_THAI = re.compile("[\u0e00-\u0e7f]")
# kind words written before a known Thai name: group, airline, company, bank, organisation
_TH_KIND_WORDS = ("กลุ่ม", "สายการบิน", "บริษัท", "ธนาคาร", "องค์การ")
# what a known Chinese name may be followed by and still name the same body
_ZH_SAME_BODY = frozenset(("总署", "總署", "总部", "總部", "公司", "集团", "集團"))
# a known Chinese body that is itself a bureau or a division: what follows it is named apart
_ZH_BUREAU_ENDS = ("局", "署", "處", "处", "科")
# letters only Vietnamese uses among Latin-script languages (ơ, ư, đ and the dotted vowels)
_HAS_VIETNAMESE = re.compile("[ơưđƠƯĐ\u1ea0-\u1ef9]")


_RIVER = re.compile(r"\b(?:[Ss]ungai|[Ss]ông|[Rr]ivière|[Rr]ío|[Ff]leuve|[Kk]ali)[ \t]+"
                    r"(?P<name>[A-ZÀ-ÝĐ][\w'’-]{1,30}(?:[ \t][A-ZÀ-ÝĐ][\w'’-]{1,30}){0,2})")


# Thai writes no spaces between words: a short place name run on from the letters before it
# is the end of another word unless one of these words comes first.
_TH_PLACE_MARKERS = ("จังหวัด", "จ.", "อำเภอ", "อ.", "เมือง", "ที่", "ใน", "จาก", "ถึง", "สู่", "ชาว",
                     "แขวง", "เขต", "ตำบล", "กรุง", "ประเทศ", "และ", "ชายแดน", "ไป", "ยัง",
                     "พื้นที่", "ย่าน", "ฝั่ง")
_TH_SHORT_PLACE = 4


def _with_pattern_places(found: list[Match], text: str, tokens, lang: str | None,
                         country: str | None) -> list[Match]:
    """Gazetteer matches plus places found by shape (nlp/place_patterns.py): an airport
    replaces the town names inside it ("Clark" of "Clark International Airport"); a level
    word and a name the gazetteer knows stays the gazetteer's place, one whose name only
    contains a known place replaces it ("Jakarta Selatan" is South Jakarta, not Jakarta)."""
    known = [(m.start, m.end, m.value.name, m.value.country) for m in found
             if isinstance(m.value, PlaceInfo)]
    airports = airport_places(text, tokens)
    admin = admin_places(text, tokens, lang, country)
    if is_unspaced(text):
        airports += zh_airports(text, known)
        if lang == "th":
            admin += thai_admin_places(text)
        elif lang == "zh":
            admin += zh_admin_places(text, [(s, e, c) for s, e, _, c in known], country)
    if lang in ("id", "ms"):
        # "Jakarta Selatan" is South Jakarta, "Lombok Timur" East Lombok
        for i, m in enumerate(found):
            compass = compass_after(text, m.end) if isinstance(m.value, PlaceInfo) \
                and m.value.kind != "country" else None
            if compass is not None:
                end, english = compass
                found[i] = Match(m.start, end, text[m.start:end],
                                 PlaceInfo(f"{english} {m.value.name}", m.value.country, "place"))
    if not airports and not admin:
        return found
    shaped = []
    about = _document_countries(found, country) if airports else set()
    for start, end, surface, name, ctry, name_start in airports:
        # "Phnom Penh International Airport" is in Cambodia; "Aeropuerto El Dorado" in a
        # Colombian story is not in the United States' El Dorado
        inner = [m.value.country for m in found if start <= m.start and m.end <= end
                 and isinstance(m.value, PlaceInfo) and m.value.country in about]
        shaped.append((start, end, surface, name, ctry or (inner[0] if inner else None),
                       name_start))
    out = [m for m in found if not any(s <= m.start and m.end <= e for s, e, *_ in airports)]
    for item in admin:
        start, end, name_start = item[0], item[1], item[5]
        if any(_hits(start, end, [(s, e)]) for s, e, *_ in shaped):
            continue
        same = [i for i, m in enumerate(out) if m.start <= name_start and end <= m.end]
        if same:
            # "tỉnh Long An", "ville de Divo": the gazetteer's own place, which the level
            # word vouches for (a town spaCy did not tag stays)
            m = out[same[0]]
            if isinstance(m.value, PlaceInfo) and (m.start, m.end) == (name_start, end):
                out[same[0]] = Match(m.start, m.end, m.text, replace(m.value, population=0))
            continue
        out = [m for m in out if not (name_start <= m.start and m.end <= end)]
        shaped.append(item)
    for start, end, surface, name, ctry, _ in shaped:
        out.append(Match(start, end, surface, PlaceInfo(name, ctry, "place")))
    return sorted(out, key=lambda m: m.start)


# A currency is named after its country ("ดอลลาร์สหรัฐ", "dolar Singapura", "dollars de
# Hong Kong", 新加坡元) even where no amount is next to it (money spans cover the others).
_CURRENCY_BEFORE = ("ดอลลาร์", "เหรียญ", "dolar ", "dólar ", "dólares ", "dollar ", "dollars ",
                    "dollars de ", "dólares de ", "dólar de ", "đô la ", "đôla ")
_CURRENCY_AFTER = ("元", "币", "幣")


def _in_currency_name(text: str, start: int, end: int) -> bool:
    if text.startswith(_CURRENCY_AFTER, end) and is_unspaced(text[start:end]):
        return True
    return start > 0 and text[max(0, start - 12):start].lower().endswith(_CURRENCY_BEFORE)


def _same_but_article(text: str, m: Match, start: int, end: int) -> bool:
    """Whether text[start:end] is m's span, give or take a leading "the"."""
    if end != m.end:
        return False
    return start == m.start or text[start:m.start].strip() in ("the", "The")


def _document_countries(found: list[Match], country: str | None) -> set[str]:
    """Countries an article is about: those it names, those of the provinces and big
    cities it names, and its source's."""
    out = {country} if country else set()
    for m in found:
        value = m.value
        if isinstance(value, PlaceInfo) and value.country and (
                value.kind in ("country", "province") or value.population >= 1_000_000):
            out.add(value.country)
    return out


def _thai_word_end(text: str, start: int, end: int) -> bool:
    """Whether a short Thai place name at start is glued to a word before it (จำเลย)."""
    if end - start > _TH_SHORT_PLACE or start == 0 or not "\u0e00" <= text[start - 1] <= "\u0e7f":
        return False
    if not "\u0e00" <= text[start] <= "\u0e7f":
        return False
    return not text.endswith(_TH_PLACE_MARKERS, max(0, start - 8), start)


def _hits_sorted(start: int, end: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether [start, end) overlaps one of spans (sorted, not overlapping each other)."""
    i = bisect.bisect_left(starts, end)
    return i > 0 and spans[i - 1][1] > start


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    """Where word stands on its own in text (Latin words need word boundaries)."""
    out = []
    latin = word[:1].isascii()
    pos = text.find(word)
    while pos >= 0 and len(out) < 200:
        end = pos + len(word)
        if not latin or ((pos == 0 or not text[pos - 1].isalnum())
                         and (end == len(text) or not text[end].isalnum())):
            out.append((pos, end))
        pos = text.find(word, end)
    return out


# (?<!\s): a match starts where a run of spaces starts, so a long run is tried once.
_PLACE_SUFFIX = re.compile(r"(?<!\s)\s+(?:de la|de|del|of|di)\s+")


class _PatternName(str):
    """An organisation name found by pattern (not from the alias table)."""


_DEMONYM = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:iens|iennes|ienne|ais|aises|aise|ois|oises|oise|"
                      r"ains|aines|aine|ans|éens|éennes|anos|anas|eños|eñas|eses|esas|ians|ese|"
                      r"ish|is)$")
_DEMONYM_EXCEPTIONS = {"Paris", "Francis", "Tunis", "Lewis", "Louis", "Davis", "Dennis", "Memphis",
                       "Travis", "Regis", "Morris", "Harris", "Ellis", "Curtis", "Willis", "Chris",
                       "Dubais", "Kansas", "Arkansas", "Orleans", "Bahamas"}


def _looks_like_demonym(text: str) -> bool:
    """Plural/adjectival nationality words spaCy tags as places or organisations
    ("Namibiens", "Zambiens", "Hondureños") that the nationality list does not know."""
    return " " not in text and text not in _DEMONYM_EXCEPTIONS and bool(_DEMONYM.match(text))


_ADMIN_WORDS = {"Kabupaten", "Kota", "Provinsi", "Kecamatan", "Desa", "Ciudad", "Provincia",
                "Estado", "Departamento", "Distrito", "Municipio", "Región", "Province", "City",
                "District", "Town", "Township", "Ville", "Région", "Département", "Tỉnh", "Huyện",
                "Amphoe", "Changwat", "Krong", "Khet"}
# the rest of a name (capitalised words and connectors only), then "(ACRONYM)"
_ACRONYM_AFTER = re.compile(r"(?:,?[ \t]+(?:[A-ZÀ-Ý][\w'’-]*|de|du|des|la|le|les|of|and|the|et|y|"
                            r"del|for|on|en))*[ \t]*\(([A-Z][A-Za-z0-9&.-]{1,10})\)")
_ACRONYM_WINDOW = 300
_COMMA_NAME = re.compile(r",\s+([A-ZÀ-Ý][\w'’.-]*(?:\s+[A-ZÀ-Ý][\w'’.-]*){0,3})")
_CAPITALISED_NEXT = re.compile(r" [A-ZÀ-Ý][a-zà-ÿ]")
_CAPITALISED_PREV = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+ $")


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word runs on before or after text[start:end] (a longer name)."""
    if _CAPITALISED_NEXT.match(text, end):
        return True
    before = text[max(0, start - 30):start]
    match = _CAPITALISED_PREV.search(before)
    if match is None or match.group().strip() in _ADMIN_WORDS:
        return False
    ahead = before[:match.start()].rstrip()
    return bool(ahead) and ahead[-1] not in ".!?:;\n\"“«"


# People where there is no model: a capitalised name next to a reporting verb or a title
# ("dijo Ana María Torres", "kata Judha Nugraha", "ông Nguyễn Văn Long cho biết").
_NAME_WORD = "[A-ZÀ-ÝĐ][a-zß-ÿ\u0100-\u024f\u1e00-\u1effđ'’-]+"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,3}}"
_BEFORE = (r"(?i:dijo|afirmó|declaró|explicó|señaló|según|disse|afirmou|segundo|kata|ujar|"
           r"mengatakan|menurut|ông|bà|presidente|presidenta|ministro|ministra|portavoz|fiscal|"
           r"alcalde|alcaldesa|directora?|presiden|menteri|kepala|direktur|kapolri|kapolda|jubir)")
_AFTER = (r"(?i:dijo|afirmó|declaró|explicó|señaló|disse|afirmou|mengatakan|menjelaskan|"
          r"cho biết|nói|khẳng định)")
_PEOPLE = re.compile(rf"(?<![\w.])(?:{_BEFORE}[ \t]+(?P<a>{_NAME})|"
                     rf"(?P<b>{_NAME})(?:,[^,.\n]{{3,60}})?,?[ \t]+{_AFTER}\b)")


def pattern_people(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of people named next to a reporting verb or a title."""
    out = []
    for m in _PEOPLE.finditer(text):
        group = "a" if m.group("a") else "b"
        out.append((m.start(group), m.end(group), m.group(group)))
    return out


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) of each non-blank line: spaCy runs on paragraphs, not whole texts."""
    start = 0
    for line in text.split("\n"):
        if line.strip():
            yield start, line
        start += len(line) + 1


def _merge_org_spans(text: str, spans: list[_Span]) -> list[_Span]:
    """Join ORG spans spaCy split at "and": "Malaysian Communications" + "Multimedia Commission";
    an ORG cut after its connector runs on over the capitalised words that follow ("The
    National Agency for" + "the Prohibition of Trafficking in Persons")."""
    out: list[_Span] = []
    for span in spans:
        if out and out[-1].label in ORG_LABELS and span.start < out[-1].end:
            continue  # inside an ORG that ran on
        if span.label in ORG_LABELS and span.text.rsplit(" ", 1)[-1] in _EN_CUT_LINKS:
            end = _run_on_end(text, span.end)
            if end > span.end:
                span = _Span(span.start, end, text[span.start:end], span.label)
        prev = out[-1] if out else None
        if prev is not None and prev.label in ORG_LABELS \
                and (span.label in ORG_LABELS or span.label in PERSON_LABELS) \
                and text[prev.end:span.start] in (" and ", " & ", " et ", " y ") \
                and not _ORG_END.search(prev.text) and _ORG_END.search(span.text) \
                and " " in prev.text:
            out[-1] = _Span(prev.start, span.end, text[prev.start:span.end], prev.label)
            continue
        out.append(span)
    return out


_EN_CUT_LINKS = frozenset(("for", "of", "on", "against"))
_EN_RUN_LINKS = frozenset(("for", "of", "on", "against", "the", "in", "and", "to"))
_RUN_ON_WORDS = 12


def _run_on_end(text: str, end: int) -> int:
    """Where the capitalised words and links after an ORG cut at a link end (end itself
    when none follow): "... for" + " the Prohibition of Trafficking in Persons"."""
    last, pos = end, end
    for _ in range(_RUN_ON_WORDS):
        if text[pos:pos + 1] != " ":
            break
        stop = pos + 1
        while stop < len(text) and (text[stop].isalnum() or text[stop] in "-'’"):
            stop += 1
        word = text[pos + 1:stop]
        if word[:1].isupper():
            last = stop
        elif word not in _EN_RUN_LINKS:
            break
        pos = stop
    return last


_ORG_END = re.compile(r"(?:Commission|Ministry|Agency|Department|Authority|Council|Office|Bureau|"
                      r"Police|Army|Group|Bank|Court|Union|Association|Institute|Foundation|"
                      r"Organi[sz]ation|Force|Service|Network|Center|Centre|Committee|Affairs|Intelligence|"
                      r"(?<![A-Z])[A-Z]{2,})$")  # (?<!..): a capitals run is tried once, not from each letter


_HONORIFIC = re.compile(r"^(?:Mme|Mlle|M\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Prof\.?|Sr\.|Sra\.|Srta\.|"
                        r"Pak|Bu|Ibu|Bapak|Khun|Gen\.|General|Colonel|Col\.|Lt\.|Maj\.|"
                        r"Capt\.|Sgt\.|Pol\.|Police)\s+(?=[A-Z])")


# Karen, Burmese and Shan honorifics that begin a name and are often dropped ("Saw Chit Thu"
# and "Chit Thu" are one man); only the names that also occur without them are joined.
NAME_HONORIFICS = frozenset(("Saw", "U", "Daw", "Naw", "Nang", "Sai", "Mahn", "Khun", "Nant"))
# A given name and a lowercase surname particle right before a name ("Ramon dela Paz",
# "Juan de la Cruz", "Ahmad bin Ali"); one optional space-separated pair, no nesting.
_SURNAME_PARTICLE = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý][a-zß-ÿ'’-]{1,20}[ \t]+"
                               r"(?:dela|de la|de los|del|de|da|dos|das|van der|van|von|bin|binti|delos)[ \t]+$")
# Words before a name that make it a place or a business, not a person ("royaume de Lane
# Xang", "hôtel Kings Romans", "Kingdom of Lan Na").
_PLACE_KIND_BEFORE = re.compile(r"(?i:royaume|kingdom|empire|empires|dynastie|dynasty|reino|imperio|"
                                r"hôtel|hotel|casino|resort|rue|street|avenue|province|village|"
                                r"district|quartier|barrio)[ \t]+(?:(?:de|du|des|of|the|d['’]|del|la)[ \t]*){0,2}$")


def _after_place_kind(text: str, start: int) -> bool:
    return _PLACE_KIND_BEFORE.search(text, max(0, start - 30), start) is not None


def _initial_only(name: str) -> bool:
    """"Jean-Pierre L": a given name and a surname initial is a witness kept anonymous."""
    parts = name.rstrip(".").split()
    return len(parts) >= 2 and len(parts[-1]) == 1


def _full_names(people: list[Person]) -> list[Person]:
    """"Marchetti" after "Elena Marchetti" is the same person: give it the full name;
    "Chit Thu" after "Saw Chit Thu" too (a dropped honorific)."""
    full = [p.name for p in people if " " in p.name]
    honoured = {n.split(" ", 1)[1]: n for n in full if n.split(" ", 1)[0] in NAME_HONORIFICS}
    out = []
    for person in people:
        if person.name in honoured:
            person = Person(person.text, honoured[person.name], person.start, person.end)
        elif " " not in person.name:
            longer = [n for n in full if n.split()[-1] == person.name or n.split()[0] == person.name]
            if len(set(longer)) == 1:
                person = Person(person.text, longer[0], person.start, person.end)
        out.append(person)
    return out


def _good_name(text: str) -> bool:
    if len(text) < 2 or len(text) > 80 or "\n" in text:
        return False
    if not text[0].isupper() or any(c.isdigit() for c in text):
        return False
    return len(text.split()) <= 8


def _dedupe(items: Iterable, key) -> list:
    seen = set()
    out = []
    for item in sorted(items, key=lambda x: x.start):
        k = key(item)
        if k in seen:
            continue
        seen.add(k)
        out.append(item)
    return out
