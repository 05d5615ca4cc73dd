"""Docs, CLI and API name the same search parameters: `scamscope search`'s options, the
parameters of GET /api/search in /openapi.json and the table in docs/WEB.md agree, and so
do the sort orders and the documented `search --json` entity keys."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from indexer.query import SORTS
from scamscope.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
# CLI options with no API parameter, each said so in docs/WEB.md
CLI_ONLY = {"json", "offset"}
GLOBAL = {"config", "data_dir", "index", "smtp", "verbose", "quiet", "log_level", "help"}


def _search_parser() -> argparse.ArgumentParser:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["search"]


def cli_names() -> set[str]:
    out = set()
    for action in _search_parser()._actions:
        name = "q" if action.dest == "query" else action.dest
        if name not in GLOBAL and action.dest != argparse.SUPPRESS:
            out.add(name)
    return out


def api_names(web) -> set[str]:
    doc = web.get("/openapi.json").json()
    return {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}


def doc_names() -> set[str]:
    text = (ROOT / "docs" / "WEB.md").read_text(encoding="utf-8")
    table = text.split("## Search parameters", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    names = set()
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        names.update(re.findall(r"`([a-z_]+)`", first))
    return names


def test_cli_options_and_api_parameters_name_the_same_things(web):
    assert cli_names() - CLI_ONLY == api_names(web)


def test_docs_table_lists_exactly_the_api_parameters(web):
    assert doc_names() == api_names(web)
    text = (ROOT / "docs" / "WEB.md").read_text(encoding="utf-8")
    for name in CLI_ONLY:
        assert f"`--{name}`" in text  # said to be CLI only


def test_sort_orders_agree(web):
    sort = next(a for a in _search_parser()._actions if a.dest == "sort")
    assert tuple(sort.choices) == SORTS
    doc = web.get("/openapi.json").json()
    described = next(p for p in doc["paths"]["/api/search"]["get"]["parameters"]
                     if p["name"] == "sort")["description"]
    assert all(order in described for order in SORTS)
    for order in SORTS:
        assert web.get("/api/search", params={"sort": order}).status_code == 200


def test_cli_page_is_the_api_page(web, cli, web_index_path):
    api = web.get("/api/search", params={"q": "scam", "page": "2", "limit": "3"}).json()
    out = cli("--index", f"sqlite://{web_index_path}", "search", "scam", "--page", "2",
              "--limit", "3", "--json")
    assert out.code == 0, out.err
    assert out.json() == api
    both = cli("--index", f"sqlite://{web_index_path}", "search", "--page", "2", "--offset", "3")
    assert both.code == 2 and "not both" in both.err


def test_search_json_keys_are_documented(web):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("`scamscope search --json`:", 1)[1].split("```", 2)[1]
    hit = web.get("/api/search", params={"q": "scam"}).json()["hits"][0]
    for key in hit:
        assert f'"{key}"' in block, key
    for key in hit["entities"]:
        assert f'"{key}"' in block, key


def test_article_endpoint_has_a_response_schema(web):
    doc = web.get("/openapi.json").json()
    ok = doc["paths"]["/api/articles/{article_id}"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = set(doc["components"]["schemas"][ref]["properties"])
    article = web.get("/api/search").json()["hits"][0]["id"]
    assert set(web.get(f"/api/articles/{article}").json()) == fields
