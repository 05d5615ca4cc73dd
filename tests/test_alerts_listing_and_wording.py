"""What people read: `subscriptions list` in aligned columns, searches shown as typed
(no JSON escapes), digest subjects in words ("in Myanmar (MM)", not "--country MM")."""
from __future__ import annotations

import re

from alerts.digest import search_phrase
from alerts.subscriptions import describe_query
from indexer.query import Query
from tests.fixtures.web import WEB_TOKEN


def test_subscriptions_list_lines_up(cli):
    assert cli("subscribe", "a@example.org", "--country", "MM").code == 0
    assert cli("subscribe", "much.longer.address@example.org", '"scam centre" OR compound',
               "--every", "instant").code == 0
    assert cli("subscribe", "--webhook", "https://hooks.example.org/scamscope",
               "--org", "Prince Group", "--every", "hourly").code == 0
    lines = cli("subscriptions", "list").out.splitlines()
    assert len(lines) == 4 and lines[0].split() == ["ID", "TARGET", "EVERY", "STATUS", "SEARCH"]
    # every column starts at the same place on every line
    for column in ("TARGET", "EVERY", "STATUS", "SEARCH"):
        start = lines[0].index(column)
        assert all(line[start - 2:start] == "  " and line[start] != " " for line in lines[1:]), \
            (column, lines)
    assert lines[2].endswith("""'"scam centre" OR compound'""")
    assert "webhook https://hooks.example.org/scamscope" in lines[3]


def test_a_query_with_quotes_reads_as_typed():
    assert describe_query(Query(text='"scam centre" OR compound')) == \
        """'"scam centre" OR compound'"""
    assert describe_query(Query(text="scam centre", countries=["MM"])) == \
        '"scam centre" --country MM'
    assert describe_query(Query(text="scam")) == "scam"
    assert "\\" not in describe_query(Query(text='"a b" "c d"'))


def test_digest_subjects_speak_words_not_flags():
    assert search_phrase(Query(countries=["MM"])) == "in Myanmar (MM)"
    assert search_phrase(Query(text='"scam centre" OR compound', countries=["KH"],
                               orgs=["Prince Group"], min_usd=1e6)) == (
        'for "scam centre" OR compound in Cambodia (KH) mentioning Prince Group '
        "over US$1 million")
    assert search_phrase(Query()) == "for every article"


def test_saving_the_same_search_twice_on_the_page_says_so(web, web_settings):
    page = web.get("/?q=scam").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "password": WEB_TOKEN, "q": "scam",
            "email": "a@example.org", "every": "daily"}
    first = web.post("/subscriptions", data=form, follow_redirects=False)
    assert "created=" in first.headers["location"]
    second = web.post("/subscriptions", data=form, follow_redirects=False)
    assert "exists=" in second.headers["location"]
    assert "already had this search saved" in web.get(second.headers["location"]).text


def test_a_query_typed_over_several_lines_stays_on_one():
    query = Query(text="scam\r\ncentre", orgs=["Prince\nGroup"])
    assert "\n" not in search_phrase(query) and "\r" not in search_phrase(query)
    assert search_phrase(query) == "for scam centre mentioning Prince Group"
    assert describe_query(Query(text="scam\ncentre")) == '"scam centre"'
