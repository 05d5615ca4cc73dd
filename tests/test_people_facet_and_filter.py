"""People, through the field registry: a person facet and a --person filter on every
backend (SQLite and the search cluster), in the CLI, the JSON API, the web page, the CSV
export and saved searches, whose digests say which person matched."""
from __future__ import annotations

import csv
import io
import sqlite3
from collections import Counter
from html import unescape

import pytest

from indexer.fields import ALL_FACETS, FACETS
from indexer.query import Query, name_key
from nlp.records import Person
from tests.fixtures.alerts import make_article
from tests.fixtures.web import make_client

LONG, SHE, GUO = "Nguyễn Văn Long", "She Zhijiang", "Alice Guo"
COUNT = 30  # more articles than a page of hits (5 here) and a facet's size (2 here)


def people_of(n: int) -> list[str]:
    people = [(LONG, SHE, GUO)[n % 3]]
    if n % 5 == 0 and GUO not in people:
        people.append(GUO)
    return people


def corpus():
    articles = []
    for n in range(1, COUNT + 1):
        article = make_article(n, title=f"Scam centre story {n}",
                               countries=("KH",) if n % 4 == 0 else ("MM",))
        article.entities.people = [Person(p, p) for p in people_of(n)]
        articles.append(article)
    return articles


def expected_ids(articles, *names) -> set[str]:
    keys = {name_key(n) for n in names}
    return {a.id for a in articles if keys & {name_key(p.name) for p in a.entities.people}}


def test_person_filter_and_facet_on_every_backend(any_index):
    articles = corpus()
    any_index.upsert(articles)

    # folded like the index folds names: case and diacritics do not matter
    for spelling in (LONG, "nguyen van long", "NGUYỄN  VĂN LONG"):
        results = any_index.search(Query(people=[spelling], limit=5))
        assert results.total == len(expected_ids(articles, LONG)) == 10
        assert len(results.hits) == 5
        assert all(LONG in {p.name for p in hit.entities.people} for hit in results.hits)
    both = Query(people=[SHE, "alice guo"], limit=COUNT)
    assert {h.id for h in any_index.search(both).hits} == expected_ids(articles, SHE, GUO)
    assert any_index.count(Query(people=[SHE], countries=["KH"])) == len(
        expected_ids([a for a in articles if a.entities.places[0].country == "KH"], SHE))
    assert any_index.count(Query(people=["Nobody Here"])) == 0

    # the facet counts the whole result set; asked for, not counted by default
    counts = Counter(p for n in range(1, COUNT + 1) for p in people_of(n))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    results = any_index.search(Query(limit=1, facet_size=2, facet_names=ALL_FACETS))
    assert [(f.value, f.count) for f in results.facets["person"]] == top
    assert set(results.facets) == set(ALL_FACETS)
    assert "person" not in FACETS and set(any_index.search(Query(limit=1)).facets) == set(FACETS)
    for facet in results.facets["person"]:
        assert any_index.count(Query(people=[facet.value])) == facet.count


def test_an_index_file_from_before_people_gets_them_on_open(tmp_path):
    from indexer.sqlite import SQLiteIndex

    path = tmp_path / "old.db"
    articles = corpus()
    with SQLiteIndex(path) as index:
        index.upsert(articles)
    with sqlite3.connect(path) as db:  # what a file written before the person field holds
        db.execute("DROP TABLE doc_people")
        db.execute("UPDATE meta SET value = 'country,place,org' WHERE key = 'entity_fields'")
    with SQLiteIndex(path) as index:
        assert index.count(Query(people=[SHE])) == len(expected_ids(articles, SHE))
        assert index.count() == COUNT


@pytest.fixture(params=["sqlite", "elastic"])
def people_backend(request, data_dir):
    """(index, global CLI options, environment) of each backend, holding corpus()."""
    if request.param == "sqlite":
        from indexer.sqlite import SQLiteIndex

        index = SQLiteIndex(data_dir / "index.db")  # the CLI's default index
        options: tuple[str, ...] = ()
        env: dict[str, str] = {}
    else:
        index = request.getfixturevalue("elastic_index")
        options = ("--index", request.getfixturevalue("search_cluster"))
        # no settle window: these articles are all searchable before matching runs
        env = {"SCAMSCOPE_INDEX_NAME": index.alias, "SCAMSCOPE_ALERTS_SETTLE_SECONDS": "0"}
    index.upsert(corpus())
    yield index, options, env
    if request.param == "sqlite":
        index.close()


def test_cli_search_and_subscribe_by_person(people_backend, cli, smtp_server):
    index, options, env = people_backend
    articles = corpus()
    found = cli("search", "--person", "she zhijiang", "--limit", "50", "--json",
                global_args=options, env=env)
    assert found.code == 0, found.err
    data = found.json()
    assert {h["id"] for h in data["hits"]} == expected_ids(articles, SHE)
    assert all(SHE in {p["name"] for p in h["entities"]["people"]} for h in data["hits"])
    assert {f["value"] for f in data["facets"]["person"]} >= {SHE}
    human = cli("search", "--person", SHE, "--limit", "1", global_args=options, env=env)
    assert "people: " in human.out and SHE in human.out

    smtp = (*options, "--smtp", smtp_server.url)
    made = cli("subscribe", "analyst@example.org", "--person", SHE, "--every", "instant",
               global_args=smtp, env=env)
    assert made.code == 0, made.err
    listed = cli("subscriptions", "list", global_args=smtp, env=env)
    assert f'--person "{SHE}"' in listed.out
    sent = cli("alerts", "send", global_args=smtp, env=env)
    assert sent.code == 0, sent.err
    [digest] = smtp_server.messages
    text = digest.get_body(("plain",)).get_content()
    assert f"People (matched): {SHE}" in text
    titles = [line for line in text.splitlines() if line.split(". ", 1)[0].isdigit()]
    assert len(titles) == len(expected_ids(articles, SHE)) == 10


def test_web_page_api_and_csv_filter_and_facet_people(people_backend, web_settings):
    index, _, _ = people_backend
    articles = corpus()
    with make_client(web_settings, index) as web:
        search_doc = web.get("/openapi.json").json()["paths"]["/api/search"]["get"]
        assert "person" in {p["name"] for p in search_doc["parameters"]}
        api = web.get("/api/search", params={"person": "alice guo", "limit": 50}).json()
        assert {h["id"] for h in api["hits"]} == expected_ids(articles, GUO)
        assert api["facets"]["person"][0] == {"value": GUO, "count": api["total"]}

        page = web.get("/", params={"person": GUO}).text
        assert f'<input name="person" value="{GUO}"' in page  # the filter box
        facet = page.split('data-facet="person"', 1)[1].split("</section>", 1)[0]
        assert f'data-facet-value="{GUO}"' in facet
        assert f'class="chip chip-person" href="/?person=' in page
        everyone = web.get("/").text.split('data-facet="person"', 1)[1].split("</section>", 1)[0]
        link = unescape(everyone.split(f'data-facet-value="{SHE}"', 1)[0].rsplit('href="', 1)[1])
        narrowed = web.get(link.split('"', 1)[0]).text
        assert f"<strong>{len(expected_ids(articles, SHE))}</strong>" in narrowed

        one = next(a for a in articles if SHE in people_of(int(a.url.rsplit("/", 1)[1])))
        assert '<a href="/?person=She+Zhijiang">She Zhijiang</a>' in web.get(
            f"/articles/{one.id}").text  # the article page links each person to a search

        typed = web.get("/api/suggest", params={"field": "person", "q": "zhij"}).json()
        assert [s["value"] for s in typed["suggestions"]] == [SHE]  # the filter box's list

        rows = list(csv.DictReader(io.StringIO(
            web.get("/api/export.csv", params={"person": LONG}).text)))
        assert len(rows) == len(expected_ids(articles, LONG))
        assert all(LONG in row["people"].split("; ") for row in rows)


def test_a_cluster_index_from_before_people_is_migrated_on_open(search_cluster, es_index_name):
    from datetime import datetime, timedelta, timezone

    from indexer.document import IndexDocument
    from indexer.elastic import ElasticIndex, _document, load_mapping
    from nlp.records import iso

    old_mapping = load_mapping()  # the mapping before people: no people fields, a simhash
    properties = old_mapping["mappings"]["properties"]
    del properties["people"], properties["person_keys"]
    properties["simhash"] = {"type": "keyword", "index": False, "doc_values": False}
    old = ElasticIndex(search_cluster, index_name=es_index_name, mapping=old_mapping)
    articles = corpus()
    start = datetime(2026, 11, 2, tzinfo=timezone.utc)
    body = []
    for i, article in enumerate(articles):  # documents as the older version wrote them
        doc = _document(IndexDocument.from_article(article))
        del doc["people"], doc["person_keys"]
        doc.update(simhash="-4242", indexed_at=iso(start + timedelta(microseconds=i)))
        body += [{"index": {"_index": old.alias, "_id": doc["id"]}}, doc]
    assert not old.client.bulk(body=body, refresh=True)["errors"]
    old.close()

    index = ElasticIndex(search_cluster, index_name=es_index_name)  # today's mapping
    try:
        assert index.concrete != old.concrete and index.count() == COUNT
        assert index.count(Query(people=[SHE])) == len(expected_ids(articles, SHE))
        assert index.get(articles[0].id).indexed_at == start  # the first sighting is kept
    finally:
        index.drop()
        index.close()


def test_a_person_typed_without_the_honorific_finds_the_honoured_name(any_index):
    """Readers drop the Karen honorific of "Saw Chit Thu"; the filter still finds him, but
    a bare name two honoured people share stays ambiguous and is refused."""
    from scamscope.names import UnknownName, index_bound

    articles = []
    for n, people in enumerate((["Saw Chit Thu"], ["Saw Chit Thu", "Alice Guo"], ["Alice Guo"],
                                ["Saw Min Aung"], ["U Min Aung"]), start=1):
        article = make_article(n, title=f"Border story {n}", countries=("MM",))
        article.entities.people = [Person(p, p) for p in people]
        articles.append(article)
    any_index.upsert(articles)
    names = index_bound(any_index)

    for typed in ("Chit Thu", "chit thu", "CHIT  THU"):  # folded like the index folds names
        assert name_key(names.resolve("person", typed)) == name_key("Saw Chit Thu")
    query = Query(people=[names.resolve("person", "Chit Thu")], limit=10)
    assert {h.id for h in any_index.search(query).hits} == {articles[0].id, articles[1].id}
    with pytest.raises(UnknownName):
        names.resolve("person", "Min Aung")  # Saw Min Aung or U Min Aung?
    with pytest.raises(UnknownName):
        names.resolve("person", "Chit")
