"""JSON API: search (same as `scamscope search --json`), articles, OpenAPI, exports."""
from __future__ import annotations

import csv
import io

from indexer.fields import ALL_FACETS
from indexer.query import Query


def test_api_search_is_exactly_the_cli_json(web, cli, web_index_path):
    api = web.get("/api/search", params={"q": "scam", "country": "MM", "limit": "5"})
    assert api.status_code == 200
    result = cli("--index", f"sqlite://{web_index_path}", "search", "scam", "--country", "MM",
                 "--limit", "5", "--json")
    assert result.code == 0, result.err
    assert api.json() == result.json()
    assert set(api.json()) == {"total", "hits", "facets"}


def test_api_search_equals_results_to_json(web, web_index):
    for params, query in (({"q": "scam"}, Query(text="scam")),
                          ({}, Query()),
                          ({"q": "scam", "sort": "date", "page": "2", "limit": "7"},
                           Query(text="scam", sort="date", limit=7, offset=7))):
        query.facet_names = ALL_FACETS  # the API counts every facet, people included
        assert web.get("/api/search", params=params).json() == \
            web_index.search(query).to_json(), params


def test_api_search_hit_shape(web):
    hit = web.get("/api/search?q=scam").json()["hits"][0]
    assert {"id", "url", "title", "published", "lang", "source", "snippet", "entities"} <= set(hit)


def test_api_search_syntax_error_is_400_with_the_message(web):
    response = web.get("/api/search", params={"q": "(scam"})
    assert response.status_code == 400
    assert response.json() == {"detail": "unbalanced '(' in query: add the closing ')'"}


def test_api_article_has_entities_provenance_and_copies(web, web_index):
    hits = web_index.search(Query(limit=200)).hits
    with_copy = next((h for h in hits if h.story_id and web_index.same_story(h.story_id, h.id)),
                     hits[0])
    article = web_index.get(with_copy.id)
    data = web.get(f"/api/articles/{article.id}").json()
    for key in ("fetched_url", "final_url", "fetched_at", "status", "content_hash", "entities"):
        assert data[key] == article.to_json()[key]
    copies = web_index.same_story(article.story_id, article.id) if article.story_id else []
    assert [c["id"] for c in data["same_story"]] == [c.id for c in copies]


def test_api_unknown_article_is_404_json(web):
    response = web.get("/api/articles/doesnotexist")
    assert response.status_code == 404
    assert response.json()["detail"] == "no article with id 'doesnotexist'"


def test_openapi_document_describes_the_api(web):
    doc = web.get("/openapi.json").json()
    assert doc["info"]["title"] == "scamscope"
    for path in ("/api/search", "/api/articles/{article_id}", "/api/subscriptions",
                 "/api/subscriptions/{sub_id}", "/api/export.csv", "/api/export.json"):
        assert path in doc["paths"], path
    names = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "country", "place", "org", "min_usd", "since", "until", "lang", "source",
            "min_relevance", "sort", "page", "limit"} <= names
    assert "/" not in doc["paths"]  # pages are not API
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_csv_export_has_every_matching_article(web, web_index):
    expected = web_index.count(Query(text="scam", countries=["MM"]))
    response = web.get("/api/export.csv", params={"q": "scam", "country": "MM"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == expected > 0
    assert all("MM" in row["countries"].split() for row in rows)
    assert "<mark>" not in response.text  # snippets are plain text in a spreadsheet


def test_json_export_pages_through_the_whole_result_set(web, web_index):
    total = web_index.count(Query())
    assert total > 20  # more than one page of the index
    data = web.get("/api/export.json").json()
    assert data["total"] == data["exported"] == len(data["hits"]) == total
    assert len({h["id"] for h in data["hits"]}) == total
    limited = web.get("/api/export.json?limit=3").json()
    assert limited["exported"] == 3 and limited["total"] == total


def test_exports_refuse_a_bad_search(web):
    for path in ("/api/export.csv", "/api/export.json"):
        response = web.get(path, params={"q": "scam AND"})
        assert response.status_code == 400
        assert "AND" in response.json()["detail"]


def test_openapi_describes_the_search_response(web):
    doc = web.get("/openapi.json").json()
    get = doc["paths"]["/api/search"]["get"]
    ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"total", "hits", "facets", "expansions"}
    assert "400" in get["responses"]


def test_an_unreachable_index_is_a_503_message_not_a_crash(web_settings, closed_port):
    from dataclasses import replace

    from tests.fixtures.web import make_client

    settings = replace(web_settings, index=f"http://127.0.0.1:{closed_port}")
    with make_client(settings, None) as client:
        api = client.get("/api/search?q=scam")
        assert api.status_code == 503 and "not available" in api.json()["detail"]
        page = client.get("/?q=scam")
        assert page.status_code == 503 and "not available" in page.text
        assert "Traceback" not in page.text
