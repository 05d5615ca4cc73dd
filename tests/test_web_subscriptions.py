"""Saved searches from the web: create from a search, list, remove; one-click unsubscribe."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from alerts.subscriptions import Subscriptions
from alerts.tokens import unsubscribe_token
from tests.fixtures.web import SECRET_KEY, WEB_TOKEN

AUTH = {"Authorization": f"Bearer {WEB_TOKEN}"}


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def hidden_fields(page: str) -> list[tuple[str, str]]:
    form = page.split('action="/subscriptions"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)


def stored(web_settings):
    with Subscriptions(web_settings.data_path) as subs:
        return subs.list()


def test_save_the_current_search_from_the_search_page(web, web_settings):
    page = web.get("/?q=scam&country=MM&min_usd=1000000&page=2").text
    fields = hidden_fields(page)
    assert ("q", "scam") in fields and ("country", "MM") in fields
    assert ("min_usd", "1000000") in fields and not any(n == "page" for n, _ in fields)
    data = dict(fields) | {"email": "Analyst@Example.ORG", "every": "hourly",
                           "password": WEB_TOKEN}
    response = web.post("/subscriptions", data=data, follow_redirects=False)
    assert response.status_code == 303
    created = int(parse_qs(urlsplit(response.headers["location"]).query)["created"][0])
    [sub] = stored(web_settings)
    assert sub.id == created and sub.email == "Analyst@example.org"
    assert sub.frequency == "hourly"
    assert (sub.query.text, sub.query.countries, sub.query.min_usd) == ("scam", ["MM"], 1e6)
    # the password logged us in: the list shows it, linking back to the search
    listing = web.get("/subscriptions").text
    assert "Analyst@example.org" in listing
    assert 'href="/?q=scam&amp;country=MM&amp;min_usd=1000000"' in listing
    # and the next save needs no password
    page = web.get("/?q=fraud").text
    assert 'name="password"' not in page.split('action="/subscriptions"', 1)[1].split("</form>")[0]
    again = web.post("/subscriptions", data=dict(hidden_fields(page)) | {
        "email": "b@example.org", "every": "daily"}, follow_redirects=False)
    assert again.status_code == 303 and len(stored(web_settings)) == 2


def test_invalid_subscriptions_are_explained(web, web_settings):
    token = csrf_token(web.get("/").text)
    bad_email = web.post("/subscriptions", data={"csrf_token": token, "password": WEB_TOKEN,
                                                 "email": "not-an-address", "q": "scam"})
    assert bad_email.status_code == 400 and "not an e-mail address" in bad_email.text
    bad_query = web.post("/subscriptions", data={"csrf_token": token, "password": WEB_TOKEN,
                                                 "email": "a@example.org", "q": "(scam"})
    assert bad_query.status_code == 400 and "unbalanced" in bad_query.text
    assert stored(web_settings) == []


def test_remove_a_saved_search_from_the_list(web, web_settings):
    created = web.post("/api/subscriptions", json={"email": "a@example.org", "q": "scam"},
                       headers=AUTH).json()
    token = csrf_token(web.get("/subscriptions").text)
    web.post("/login", data={"csrf_token": token, "password": WEB_TOKEN})
    listing = web.get("/subscriptions").text
    assert f'action="/subscriptions/{created["id"]}/delete"' in listing
    refused = web.post(f"/subscriptions/{created['id']}/delete", data={})
    assert refused.status_code == 403 and len(stored(web_settings)) == 1
    removed = web.post(f"/subscriptions/{created['id']}/delete",
                       data={"csrf_token": csrf_token(listing)}, follow_redirects=False)
    assert removed.status_code == 303 and stored(web_settings) == []
    gone = web.post(f"/subscriptions/{created['id']}/delete",
                    data={"csrf_token": csrf_token(listing)})
    assert gone.status_code == 404


def test_subscriptions_api_create_list_delete(web):
    body = {"email": "a@example.org", "q": "scam", "country": ["mm"], "org": ["Prince Group"],
            "min_usd": 5e6, "every": "instant"}
    created = web.post("/api/subscriptions", json=body, headers=AUTH)
    assert created.status_code == 201
    sub = created.json()
    assert sub["query"]["countries"] == ["MM"] and sub["query"]["orgs"] == ["Prince Group"]
    assert sub["frequency"] == "instant" and sub["query"]["min_usd"] == 5e6
    listed = web.get("/api/subscriptions", headers=AUTH).json()["subscriptions"]
    assert [s["id"] for s in listed] == [sub["id"]]
    bad = web.post("/api/subscriptions", json={**body, "q": "scam OR"}, headers=AUTH)
    assert bad.status_code == 400 and "OR" in bad.json()["detail"]
    assert web.post("/api/subscriptions", json={**body, "every": "weekly"},
                    headers=AUTH).status_code == 422
    assert web.delete(f"/api/subscriptions/{sub['id']}", headers=AUTH).status_code == 204
    assert web.delete(f"/api/subscriptions/{sub['id']}", headers=AUTH).status_code == 404
    assert web.get("/api/subscriptions", headers=AUTH).json() == {"subscriptions": []}


def test_one_click_unsubscribe_link_from_a_digest(web, web_settings):
    sub = web.post("/api/subscriptions", json={"email": "a@example.org", "q": "scam"},
                   headers=AUTH).json()
    token = unsubscribe_token(SECRET_KEY.encode(), sub["id"])
    # opening the link (or a mail scanner prefetching it) only asks
    confirm = web.get("/unsubscribe", params={"token": token})
    assert confirm.status_code == 200
    assert "a@example.org" in confirm.text and 'action="/unsubscribe"' in confirm.text
    assert len(stored(web_settings)) == 1
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the link, no cookies
    web.cookies.clear()
    done = web.post(f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more alerts" in done.text
    assert stored(web_settings) == []
    repeated = web.post(f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert repeated.status_code == 200 and "no longer exists" in repeated.text


def test_a_forged_unsubscribe_token_is_refused(web, web_settings):
    sub = web.post("/api/subscriptions", json={"email": "a@example.org", "q": "scam"},
                   headers=AUTH).json()
    forged = unsubscribe_token(b"some other key", sub["id"])
    for response in (web.get("/unsubscribe", params={"token": forged}),
                     web.post("/unsubscribe", params={"token": forged}),
                     web.post("/unsubscribe", params={"token": "garbage"})):
        assert response.status_code == 400
        assert "unsubscribe link" in response.text
    assert len(stored(web_settings)) == 1


def test_saving_the_same_search_twice_keeps_one(web, web_settings):
    body = {"email": "a@example.org", "q": "scam", "every": "daily"}
    first = web.post("/api/subscriptions", json=body, headers=AUTH)
    again = web.post("/api/subscriptions", json=body, headers=AUTH)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and len(stored(web_settings)) == 1
