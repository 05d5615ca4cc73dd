"""Search across languages (--all-languages): the thesaurus finds what English alone misses.

On every backend (any_index) with the labelled mixed-language corpus of
bench/crosslang.py, on the command line, the API and the page; and however large
the query, the expansion stays within what the engines take.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from indexer.elastic import compile_node
from indexer.expansion import MAX_ALTERNATIVES, MAX_EXPANDED_TERMS, MAX_TREE_DEPTH, depth
from indexer.query import MAX_DEPTH, MAX_TERMS, Or, Phrase, Query, Term, count_terms, parse_query
from indexer.sqlite import compile_match
from tests.test_bad_input_queries import bool_depth

REPO = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_crosslang",
                                                  REPO / "bench" / "crosslang.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


crosslang = _bench()


@pytest.fixture
def crosslang_index(any_index):
    articles, key_of, queries = crosslang.load_corpus()
    any_index.upsert(articles)
    return any_index, key_of, {key_of[a.id]: a.lang for a in articles}, queries


def found(index, key_of, text: str, all_languages: bool) -> set[str]:
    return crosslang.found(index, text, all_languages, key_of)


@pytest.mark.parametrize("text, gains", [
    ("raid", {"fr1", "es1", "es5", "id1", "zh1", "th1", "my1"}),
    ("human trafficking", {"fr1", "es3", "id2", "th1", "my2"}),
    ("Myawaddy", {"zh1", "th2", "my1"}),
    ("UNODC", {"fr4", "zh4"}),
    ("money laundering", {"fr2", "id3", "zh2", "zh4", "th3", "ko3"}),
])
def test_expansion_finds_non_english_articles_the_plain_query_misses(crosslang_index, text,
                                                                       gains):
    index, key_of, lang_of, queries = crosslang_index
    [relevant] = [set(q["relevant"]) for q in queries if q["q"] == text]
    plain = found(index, key_of, text, False)
    expanded = found(index, key_of, text, True)
    assert plain <= expanded  # the original words still match
    assert gains <= expanded - plain
    assert not {k for k in plain if lang_of[k] != "en"} & gains
    assert expanded - plain <= relevant  # on this corpus, nothing it adds is off topic


def test_expansion_keeps_other_words_and_filters(crosslang_index):
    index, key_of, lang_of, _ = crosslang_index
    # raid AND Myawaddy, each in every language; the language filter still applies
    assert found(index, key_of, "raid Myawaddy", True) == {"en1", "zh1", "my1"}
    hits = index.search(Query(text="raid Myawaddy", all_languages=True, langs=["zh"]))
    assert {key_of[h.id] for h in hits.hits} == {"zh1"}
    # an excluded word is excluded in every language
    assert found(index, key_of, "raid -rescue", True) == {"en3", "es5", "id1"}


def test_every_query_of_the_benchmark_gains_and_adds_little_noise(crosslang_index):
    index, key_of, lang_of, queries = crosslang_index
    rows = crosslang.measure(index, key_of, queries, lang_of)
    assert len(rows) >= 10
    assert all(r.expanded >= r.plain for r in rows)
    assert sum(r.expanded for r in rows) > 3 * sum(r.plain for r in rows)
    assert sum(r.expanded_noise for r in rows) <= sum(r.plain_noise for r in rows) + 2


# ------------------------------------------------------------------ bounds


def worst_accepted_query() -> str:
    """The most deeply nested tree the limits allow, made of words the thesaurus knows."""
    text = ""
    for level in range(MAX_DEPTH):
        text += f"raid{'s' * level} OR rescue -("
    return text + "trafficking OR sanctions -deportation" + ")" * MAX_DEPTH


THESAURUS_WORDS = ["raid", "rescue", "trafficking", "sanctions", "deportation", "repatriation",
                   "Myawaddy", "UNODC", "scam", "casino", "victims", "police", "arrested",
                   "crackdown", "cryptocurrency", "Cambodia", "Myanmar", "Thailand", "Laos",
                   "Interpol", "ASEAN", "Europol", "FBI", "OFAC"]
# as many distinct words as a query may have, each naming a thesaurus entry
WIDEST = " OR ".join(([f"{w}" for w in THESAURUS_WORDS] + [f"{w}s" for w in THESAURUS_WORDS]
                      + [f"{w}es" for w in THESAURUS_WORDS])[:MAX_TERMS])


@pytest.mark.parametrize("text", [
    worst_accepted_query(),
    WIDEST,
])
def test_expansion_stays_within_what_the_engines_take(any_index, text):
    node = parse_query(text)  # a valid query...
    assert count_terms(node) <= MAX_TERMS
    query = Query(text=text, all_languages=True)
    expanded = query.parsed()  # ...stays valid once expanded
    assert query.expansions()
    assert count_terms(expanded) <= MAX_EXPANDED_TERMS
    assert depth(expanded) <= MAX_TREE_DEPTH
    assert all(len(e.added) <= MAX_ALTERNATIVES for e in query.expansions())
    dsl = compile_node(expanded)
    assert bool_depth(dsl) + 1 <= 30  # the cluster's default nesting limit
    assert len(json.dumps(dsl)) < 1_000_000
    expr, _ = compile_match(expanded)
    assert len(expr) < 100_000
    any_index.search(query)  # and the engine runs it


def test_the_budget_cuts_the_last_expansions_not_the_query():
    text = WIDEST
    query = Query(text=text, all_languages=True)
    expansions = query.expansions()
    added = sum(len(e.added) for e in expansions)
    assert added == MAX_EXPANDED_TERMS - count_terms(parse_query(text))  # all of the budget
    assert expansions[-1].truncated or len(expansions) < len(THESAURUS_WORDS)


def test_the_expansion_is_an_or_of_the_word_and_its_names():
    node = Query(text="raid", all_languages=True, langs=["en"]).parsed()
    assert isinstance(node, Or) and node.children[0] == Term("raid", stems=("en:raid",))
    assert Phrase(tuple("突袭")) in node.children
    assert Term("redada", stems=("en:redada",)) in node.children
    assert Query(text="raid").parsed() == Term("raid", stems=Query(text="raid").parsed().stems)


def test_the_saved_query_keeps_the_option():
    query = Query(text="raid", all_languages=True)
    assert Query.from_json(query.to_json()).all_languages
    assert "all_languages" not in Query(text="raid").to_json()


# ------------------------------------------------------------ CLI, API, page


def load_cli_index(cli, data_dir: Path) -> str:
    from indexer.sqlite import SQLiteIndex

    path = data_dir / "crosslang.db"
    index = SQLiteIndex(path)
    index.upsert(crosslang.load_corpus()[0])
    index.close()
    return f"sqlite:///{path}"


def test_cli_search_all_languages_lists_the_expansions(cli, data_dir):
    url = load_cli_index(cli, data_dir)
    plain = cli("--index", url, "search", "raid", "--json").json()
    assert "expansions" not in plain
    result = cli("--index", url, "search", "raid", "--all-languages", "--json")
    assert result.code == 0, result.err
    out = result.json()
    assert out["total"] > plain["total"]
    [expansion] = out["expansions"]
    assert expansion["matched"] == "raid" and expansion["name"] == "raid"
    assert "redada" in expansion["added"] and "突袭" in expansion["added"]
    human = cli("--index", url, "search", "raid", "--all-languages")
    assert human.out.startswith("also searched for 'raid' (concept raid): ")


def test_subscribe_all_languages_is_saved(cli):
    made = cli("subscribe", "a@example.org", "raid", "--all-languages")
    assert made.code == 0, made.err
    assert made.out.strip().endswith("for raid --all-languages")
    [row] = cli("subscriptions", "list", "--json").json()["subscriptions"]
    assert row["query"]["all_languages"] is True


def test_api_and_page_show_the_expansions(web):
    api = web.get("/api/search", params={"q": "raid", "all_languages": "1"}).json()
    assert api["expansions"][0]["matched"] == "raid"
    assert "expansions" not in web.get("/api/search", params={"q": "raid"}).json()
    assert web.get("/api/search", params={"q": "raid", "all_languages": "maybe"}).status_code == 400
    page = web.get("/", params={"q": "raid", "all_languages": "1"}).text
    assert "Also searched (all languages)" in page and "redada" in page
    assert 'name="all_languages" value="1" checked' in page
    # off (the default): the page says the word has other names, one click away
    off = web.get("/", params={"q": "raid"}).text
    assert 'name="all_languages" value="1" checked' not in off
    assert "also has names in other languages" in off
    assert 'href="/?q=raid&amp;all_languages=1"' in off


def test_the_benchmark_runs_and_prints_the_totals():
    import subprocess

    out = subprocess.run([sys.executable, str(REPO / "bench" / "crosslang.py")],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "relevant non-English articles found: " in out
    assert len([line for line in out.splitlines() if line and line[0].isalpha()]) >= 12
