"""The vocabulary of filters and facets: one entry per field, read by every layer.

    from indexer.fields import FIELDS, ENTITY_FIELDS, ALL_FACETS, FACETS, field, facet_fields
    for f in FIELDS:                      # country, place, org, person, lang, source
        f.name          # facet name in Results.facets, web parameter, CLI flag (--name)
        f.attr          # the Query attribute holding its filter values
        f.values(query) / f.keys(values)  # what a query asks for / folded like the index
        f.keyed(entities)                 # entity fields: [(match key, display value)]
        f.aliased(entities)               # keys of the surfaces they were written as
        f.indexed(entities)               # both, from one pass (what indexing calls)
        f.of(entities) / f.matching(entities, wanted)   # display values (all / matched)
        f.label, f.plural, f.help, f.metavar, f.example, f.describe(value)   # words
        f.store, f.key_store              # document attributes of display values / keys
    facet_fields(query)                   # the fields whose facets a search counts

Both index backends store, filter and facet each field the same way: on its
match key (fold: name_key for names, upper-case for country codes...), showing
the first display form seen for a key. Beside those keys each entity field also
stores the keys of the surfaces its entities were written under in the article
("Oficina de Control de Activos Extranjeros", "ดีเอสไอ", "Tarlac province"), as
filter keys only: a reader filtering by the name as the article writes it finds
the article whatever canonical name the nlp stage gave it, and facets still count
canonical values. Digests explain matches with the same fold and keys, so "why it
matched" never disagrees with what the index matched.

A new entity type is one Field here, its extractor (nlp), the Query and SearchParams
attribute it fills, and its two fields in indexer/mappings/articles.json; the SQLite
side table, the filters and facets of both backends, the web page, CLI flags, chips,
CSV column and digests follow from the entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from indexer.query import name_key
from nlp.records import Entities


def _same(value: str) -> str:
    return value


def _upper(value: str) -> str:
    return value.strip().upper()


def _lower(value: str) -> str:
    return value.strip().lower()


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The common English name of an ISO 3166 code (the code itself when unknown)."""
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code.upper())
    except (ImportError, LookupError, KeyError):
        country = None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


# Each reader returns sorted values, so the display form kept for a match key is the
# same whichever order the extractor found the entities in.
def _countries(entities: Entities) -> list[str]:
    return sorted({p.country.upper() for p in entities.places if p.country})


def _places(entities: Entities) -> list[str]:
    return sorted({p.name for p in entities.places if p.name})


def _orgs(entities: Entities) -> list[str]:
    return sorted({o.name or o.text for o in entities.orgs if o.name or o.text})


def _people(entities: Entities) -> list[str]:
    return sorted({p.name or p.text for p in entities.people if p.name or p.text})


# (surface as written, display value) of each entity, for the surface keys
def _place_surfaces(entities: Entities) -> list[tuple[str, str]]:
    return sorted({(p.text, p.name) for p in entities.places if p.text and p.name})


def _org_surfaces(entities: Entities) -> list[tuple[str, str]]:
    return sorted({(o.text, o.name or o.text) for o in entities.orgs if o.text})


def _person_surfaces(entities: Entities) -> list[tuple[str, str]]:
    return sorted({(p.text, p.name or p.text) for p in entities.people if p.text})


# What an entity field's filter keys hold, for the backends' rebuild fingerprints: an
# index written under another layout is re-derived from its stored articles.
KEYS_LAYOUT = "canonical+surface/2"


@dataclass(frozen=True)
class Field:
    """One filter/facet. Entity fields (read from Entities) are multi-valued; the
    others (lang, source) are one column of the article."""

    name: str  # facet, URL parameter and CLI flag name
    attr: str  # Query attribute (a list of values)
    label: str  # "Organisation": facet headings, filter boxes, CSV
    plural: str  # "Organisations": digests, CSV column
    help: str  # --help line
    metavar: str
    fold: Callable[[str], str]  # the match key both indexes store and compare
    read: Callable[[Entities], list[str]] | None = None  # entity fields: display values
    # entity fields: (surface as written, display value) pairs, stored as filter keys
    spelt: Callable[[Entities], list[tuple[str, str]]] | None = None
    store: str = ""  # document attribute of display values ("" for column fields)
    key_store: str = ""  # document attribute of match keys (same as store when equal)
    explain_always: bool = False  # digests list them even when not filtered on
    describe: Callable[[str], str] = _same  # a value as a reader sees it ("Myanmar (MM)")
    # Counted by every search unless the Query names its facets (Query.facet_names);
    # the edges (CLI, API, web) ask for ALL_FACETS.
    default_facet: bool = True
    chip: bool = False  # shown on each hit (web chips, CLI lines)
    example: str = ""  # the web filter box's placeholder
    separator: str = "; "  # between values in one CSV cell

    @property
    def entity(self) -> bool:
        return self.read is not None

    def values(self, query) -> list[str]:
        """The values a Query filters this field on."""
        return list(getattr(query, self.attr))

    def keys(self, values) -> list[str]:
        """Values as match keys, empty keys dropped, first occurrence first."""
        return list(dict.fromkeys(k for k in map(self.fold, values) if k))

    def of(self, entities: Entities) -> list[str]:
        """Distinct display values of an article's entities (one per match key)."""
        return [name for _, name in self.keyed(entities)]

    def keyed(self, entities: Entities) -> list[tuple[str, str]]:
        """(match key, display value) pairs: the first display form seen for each key."""
        seen: dict[str, str] = {}
        for value in self.read(entities) if self.read else ():
            key = self.fold(value)
            if key:
                seen.setdefault(key, value)
        return list(seen.items())

    def _surfaces(self, entities: Entities,
                  shown: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """(surface key, display value) of surfaces whose key is no display value's key
        (shown: dict(keyed(entities)) when the caller has it)."""
        if shown is None:
            shown = dict(self.keyed(entities))
        seen: dict[str, str] = {}
        for surface, value in self.spelt(entities) if self.spelt else ():
            key, display = self.fold(surface), shown.get(self.fold(value))
            if key and display is not None and key not in shown:
                seen.setdefault(key, display)
        return list(seen.items())

    def aliased(self, entities: Entities) -> list[str]:
        """Match keys of the surfaces the article wrote its values under, besides the
        values' own keys: indexed for filtering, never counted as facet values."""
        return [key for key, _ in self._surfaces(entities)]

    def indexed(self, entities: Entities) -> tuple[list[tuple[str, str]], list[str]]:
        """keyed(entities) and aliased(entities), reading the values once (indexing)."""
        keyed = self.keyed(entities)
        if self.spelt is None:
            return keyed, []
        return keyed, [key for key, _ in self._surfaces(entities, dict(keyed))]

    def matching(self, entities: Entities, wanted) -> list[str]:
        """Display values of the article that match any of the wanted filter values
        (by their own key or by a surface the article wrote them under)."""
        keys = set(self.keys(wanted))
        found = {name for key, name in self._surfaces(entities) if key in keys}
        return [name for key, name in self.keyed(entities) if key in keys or name in found]


FIELDS: tuple[Field, ...] = (
    Field("country", "countries", "Country", "Countries",
          "country: ISO code or name in any language, e.g. MM, Myanmar, Birmanie (repeatable)",
          "CC", _upper, _countries,
          store="countries", key_store="countries", explain_always=True, chip=True,
          example="MM, Myanmar, Birmanie", separator=" ",
          describe=lambda code: f"{country_name(code)} ({code})"),
    Field("place", "places", "Place", "Places",
          "place by any name or alias, any language, e.g. 'KK Park', 'Kayin State' (repeatable)",
          "P", name_key, _places, _place_surfaces, store="places", key_store="place_keys",
          example="KK Park, Kayin State"),
    Field("org", "orgs", "Organisation", "Organisations",
          "organisation by name or acronym, any language, e.g. UNODC, ONUDC, BGF (repeatable)",
          "O", name_key, _orgs, _org_surfaces, store="orgs", key_store="org_keys",
          explain_always=True, chip=True, example="UNODC, ONUDC, BGF"),
    # Not a default facet: people are many and sparse, and a Query's default facets
    # are what every Index has always answered (tests/test_index_contract.py).
    Field("person", "people", "Person", "People",
          "person by full name, e.g. 'She Zhijiang' (repeatable)", "N", name_key, _people,
          _person_surfaces, store="people", key_store="person_keys", chip=True,
          default_facet=False, example="She Zhijiang"),
    Field("lang", "langs", "Language", "Languages", "language code, e.g. en (repeatable)",
          "LL", _lower, example="en, fr"),
    Field("source", "sources", "Source", "Sources", "source name (repeatable)", "S", _same),
)
ENTITY_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.entity)
FACETS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.default_facet)  # a Query's default
ALL_FACETS: tuple[str, ...] = tuple(f.name for f in FIELDS)
_BY_NAME = {f.name: f for f in FIELDS}


def field(name: str) -> Field:
    """The field of a facet / parameter name; KeyError for an unknown one."""
    return _BY_NAME[name]


def facet_fields(query) -> tuple[Field, ...]:
    """The fields whose facets a search counts: the Query's facet_names, else FACETS."""
    names = query.facet_names if query.facet_names is not None else FACETS
    return tuple(_BY_NAME[name] for name in names)
