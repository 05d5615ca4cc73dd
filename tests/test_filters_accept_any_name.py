"""Filters accept any name a reader sees: aliases in any language, any case, with or without
accents resolve to the value the index holds, on the CLI, the API and the web page alike;
an unknown name is one line naming the closest known ones; /api/suggest offers names."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.evaluate import load_gold
from tests.fixtures.web import make_client

GOLD = Path(__file__).parent / "data" / "gold"
ARTICLES = ("en-01-kk-park-raid", "en-07-unodc-report", "en-09-dkba-sanctions",
            "fr-01-myawaddy-liberation", "fr-05-afrique-expansion", "zh-08-myawaddy-bgf",
            "th-01-mae-sot-power", "es-05-cosecha-cafe")

# (flag, canonical value, other ways readers write it)
SAME = [
    ("org", "UNODC", ["ONUDC", "United Nations Office on Drugs and Crime", "unodc",
                      "united nations office on drugs and crime", "联合国毒品和犯罪问题办公室"]),
    ("org", "Border Guard Force", ["BGF", "Karen Border Guard Force", "border guard force",
                                   "Force des gardes-frontières", "force des gardes-frontieres"]),
    ("place", "Karen State", ["Kayin State", "kayin state", "Karen state"]),
    ("place", "Myawaddy", ["妙瓦底", "เมียวดี", "MYAWADDY", "Myawadi"]),
    ("country", "MM", ["Myanmar", "Birmanie", "birmanie", "Burma", "缅甸", "mm", "MMR",
                       "Birmania"]),
    ("country", "TH", ["Thailand", "Thaïlande", "thailande", "ประเทศไทย", "THA"]),
]


@pytest.fixture(scope="module")
def gold_index_path(tmp_path_factory) -> Path:
    """The listed gold articles through the real nlp stage, in a real SQLite index."""
    from indexer.sqlite import SQLiteIndex

    from tests.test_filters_find_gold_articles import bench

    by_id = {a["id"]: a for a in load_gold(GOLD)}
    path = tmp_path_factory.mktemp("names") / "index.db"
    index = SQLiteIndex(str(path))
    try:
        bench().index_gold([by_id[i] for i in ARTICLES], index)
    finally:
        index.close()
    return path


@pytest.fixture
def gold_web(tmp_path, gold_index_path):
    from indexer.sqlite import SQLiteIndex
    from scamscope.config import Settings

    index = SQLiteIndex(str(gold_index_path))
    settings = Settings(data_dir=str(tmp_path / "web"), index=f"sqlite://{gold_index_path}",
                        secret_key="k")
    with make_client(settings, index) as client:
        yield client
    index.close()


def _ids(result) -> list[str]:
    assert result.code == 0, result.err
    return [h["id"] for h in result.json()["hits"]]


@pytest.mark.parametrize("flag, canonical, others", SAME)
def test_cli_resolves_every_alias_to_the_canonical_value(cli, gold_index_path, flag, canonical,
                                                         others):
    index = ("--index", f"sqlite://{gold_index_path}")
    expected = _ids(cli(*index, "search", f"--{flag}", canonical, "--json"))
    assert expected, f"no gold article has {flag} {canonical}"
    for other in others[:2]:  # the API test below tries them all, in process
        assert _ids(cli(*index, "search", f"--{flag}", other, "--json")) == expected, other


def test_cli_unknown_name_is_one_line_with_the_closest_names(cli, gold_index_path):
    result = cli("--index", f"sqlite://{gold_index_path}", "search", "--org", "Boder Guard Frce")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    assert "not a known organisation" in lines[0] and "Border Guard Force" in lines[0]
    result = cli("--index", f"sqlite://{gold_index_path}", "search", "--country", "Myanmr")
    assert result.code == 2 and "did you mean Myanmar (MM)" in result.err


def test_cli_takes_an_org_the_table_lacks_when_the_index_has_it(cli, gold_index_path):
    from indexer.query import Query
    from indexer.sqlite import SQLiteIndex
    from scamscope.names import _table

    with SQLiteIndex(str(gold_index_path)) as index:
        values = [fv.value for fv in index.search(Query(facet_size=200)).facets["org"]]
    outside = [v for v in values if _table("org").get(v) is None]
    assert outside, "every indexed organisation is in the table: pick other articles"
    result = cli("--index", f"sqlite://{gold_index_path}", "search", "--org", outside[0],
                 "--json")
    assert result.code == 0 and result.json()["total"] >= 1


def test_a_name_with_a_comma_is_tried_whole_before_as_a_list():
    from scamscope.filters import query_from_mapping

    query = query_from_mapping({"place": ["Washington, D.C."], "org": ["ONUDC,BGF"]})
    assert query.places == ["Washington, D.C."]
    assert query.orgs == ["UNODC", "Border Guard Force"]


@pytest.mark.parametrize("flag, canonical, others", SAME)
def test_api_and_page_resolve_the_same_names(gold_web, flag, canonical, others):
    expected = gold_web.get("/api/search", params={flag: canonical}).json()
    assert expected["total"] >= 1
    for other in others:
        assert gold_web.get("/api/search", params={flag: other}).json() == expected, other
    page = gold_web.get("/", params={flag: others[0]})
    assert page.status_code == 200
    assert f"{flag}: {canonical}" in page.text  # the active filter shows the canonical value


def test_api_and_page_refuse_an_unknown_name_with_suggestions(gold_web):
    response = gold_web.get("/api/search", params={"org": "Boder Guard Frce"})
    assert response.status_code == 400
    assert "did you mean Border Guard Force" in response.json()["detail"]
    page = gold_web.get("/", params={"place": "Shwe Koko Park"})
    assert page.status_code == 400
    assert "not a known place" in page.text and "Shwe Kokko" in page.text
    export = gold_web.get("/api/export.csv", params={"country": "Atlantis"})
    assert export.status_code == 400


def test_suggest_offers_canonical_names_for_what_is_typed(gold_web):
    def values(field, q, **extra):
        response = gold_web.get("/api/suggest", params={"field": field, "q": q, **extra})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["field"] == field and body["q"] == q
        return [s["value"] for s in body["suggestions"]]

    assert "UNODC" in values("org", "onud")
    assert "UNODC" in values("org", "UNO")
    assert values("org", "border guard")[0] == "Border Guard Force"
    assert "Border Guard Force" in values("org", "guard")  # a later word's start
    assert "MM" in values("country", "birm")
    assert "Karen State" in values("place", "kayin")
    assert values("place", "妙瓦")[:1] == ["Myawaddy"]
    assert values("org", "") == []
    assert len(values("place", "sa", limit="5")) == 5
    # fields with no alias table suggest the index's own values
    assert values("lang", "f") == ["fr"]


def test_suggest_counts_come_from_the_index(gold_web, gold_index_path):
    body = gold_web.get("/api/suggest", params={"field": "org", "q": "unodc"}).json()
    first = body["suggestions"][0]
    assert first["value"] == "UNODC" and first["count"] >= 1
    total = gold_web.get("/api/search", params={"org": "UNODC"}).json()["total"]
    assert first["count"] == total


def test_suggest_refuses_bad_requests(gold_web):
    assert gold_web.get("/api/suggest", params={"field": "colour", "q": "x"}).status_code == 400
    assert gold_web.get("/api/suggest", params={"field": "org", "q": "x" * 300}).status_code == 400
    assert gold_web.get("/api/suggest", params={"field": "org", "q": "x",
                                                "limit": "1000"}).status_code == 422
    # one letter: only the index's own values, not a hundred thousand table names
    one = json.loads(gold_web.get("/api/suggest", params={"field": "place", "q": "m"}).text)
    assert one["suggestions"] and all(s["count"] >= 1 for s in one["suggestions"])


def test_subscriptions_store_the_canonical_names(cli):
    result = cli("subscribe", "analyst@example.org", "--org", "ONUDC", "--country", "Birmanie",
                 "--place", "kayin state", "--json")
    assert result.code == 0, result.err
    query = result.json()["query"]
    assert (query["orgs"], query["countries"], query["places"]) == \
        (["UNODC"], ["MM"], ["Karen State"])
    refused = cli("subscribe", "analyst@example.org", "--country", "Atlantis")
    assert refused.code == 2 and "not a known country" in refused.err
