"""Filters find an article by a name as the article writes it, on every backend: each
place, organisation and person is indexed under its canonical name (what facets count
and show) and under the surfaces the article wrote it as (filter keys only). A name the
tables resolve to one canonical value still finds the article that wrote it under
another. People are resolved like the other names: folded, and an unknown one is one
line with the closest names the index holds (exit 2 on the CLI, 400 from the API)."""
from __future__ import annotations

import sqlite3

import pytest

from indexer.fields import ALL_FACETS, field
from indexer.query import Query, name_key
from nlp.identity import content_hash
from nlp.records import Article, Entities, Org, Person, Place
from scamscope.names import UnknownName, index_bound
from tests.fixtures.index import backend_with_cli, story
from tests.fixtures.web import make_client

OFAC_ES = "Oficina de Control de Activos Extranjeros"


def article(n: int, *, orgs=(), places=(), people=(), lang="es") -> Article:
    """An article whose entities are given as (surface, canonical) pairs."""
    text = f"Story {n}. " + " ".join(s for s, _ in (*orgs, *places, *people)) + "."
    return story(n, text, Entities(
        orgs=[Org(text=s, name=c) for s, c in orgs],
        places=[Place(text=s, name=c, country="PH") for s, c in places],
        people=[Person(text=s, name=c) for s, c in people]), section="surface", lang=lang)


def corpus() -> list[Article]:
    return [
        # the same body written three ways, one of them under a wrongly chosen name
        article(1, orgs=[(OFAC_ES, "OFAC"), ("OFAC", "OFAC")],
                places=[("Tarlac province", "Tarlac")], people=[("Alice Leal Guo", "Alice Guo")]),
        article(2, orgs=[("Office of Foreign Assets Control", "OFAC")], lang="en",
                places=[("Tarlac", "Tarlac")], people=[("Alice Guo", "Alice Guo")]),
        article(3, orgs=[("ONUDC", "Oficina Regional de Drogas")], lang="fr",
                places=[("Bamban town", "Bamban")]),
        article(4, orgs=[("ดีเอสไอ", "Thai Department of Special Investigation")], lang="th"),
    ]


def ids(index, **filters) -> set[str]:
    return {h.id for h in index.search(Query(**filters, limit=50, facets=False)).hits}


def test_a_surface_finds_its_article_and_facets_stay_canonical(any_index):
    articles = corpus()
    any_index.upsert(articles)
    one, two, three, four = (a.id for a in articles)

    assert ids(any_index, orgs=[OFAC_ES]) == {one}
    assert ids(any_index, orgs=["oficina de control de activos extranjeros"]) == {one}
    assert ids(any_index, orgs=["OFAC"]) == {one, two}  # the canonical name: both
    assert ids(any_index, orgs=["office of foreign assets control"]) == {two}
    assert ids(any_index, orgs=["ดีเอสไอ"]) == {four}
    assert ids(any_index, places=["Tarlac Province"]) == {one}
    assert ids(any_index, places=["Tarlac"]) == {one, two}
    assert ids(any_index, people=["alice leal guo"]) == {one}
    assert ids(any_index, people=["Alice Guo"]) == {one, two}
    assert ids(any_index, orgs=["Foreign Assets"]) == set()  # whole names only

    facets = any_index.search(Query(limit=0, facet_names=ALL_FACETS)).facets
    assert {(f.value, f.count) for f in facets["org"]} == {
        ("OFAC", 2), ("Oficina Regional de Drogas", 1),
        ("Thai Department of Special Investigation", 1)}
    assert {(f.value, f.count) for f in facets["place"]} == {("Tarlac", 2), ("Bamban", 1)}
    assert {(f.value, f.count) for f in facets["person"]} == {("Alice Guo", 2)}
    # a surface filter narrows the facets like any filter; counts stay per article
    narrowed = any_index.search(Query(orgs=[OFAC_ES], limit=0, facet_names=ALL_FACETS))
    assert [(f.value, f.count) for f in narrowed.facets["org"]] == [("OFAC", 1)]


def test_a_rewritten_article_drops_its_old_surfaces(any_index):
    first = article(1, orgs=[(OFAC_ES, "OFAC")])
    any_index.upsert([first])
    assert ids(any_index, orgs=[OFAC_ES]) == {first.id}  # loads any cache
    again = article(1, orgs=[("Office of Foreign Assets Control", "OFAC")])
    again.text += " Updated."
    again.content_hash = content_hash(again.text)
    any_index.upsert([again])
    assert ids(any_index, orgs=[OFAC_ES]) == set()
    assert ids(any_index, orgs=["Office of Foreign Assets Control"]) == {first.id}
    any_index.delete([first.id])
    assert ids(any_index, orgs=["Office of Foreign Assets Control", "OFAC"]) == set()


@pytest.mark.parametrize("a, b", [
    ("Taipei District Prosecutors’ Office", "taipei district prosecutors office"),
    ("U.S. Treasury", "US Treasury"),
    ("The Mirror Foundation", "mirror foundation"),
    ("ＵＮＯＤＣ", "UNODC"),  # full width
    ("ศาลจังหวัด สระแก้ว", "ศาลจังหวัดสระแก้ว"),  # no spaces inside Thai
    ("ก.ล.ต.", "กลต"),
    ("Trade & Industry Ministry", "Trade and Industry Ministry"),
    ("Anti-Money Laundering Office", "Anti Money Laundering Office"),
])
def test_names_are_folded_alike_at_index_and_query_time(any_index, a, b):
    assert name_key(a) == name_key(b)
    written = article(9, orgs=[(a, "Somebody Else")])
    any_index.upsert([written])
    assert ids(any_index, orgs=[b]) == {written.id}


def test_resolution_adds_the_name_as_written(any_index):
    articles = corpus()
    any_index.upsert(articles)
    names = index_bound(any_index)
    # ONUDC is UNODC in the tables, but article 3's stage named it otherwise
    assert names.resolve_all("org", "ONUDC") == ["UNODC", "ONUDC"]
    # a surface nothing but the index knows is taken as written
    assert names.resolve_all("org", OFAC_ES.upper()) == [OFAC_ES.upper()]
    with pytest.raises(UnknownName) as caught:
        names.resolve_all("person", "Alise Guo")
    assert "person 'Alise Guo' is not a known person" in str(caught.value)
    assert "did you mean Alice Guo" in str(caught.value)
    assert names.resolve_all("person", "ALICE GUO") == ["ALICE GUO"]


def test_digests_explain_a_match_by_surface():
    entities = corpus()[0].entities
    assert field("org").matching(entities, [OFAC_ES.lower()]) == ["OFAC"]
    assert field("place").matching(entities, ["tarlac province"]) == ["Tarlac"]
    assert field("org").matching(entities, ["Nothing"]) == []
    assert field("org").aliased(entities) == ["oficina de control de activos extranjeros"]


def test_indexing_reads_keys_and_surfaces_in_one_pass_with_the_same_result():
    from indexer.fields import ENTITY_FIELDS
    from indexer.sample import sample_articles

    for entities in [a.entities for a in corpus() + sample_articles(60, seed=2)]:
        for f in ENTITY_FIELDS:
            assert f.indexed(entities) == (f.keyed(entities), f.aliased(entities)), f.name
    assert field("org").indexed(corpus()[0].entities)[1] == [
        "oficina de control de activos extranjeros"]


def test_an_index_file_from_before_surfaces_gets_them_on_open(tmp_path):
    from indexer.sqlite import SQLiteIndex

    path = tmp_path / "old.db"
    articles = corpus()
    with SQLiteIndex(path) as index:
        index.upsert(articles)
    with sqlite3.connect(path) as db:  # what a file written before surface keys holds
        for table in ("doc_places", "doc_orgs", "doc_people"):
            db.execute(f"DELETE FROM {table} WHERE name = ''")
        db.execute("UPDATE meta SET value = 'country,place,org,person' "
                   "WHERE key = 'entity_fields'")
    with SQLiteIndex(path) as index:
        assert ids(index, orgs=[OFAC_ES]) == {articles[0].id}
        assert ids(index, orgs=["OFAC"]) == {articles[0].id, articles[1].id}
        assert index.count() == len(articles)


@pytest.mark.parametrize("backend", ["tantivy", "elastic"])
def test_an_index_written_before_surfaces_gets_them_on_open(backend, tmp_path, monkeypatch,
                                                           request):
    """Written by a scamscope that kept no surface keys (its Field.aliased gave none and
    its key layout was another): the next open re-derives the keys from stored articles."""
    import indexer.fields

    module = __import__(f"indexer.{'tantivy_index' if backend == 'tantivy' else 'elastic'}",
                        fromlist=["KEYS_LAYOUT"])

    def open_index():
        if backend == "tantivy":
            return module.TantivyIndex(tmp_path / "old.tantivy")
        return module.ElasticIndex(request.getfixturevalue("search_cluster"),
                                   index_name=request.getfixturevalue("es_index_name"))

    articles = corpus()
    with monkeypatch.context() as old:
        old.setattr(indexer.fields.Field, "aliased", lambda self, entities: [])
        old.setattr(indexer.fields.Field, "indexed",
                    lambda self, entities: (self.keyed(entities), []))
        old.setattr(module, "KEYS_LAYOUT", "canonical/0")
        index = open_index()
        index.upsert(articles)
        assert ids(index, orgs=[OFAC_ES]) == set()  # what such an index answered
        index.close()
    index = open_index()
    try:
        assert ids(index, orgs=[OFAC_ES]) == {articles[0].id}
        assert ids(index, places=["Tarlac province"]) == {articles[0].id}
        assert index.count() == len(articles)
    finally:
        if backend == "elastic":
            index.drop()
        index.close()


@pytest.fixture(params=["sqlite", "tantivy", "elastic"])
def surface_backend(request, data_dir, tmp_path):
    """(index, global CLI options, environment) of each backend, holding corpus()."""
    index, options, env = backend_with_cli(request, tmp_path, request.param, corpus(), "surface")
    yield index, options, env
    if request.param != "elastic":
        index.close()


def test_cli_and_api_filter_by_surface_and_refuse_unknown_people(surface_backend, cli,
                                                                 web_settings):
    index, options, env = surface_backend
    one = corpus()[0].id
    found = cli("search", "--org", OFAC_ES, "--json", global_args=options, env=env)
    assert found.code == 0, found.err
    data = found.json()
    assert [h["id"] for h in data["hits"]] == [one]
    assert [f["value"] for f in data["facets"]["org"]] == ["OFAC"]

    wrong = cli("search", "--person", "Alise Guo", global_args=options, env=env)
    assert wrong.code == 2
    [line] = wrong.err.strip().splitlines()
    assert "not a known person" in line and "Alice Guo" in line

    with make_client(web_settings, index) as web:
        response = web.get("/api/search", params={"org": OFAC_ES.lower()})
        assert response.status_code == 200
        assert [h["id"] for h in response.json()["hits"]] == [one]
        response = web.get("/api/search", params={"person": "alice leal guo"})
        assert [h["id"] for h in response.json()["hits"]] == [one]
        refused = web.get("/api/search", params={"person": "Alise Guo"})
        assert refused.status_code == 400
        assert "did you mean Alice Guo" in refused.json()["detail"]
