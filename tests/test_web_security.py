"""Escaping of crawled content, security headers, write tokens, CSRF on forms."""
from __future__ import annotations

import csv
import io
import json
import re

from indexer.query import Query
from tests.fixtures.web import SCRIPT, WEB_TOKEN, hostile_articles

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


# ------------------------------------------------------------- escaping

def test_markup_in_a_title_renders_as_text_on_the_search_page(web):
    page = web.get("/?q=raided").text
    assert SCRIPT not in page
    assert f"{ESCAPED} Scam compound raided" in page
    assert "onerror=alert(2)" not in page or "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page.replace('<script src="/static/app.js" defer></script>', "")


def test_markup_renders_as_text_on_the_article_page(web):
    evil = hostile_articles()[0]
    page = web.get(f"/articles/{evil.id}").text
    assert "<script" not in page.replace('<script src="/static/app.js" defer></script>', "")
    assert f"<title>{ESCAPED} Scam compound raided · scamscope</title>" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    # entity names and titles escaped inside attributes and cells too
    assert 'Prince Holding Group&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;' in page
    # highlighted by offsets, with the hostile text around them still escaped
    assert '<mark class="ent ent-place" title="Myawaddy (MM) · city">Myawaddy</mark>' in page


def test_script_urls_from_crawled_pages_are_never_links(web):
    formula = hostile_articles()[1]
    page = web.get(f"/articles/{formula.id}").text
    assert 'href="javascript:' not in page
    search = web.get("/?q=formula").text
    assert formula.id in search and 'href="javascript:' not in search


def test_exports_keep_markup_as_data_and_defuse_formulas(web):
    rows = list(csv.DictReader(io.StringIO(web.get("/api/export.csv?q=scam&source=hostile").text)))
    titles = {row["title"] for row in rows}
    assert "'=HYPERLINK(\"http://x\",\"scam\")" in titles  # a formula is shown, not run
    everything = list(csv.DictReader(io.StringIO(web.get("/api/export.csv").text)))
    evil = next(row for row in everything if "compound raided" in row["title"])
    assert evil["title"] == f"{SCRIPT} Scam compound raided"  # data, exactly as published
    exported = web.get("/api/export.json?q=raided")
    assert exported.headers["content-type"].startswith("application/json")
    assert exported.headers["x-content-type-options"] == "nosniff"
    assert json.loads(exported.text)["hits"][0]["title"] == f"{SCRIPT} Scam compound raided"


# -------------------------------------------------------------- headers

def test_security_headers_on_pages_and_api(web):
    for path in ("/", "/?q=scam", "/api/search?q=scam", "/subscriptions", "/articles/nope"):
        headers = web.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_pages_use_no_inline_script_or_style(web, web_index):
    hit = web_index.search(Query(limit=1)).hits[0]
    for path in ("/?q=scam", f"/articles/{hit.id}", "/subscriptions"):
        page = web.get(path).text
        assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/app.js" defer>']
        assert " style=" not in page and "<style" not in page
        assert not re.search(r"<[^>]*\son[a-z]+=", page), path  # no event-handler attributes


# ---------------------------------------------------------- write token

SUB = {"email": "analyst@example.org", "q": "scam", "country": ["MM"], "every": "daily"}


def test_api_writes_need_the_bearer_token(web):
    assert web.post("/api/subscriptions", json=SUB).status_code == 401
    wrong = web.post("/api/subscriptions", json=SUB, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert web.get("/api/subscriptions").status_code == 401
    assert web.delete("/api/subscriptions/1").status_code == 401
    ok = web.post("/api/subscriptions", json=SUB, headers={"Authorization": f"Bearer {WEB_TOKEN}"})
    assert ok.status_code == 201


def test_without_a_configured_token_writes_are_refused(web_readonly):
    for token in ("", "anything"):
        response = web_readonly.post("/api/subscriptions", json=SUB,
                                     headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403
        assert "SCAMSCOPE_WEB_TOKEN" in response.json()["detail"]
    page = web_readonly.get("/?q=scam").text
    assert "Save this search" not in page
    # even with a valid CSRF token (there is no form to take one from), the answer is no
    token = web_readonly.app.state.web.csrf.form_token(web_readonly.cookies["scamscope_csrf"])
    form = web_readonly.post("/subscriptions", data={"csrf_token": token, "password": "",
                                                     "email": "a@example.org", "q": "scam"})
    assert form.status_code == 403


# ----------------------------------------------------------------- CSRF

def test_forms_need_a_signed_csrf_token_matching_the_cookie(web):
    page = web.get("/?q=scam").text
    token = csrf_token(page)
    form = {"email": "analyst@example.org", "q": "scam", "every": "daily",
            "password": WEB_TOKEN}
    missing = web.post("/subscriptions", data=form, follow_redirects=False)
    assert missing.status_code == 403
    forged = web.post("/subscriptions", data={**form, "csrf_token": "abc.def"},
                      follow_redirects=False)
    assert forged.status_code == 403
    # a token from another browser (another cookie) is refused too
    other = web.cookies.get("scamscope_csrf")
    web.cookies.set("scamscope_csrf", "attacker-chosen-cookie-value")
    assert web.post("/subscriptions", data={**form, "csrf_token": token},
                    follow_redirects=False).status_code == 403
    web.cookies.set("scamscope_csrf", other)
    ok = web.post("/subscriptions", data={**form, "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303


def test_a_wrong_password_is_refused_and_a_right_one_logs_in(web):
    token = csrf_token(web.get("/subscriptions").text)
    wrong = web.post("/login", data={"csrf_token": token, "password": "guess", "next": "/"},
                     follow_redirects=False)
    assert wrong.status_code == 401 and "wrong or missing password" in wrong.text
    assert "scamscope_session" not in web.cookies
    right = web.post("/login", data={"csrf_token": token, "password": WEB_TOKEN,
                                     "next": "//evil.example/"}, follow_redirects=False)
    assert right.status_code == 303
    assert right.headers["location"] == "/subscriptions"  # no open redirect
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "<h1>Saved searches</h1>" in web.get("/subscriptions").text
    assert "<table" in web.get("/subscriptions").text or "No saved searches" in \
        web.get("/subscriptions").text
    # a tampered session cookie is worth nothing
    web.cookies.set("scamscope_session", web.cookies["scamscope_session"][:-2] + "xx")
    assert 'name="password"' in web.get("/subscriptions").text


def test_other_host_names_are_refused_against_dns_rebinding(web, web_settings, web_index):
    assert web.get("/api/search", headers={"host": "attacker.example"}).status_code == 400
    assert web.get("/api/search", headers={"host": "localhost:8000"}).status_code == 200
    from dataclasses import replace

    from scamscope.web.app import allowed_hosts

    assert allowed_hosts(replace(web_settings, public_url="https://scams.example.org/")) == \
        ["127.0.0.1", "localhost", "scams.example.org"]
    assert allowed_hosts(replace(web_settings, web_host="0.0.0.0")) == ["*"]


def test_login_redirects_only_to_local_paths(web):
    token = csrf_token(web.get("/subscriptions").text)
    for target, expected in (("/?q=scam", "/?q=scam"), ("//evil.example/", "/subscriptions"),
                             ("/\t/evil.example", "/subscriptions"),
                             ("/\\evil.example", "/subscriptions"),
                             ("https://evil.example/", "/subscriptions")):
        web.cookies.delete("scamscope_session")
        response = web.post("/login", data={"csrf_token": token, "password": WEB_TOKEN,
                                            "next": target}, follow_redirects=False)
        assert response.headers["location"] == expected, target


def test_sessions_expire_and_die_with_a_new_token():
    from scamscope.web.security import SESSION_MAX_AGE, Sessions, Signer

    signer = Signer(b"k" * 32)
    sessions = Sessions(signer, "token-one")
    cookie = sessions.issue(now=1000)
    assert sessions.valid(cookie, now=1000 + SESSION_MAX_AGE)
    assert not sessions.valid(cookie, now=1000 + SESSION_MAX_AGE + 1)
    assert not Sessions(signer, "token-two").valid(cookie, now=1000)
    assert not Sessions(signer, "").valid(cookie, now=1000)
