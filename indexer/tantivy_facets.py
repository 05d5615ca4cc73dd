"""Exact facet counts on Tantivy, laid out so that counting stays cheap at a million articles.

A terms aggregation over a multi-valued fast field (an article's countries, places,
orgs, people) costs tens of nanoseconds per matching document; over a single-valued
column that every document fills it is read in blocks, an order of magnitude faster.
So each multi-valued facet is also written as SLOTS single-valued columns:

    places__0 .. places__4   the article's 1st .. 5th distinct value ("" when fewer)
    places__more             the values after the 5th (multi-valued, few articles)
    facet_more               names the facets whose values overflowed the slots

A value's count is the sum of its counts over the slots, plus its count in the
overflow column among the articles that overflowed (a filter aggregation on
facet_more, so other articles are not read). Each article's values are distinct,
so the sum counts articles: exact, with no per-segment cut-off. When a slot has more
distinct values than one aggregation returns (VALUES), that facet is counted the
old way instead, on the multi-valued field (counts exact for the values returned).

    add_fields(builder, fields)        schema
    document_values(field, names)      the slot / overflow values of one article
    request(fields, shown) -> dict     aggregation request (with the caller's own aggs)
    read(result, fields, size)         facets -> list[FacetValue]; fields to count again
    fallback(...), read_fallback(...)  counting those on the multi-valued fields
    from_postings(searcher, q, field, size)   one facet from the index's postings

A search that matches a large share of the index counts its facets the other way
round (from_postings): its matches become a bitset, and each value's posting list
(which articles hold it) is read against it. That costs what the facet's postings
weigh, whatever the number of matches, and it reads the query once per facet: the
right trade only when the matches are many and the query cheap to run again.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Iterable

from indexer.fields import Field
from indexer.query import FacetValue

SLOTS = 5  # news articles rarely name more than five countries, places or orgs
VALUES = 10_000  # values one slot's aggregation returns (Tantivy's bucket limit is 65,000)
OVERFLOWED = "facet_more"
_EMPTY = ""  # a slot without a value: keeps every slot a full column


def slot(shown: str, i: int) -> str:
    return f"{shown}__{i}"


def more(shown: str) -> str:
    return f"{shown}__more"


def add_fields(builder: Any, shown_fields: Iterable[str]) -> list[str]:
    """Adds the slot and overflow columns of these multi-valued facet fields; returns
    the names of the text fields added (documents fill them)."""
    keyword = dict(tokenizer_name="raw", index_option="basic")
    names = []
    for shown in shown_fields:
        for name in [slot(shown, i) for i in range(SLOTS)] + [more(shown)]:
            builder.add_text_field(name, fast=True, **keyword)
            names.append(name)
    builder.add_text_field(OVERFLOWED, **keyword)
    return names + [OVERFLOWED]


def document_values(shown: str, names: list[str], out: dict[str, list[str]]) -> None:
    """Fills out with one article's slot and overflow values of a multi-valued field
    (names: its display values) and adds shown to its OVERFLOWED list when needed."""
    distinct = list(dict.fromkeys(names))
    slots, overflow = _names(shown)
    n = len(distinct)
    for i, name in enumerate(slots):
        out[name] = [distinct[i] if i < n else _EMPTY]
    out[overflow] = distinct[SLOTS:]
    if n > SLOTS:
        out.setdefault(OVERFLOWED, []).append(shown)


@lru_cache(maxsize=None)
def _names(shown: str) -> tuple[tuple[str, ...], str]:
    """A field's slot column names and its overflow column name (formatted once)."""
    return tuple(slot(shown, i) for i in range(SLOTS)), more(shown)


def _terms(field: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size, "segment_size": size}}


def request(fields: Iterable[Field], shown: Callable[[Field], str]) -> dict[str, Any]:
    """The aggregations that count these facets (keys never clash with a field name)."""
    aggs: dict[str, Any] = {}
    for f in fields:
        name = shown(f)
        if f.entity:
            for i in range(SLOTS):
                aggs[f"{f.name}#{i}"] = _terms(slot(name, i), VALUES)
            aggs[f"{f.name}#more"] = {"filter": f"{OVERFLOWED}:{name}",
                                      "aggs": {"v": _terms(more(name), VALUES)}}
        else:  # one value per article: counted as it is
            aggs[f.name] = _terms(name, VALUES)
    return aggs


def fallback(fields: Iterable[Field], size: int,
             shown: Callable[[Field], str]) -> dict[str, Any]:
    """Counting on the multi-valued fields themselves (values beyond VALUES per slot)."""
    return {f.name: {"terms": {"field": shown(f), "size": size,
                               "segment_size": max(10 * size, 1000)}} for f in fields}


def read(result: dict[str, Any], fields: Iterable[Field],
         size: int) -> tuple[dict[str, list[FacetValue]], list[Field]]:
    """The facets of a request()'s result, and the fields that must be counted again
    (fallback) because a slot held more values than one aggregation returns."""
    out: dict[str, list[FacetValue]] = {}
    again: list[Field] = []
    for f in fields:
        parts = ([result.get(f"{f.name}#{i}") or {} for i in range(SLOTS)]
                 + [(result.get(f"{f.name}#more") or {}).get("v") or {}]
                 if f.entity else [result.get(f.name) or {}])
        if any(part.get("sum_other_doc_count") for part in parts):
            again.append(f)
            continue
        counts: dict[str, int] = {}
        for part in parts:
            for bucket in part.get("buckets") or ():
                key = str(bucket["key"])
                counts[key] = counts.get(key, 0) + int(bucket["doc_count"])
        counts.pop(_EMPTY, None)
        out[f.name] = top(counts.items(), size)
    return out, again


def read_fallback(result: dict[str, Any], fields: Iterable[Field],
                  size: int) -> dict[str, list[FacetValue]]:
    """The facets of a fallback()'s result."""
    return {f.name: top(((str(b["key"]), int(b["doc_count"]))
                         for b in (result.get(f.name) or {}).get("buckets") or ()), size)
            for f in fields}


def top(counts: Iterable[tuple[str, int]], size: int) -> list[FacetValue]:
    """The size most frequent values, ties by value (what every backend returns)."""
    values = [FacetValue(value, count) for value, count in counts]
    values.sort(key=lambda v: (-v.count, v.value))
    return values[:size]


def from_postings(searcher: Any, q: Any, shown: str, size: int) -> list[FacetValue]:
    """One facet of q's matches counted on the postings of its display field: exact
    (the bitset holds live matches only), the size most frequent, ties by value."""
    # The engine orders by count, then by the value's bytes: UTF-8 sorts like str.
    return [FacetValue(value, count) for value, count in
            searcher.terms_with_prefix(shown, "", filter_query=q, limit=size)]
