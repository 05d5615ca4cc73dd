"""Write requests a stranger or a mistake can send: refused early, in one clear answer.

A request body over the limit is 413 whether it says its size or streams it; an API
write checks its token before its body is read, so a stranger's 50 MB is 401 without
being parsed (proved against the real server, which answers before the body is sent);
and an id too large for the database is simply not there (404, exit 2), never a 500.
"""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from scamscope.web.security import MAX_BODY
from tests.fixtures.web import WEB_TOKEN

AUTH = {"Authorization": f"Bearer {WEB_TOKEN}"}
HUGE_IDS = ["99999999999999999999999", "-99999999999999999999999", str(2 ** 63)]


def test_a_body_over_the_limit_is_413(web):
    big = b'{"email": "a@example.org", "q": "' + b"a" * MAX_BODY + b'"}'
    response = web.post("/api/subscriptions", content=big,
                        headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"detail": f"request body too large: at most {MAX_BODY:,} bytes"}
    assert web.get("/api/subscriptions", headers=AUTH).json() == {"subscriptions": []}


def test_a_streamed_body_is_counted_and_cut_at_the_limit(web):
    def chunks():
        for _ in range(MAX_BODY // 65536 + 2):
            yield b" " * 65536

    response = web.post("/api/subscriptions", content=chunks(),
                        headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 413


def test_a_form_over_the_limit_is_a_413_page(web):
    response = web.post("/subscriptions", data={"email": "a@example.org",
                                                "q": "a" * (MAX_BODY + 1)})
    assert response.status_code == 413
    assert "request body too large" in response.text


def test_a_body_under_the_limit_still_saves(web):
    response = web.post("/api/subscriptions", headers=AUTH,
                        json={"email": "a@example.org", "q": "scam " + "x" * 3000})
    assert response.status_code == 400 and "query too long" in response.json()["detail"]
    ok = web.post("/api/subscriptions", headers=AUTH, json={"email": "a@example.org",
                                                            "q": "scam"})
    assert ok.status_code == 201


@pytest.mark.parametrize("body", [b"x" * 2_000_000, b"not json at all", b'{"q": []}'])
def test_api_writes_check_the_token_before_the_body(web, body):
    response = web.post("/api/subscriptions", content=body,
                        headers={"content-type": "application/json"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_stranger_is_refused_before_sending_the_body(served_web):
    """The real server answers 401 while the declared 50 MB has not been sent at all."""
    url = urlsplit(served_web)
    with socket.create_connection((url.hostname, url.port), timeout=60) as conn:
        conn.sendall(b"POST /api/subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = conn.recv(4096)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


def test_an_authorised_declared_oversize_body_is_413_before_it_is_sent(served_web):
    url = urlsplit(served_web)
    with socket.create_connection((url.hostname, url.port), timeout=60) as conn:
        conn.sendall(b"POST /api/subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Authorization: Bearer " + WEB_TOKEN.encode() + b"\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n")
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


@pytest.mark.parametrize("sub_id", HUGE_IDS)
def test_deleting_an_id_too_large_for_the_database_is_404(web, sub_id):
    response = web.delete(f"/api/subscriptions/{sub_id}", headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"detail": f"no subscription {sub_id}"}


def test_the_delete_form_with_a_huge_id_is_a_404_page(web):
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/").text).group(1)
    response = web.post(f"/subscriptions/{HUGE_IDS[0]}/delete",
                        data={"csrf_token": token, "password": WEB_TOKEN})
    assert response.status_code == 404
    assert f"there is no subscription {HUGE_IDS[0]}" in response.text


@pytest.mark.parametrize("sub_id", HUGE_IDS)
def test_removing_a_huge_id_on_the_command_line_is_one_line(cli, sub_id):
    result = cli("subscriptions", "remove", "--", sub_id)
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.strip() == f"scamscope subscriptions: there is no subscription {sub_id}"
