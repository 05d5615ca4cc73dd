"""Hostile or mistaken searches get one clear line, on the command line and on the web.

Each kind of bad input is tried where a user can type it: `scamscope search` and
`subscribe` (exit 2, one line on stderr, no traceback), /api/search, the exports,
the search page and saved searches (HTTP 400 with the same message). And no single
search can make the index work without bound: repeated words collapse, long queries
are refused, and the deepest query accepted compiles to something both engines take.
"""
from __future__ import annotations

import json
import re

import pytest

from indexer.elastic import compile_node
from indexer.errors import QuerySyntaxError
from indexer.query import (MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS, And, Query, Term,
                           parse_query)
from indexer.sqlite import compile_match
from scamscope.errors import UserError
from scamscope.filters import parse_when, query_from_mapping
from tests.fixtures.web import WEB_TOKEN

AUTH = {"Authorization": f"Bearer {WEB_TOKEN}"}
DEEP = "(" * 250 + "scam" + ")" * 250
NO_WORDS = ["😀🎉", "!!! ???", "\u200b", "\x00", "—", '""']
REPEATED = " ".join(["scam"] * 9000)


def one_line_error(result, message: str) -> None:
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert message in result.err, result.err


# ------------------------------------------------------------ the parser

def test_deep_parentheses_are_a_syntax_error_not_a_recursion_error():
    with pytest.raises(QuerySyntaxError, match="nests parentheses too deeply"):
        parse_query(DEEP)
    deepest = "(" * MAX_DEPTH + "scam" + ")" * MAX_DEPTH
    assert parse_query(deepest) == Term("scam")
    with pytest.raises(QuerySyntaxError, match=f"at most {MAX_DEPTH} levels"):
        parse_query("(" + deepest + ")")


@pytest.mark.parametrize("text", NO_WORDS)
def test_a_query_without_searchable_words_is_refused(text):
    with pytest.raises(QuerySyntaxError, match="the query has no searchable words"):
        parse_query(text)


def test_blank_queries_still_match_everything():
    assert parse_query("   ") is None and parse_query("") is None


def test_repeated_words_collapse_into_one_term():
    assert parse_query(" ".join(["scam"] * 399)) == Term("scam")
    assert parse_query("scam fraud scam OR scam fraud scam") == And((Term("scam"), Term("fraud")))


def test_long_queries_are_refused_with_the_limits():
    with pytest.raises(QuerySyntaxError, match=f"query too long: at most {MAX_QUERY_CHARS} "):
        parse_query(REPEATED)
    many = " ".join(f"w{n}" for n in range(MAX_TERMS + 1))
    assert len(many) < MAX_QUERY_CHARS
    with pytest.raises(QuerySyntaxError, match=f"query too long: at most {MAX_TERMS} terms"):
        parse_query(many)
    assert parse_query(" ".join(f"w{n}" for n in range(MAX_TERMS))) is not None


def worst_accepted_query() -> str:
    """The most deeply nested tree the limits allow: OR, AND and NOT at every level."""
    text = ""
    for level in range(MAX_DEPTH):
        text += f"x{level} OR y{level} -("
    return text + "x OR y -z" + ")" * MAX_DEPTH


def bool_depth(clause) -> int:
    if isinstance(clause, dict):
        return ("bool" in clause) + max((bool_depth(v) for v in clause.values()), default=0)
    if isinstance(clause, list):
        return max((bool_depth(v) for v in clause), default=0)
    return 0


def test_the_largest_accepted_query_compiles_to_a_bounded_request_on_both_engines():
    deep = parse_query(worst_accepted_query())
    wide = parse_query(" OR ".join(f"w{n}*" for n in range(MAX_TERMS)))
    for node in (deep, wide):
        dsl = compile_node(node)
        # the cluster wraps it in one more bool; engines refuse nesting past 30 by default
        assert bool_depth(dsl) + 1 <= 30
        assert len(json.dumps(dsl)) < 50_000
        expr, _ = compile_match(node)
        assert len(expr) < 5 * MAX_QUERY_CHARS


# ----------------------------------------------------------- the filters

@pytest.mark.parametrize("text", ["740000d", "99999999d", "9999999999999d", "9" * 5000 + "d"])
def test_ages_before_year_one_are_a_user_error(text):
    with pytest.raises(UserError, match="too far back"):
        parse_when(text)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_timestamps_that_leave_the_calendar_in_utc_are_a_user_error(text):
    with pytest.raises(UserError, match="out of range"):
        parse_when(text)


@pytest.mark.parametrize("params, message", [
    ({"min_usd": "nan"}, "min-usd must be a finite number"),
    ({"min_usd": "inf"}, "min-usd must be a finite number"),
    ({"min_usd": "-5"}, "min-usd must be 0 or more"),
    ({"min_usd": "lots"}, "min-usd must be a number"),
    ({"min_relevance": "nan"}, "min-relevance must be a finite number"),
    ({"min_relevance": "1.5"}, "min-relevance must be between 0 and 1"),
    ({"min_relevance": "-0.1"}, "min-relevance must be between 0 and 1"),
    ({"lang": ["english"]}, "language 'english' is not a language code"),
    ({"lang": ["e"]}, "language 'e' is not a language code"),
])
def test_bad_filter_values_are_user_errors(params, message):
    with pytest.raises(UserError, match=re.escape(message)):
        query_from_mapping(params)


def test_language_codes_are_read_the_way_extract_reads_them():
    query = query_from_mapping({"lang": ["EN-gb", "fil", "fr_FR", "en"]})
    assert query.langs == ["en", "tl", "fr"]


def test_limit_and_offset_past_what_an_engine_can_count_are_refused():
    with pytest.raises(QuerySyntaxError, match="at most 1,000,000,000"):
        Query(limit=10 ** 20)
    with pytest.raises(QuerySyntaxError, match="at most 1,000,000,000"):
        Query(offset=10 ** 20)


# -------------------------------------------------------- the command line

@pytest.mark.parametrize("args, message", [
    ([DEEP], "query nests parentheses too deeply"),
    ([REPEATED], "query too long"),
    (["😀🎉"], "the query has no searchable words"),
    (["\u200b"], "the query has no searchable words"),
    (["--since", "740000d"], "too far back"),
    (["--until", "99999999d"], "too far back"),
    (["--min-usd", "nan"], "min-usd must be a finite number"),
    (["--min-usd", "inf"], "min-usd must be a finite number"),
    (["--min-usd", "-5"], "min-usd must be 0 or more"),
    (["--min-relevance", "nan"], "min-relevance must be a finite number"),
    (["--lang", "english"], "language 'english' is not a language code"),
    (["scam", "--limit", "99999999999999999999"], "at most 1,000,000,000"),
])
def test_search_cli_answers_bad_input_with_one_line(cli, web_index_path, args, message):
    result = cli("--index", f"sqlite://{web_index_path}", "search", *args)
    one_line_error(result, message)


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_sources_check_refuses_a_timeout_that_is_not_a_positive_number(cli, value):
    one_line_error(cli("sources", "check", "--timeout", value),
                   "--timeout must be a finite number of seconds, more than 0")


def test_search_and_extract_refuse_the_same_language_names(cli, web_index_path, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Scam centre raided.</p></body></html>")
    extract = cli("extract", str(page), "--url", "https://e.org/a", "--lang", "english")
    search = cli("--index", f"sqlite://{web_index_path}", "search", "--lang", "english")
    assert extract.code == search.code == 2
    assert "english" in extract.err and "english" in search.err


@pytest.mark.parametrize("query, message", [
    (DEEP, "query nests parentheses too deeply"),
    ("!!!", "the query has no searchable words"),
])
def test_subscribe_cli_refuses_what_search_refuses(cli, query, message):
    one_line_error(cli("subscribe", "a@example.org", query), message)
    assert "No subscriptions" in cli("subscriptions", "list").out


# ------------------------------------------------------------------ the web

WEB_CASES = [
    ({"q": DEEP}, "query nests parentheses too deeply"),
    ({"q": REPEATED}, "query too long"),
    ({"q": "😀🎉"}, "the query has no searchable words"),
    ({"q": "\x00"}, "the query has no searchable words"),
    ({"since": "740000d"}, "too far back"),
    ({"until": "99999999d"}, "too far back"),
    ({"min_usd": "nan"}, "min-usd must be a finite number"),
    ({"min_usd": "-5"}, "min-usd must be 0 or more"),
    ({"min_relevance": "nan"}, "min-relevance must be a finite number"),
    ({"lang": "english"}, "language 'english' is not a language code"),
    ({"page": "1" + "0" * 30}, "page must be at most"),
]


@pytest.mark.parametrize("params, message", WEB_CASES)
def test_api_search_and_exports_answer_bad_input_with_400(web, params, message):
    for path in ("/api/search", "/api/export.csv", "/api/export.json"):
        if path != "/api/search" and "page" in params:
            continue  # exports take every page
        response = web.get(path, params=params)
        assert response.status_code == 400, (path, response.text[:200])
        assert message in response.json()["detail"]


@pytest.mark.parametrize("params, message", WEB_CASES)
def test_search_page_shows_the_message_with_400(web, params, message):
    response = web.get("/", params=params)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")


@pytest.mark.parametrize("params, message", WEB_CASES[:-1])
def test_saved_searches_refuse_what_search_refuses(web, web_settings, params, message):
    body = {"email": "a@example.org", **{k: v if k != "lang" else [v]
                                         for k, v in params.items()}}
    response = web.post("/api/subscriptions", json=body, headers=AUTH)
    assert response.status_code == 400 and message in response.json()["detail"]
    assert web.get("/api/subscriptions", headers=AUTH).json() == {"subscriptions": []}


def test_a_repeated_word_finds_what_the_word_finds(web):
    once = web.get("/api/search", params={"q": "scam", "limit": "100"}).json()
    repeated = web.get("/api/search", params={"q": " ".join(["scam"] * 399),
                                              "limit": "100"}).json()
    assert once["total"] > 0 and repeated == once


# -------------------------------------------------------- saved searches

def test_a_saved_search_stored_before_the_limits_is_suspended_not_fatal(cli, alerts_env):
    from alerts import store as db
    from alerts.matcher import match_subscriptions
    from alerts.subscriptions import Subscriptions

    alerts_env.add(title="Myanmar scam story", countries=("MM",))
    with Subscriptions(alerts_env.data_dir) as subs:
        good, _ = subs.subscribe("good@example.org", Query(text="scam"), "instant")
        # what an older version accepted: a query with no searchable words
        old = json.dumps(Query(text="🎉🎉").to_json(), sort_keys=True)
        with db.transaction(subs.conn):
            subs.conn.execute("INSERT INTO subscriptions (target, query, frequency, created) "
                              "VALUES ('old@example.org', ?, 'instant', ?)", (old, db.ts()))
        dry = cli("alerts", "send", "--dry-run")
        assert dry.code == 0, dry.err
        report = match_subscriptions(subs, alerts_env.index)
        assert report.per_subscription == {good.id: 1}
        [kept, suspended] = subs.list()
    assert kept.active and not suspended.active
    assert suspended.suspended == ("saved search refused: the query has no searchable words: "
                                   "use letters or digits, or leave it empty to match everything")
    listing = cli("subscriptions", "list")
    assert "suspended: saved search refused: the query has no searchable words" in listing.out


def test_the_documented_limits_are_the_enforced_ones():
    from pathlib import Path

    from scamscope.web.security import MAX_BODY

    root = Path(__file__).resolve().parents[1]
    readme = root.joinpath("README.md").read_text(encoding="utf-8")
    web = root.joinpath("docs", "WEB.md").read_text(encoding="utf-8")
    assert (f"at most {MAX_QUERY_CHARS:,} characters,\n{MAX_TERMS} different words or phrases"
            in readme)
    assert f"and {MAX_DEPTH}\nlevels of parentheses" in readme
    assert f"at most {MAX_BODY:,} bytes" in web
