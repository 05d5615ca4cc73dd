"""`scamscope extract FILE|URL`: the documented --json shape, human output and exit codes."""
from __future__ import annotations

from pathlib import Path

HTML = Path(__file__).parent / "data" / "html"


def test_extract_file_json_shape(cli):
    result = cli("extract", str(HTML / "article_en.html"), "--url",
                 "https://mekong.example/news/myawaddy?utm_source=x", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert {"url", "title", "lang", "published", "text", "entities"} <= set(data)
    assert data["url"] == "https://mekong.example/news/myawaddy"
    assert data["title"] == "Thousands freed from Myawaddy scam compounds"
    assert data["lang"] == "en" and data["published"] == "2025-02-21T01:30:00Z"
    entities = data["entities"]
    assert set(entities) >= {"places", "orgs", "people", "money"}
    place = next(p for p in entities["places"] if p["name"] == "KK Park")
    assert {"text", "name", "country"} <= set(place) and place["country"] == "MM"
    assert all({"text", "name"} <= set(o) for o in entities["orgs"] + entities["people"])
    assert "UNODC" in {o["name"] for o in entities["orgs"]}
    money = entities["money"][0]
    assert {"text", "amount", "currency", "usd", "approx"} <= set(money)


def test_extract_forced_language(cli):
    result = cli("extract", str(HTML / "article_fr.html"), "--lang", "fr", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["lang"] == "fr"
    assert "United Nations" in {o["name"] for o in data["entities"]["orgs"]}


def test_extract_human_output(cli):
    result = cli("extract", str(HTML / "article_en.html"))
    assert result.code == 0, result.err
    assert "Thousands freed from Myawaddy scam compounds" in result.out
    assert "KK Park (MM)" in result.out


def test_extract_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("extract", str(tmp_path / "nope.html"))
    assert result.code == 2
    assert result.err.count("\n") == 1 and "no such file" in result.err


def test_extract_nothing_extractable_fails(cli, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><p>Hi.</p></body></html>")
    result = cli("extract", str(empty))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "too_short" in result.err


def test_extract_url_with_a_wrong_declared_charset(cli, test_site):
    result = cli("extract", test_site.url("/wrong-charset.html"), "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert "centre d'escroquerie" in data["title"] and "Ã" not in data["text"]
    assert data["lang"] == "fr"
    assert "Phnom Penh" in {p["name"] for p in data["entities"]["places"]}


def test_extract_url_that_fails_is_one_line_and_exit_1(cli, test_site):
    result = cli("extract", test_site.url("/status/404"))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "404" in result.err


def test_extract_non_html_url_is_rejected(cli, test_site):
    result = cli("extract", test_site.url("/image.png"))
    assert result.code == 1 and "not_html" in result.err


def test_extract_bad_language_code_is_a_usage_error(cli):
    result = cli("extract", str(HTML / "article_en.html"), "--lang", "english")
    assert result.code == 2 and "--lang" in result.err
