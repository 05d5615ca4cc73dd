"""Small pieces of the politeness middlewares, checked directly."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError

from crawler.middlewares import UnreachableHostMiddleware, netloc_key, parse_retry_after


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(b"120") == 120.0
    assert parse_retry_after("  7 ") == 7.0
    assert parse_retry_after("Sat, 28 Nov 2026 12:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now=now) == 0.0  # past: now
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_netloc_keys_fill_in_default_ports():
    assert netloc_key("https://Example.org/x") == "example.org:443"
    assert netloc_key("http://127.0.0.1:8080/") == "127.0.0.1:8080"


def test_a_host_that_did_not_resolve_fails_its_other_requests_at_once():
    guard = UnreachableHostMiddleware(crawler=None)
    first = Request("https://gone.example/feed")
    guard.process_exception(first, CannotResolveHostError("no such host: gone.example"))
    with pytest.raises(CannotResolveHostError, match="gone.example"):
        guard.process_request(Request("https://gone.example/article"))
    # Other sites, and other kinds of failure, are not affected.
    assert guard.process_request(Request("https://here.example/")) is None
    guard.process_exception(Request("https://slow.example/"), DownloadTimeoutError("slow"))
    assert guard.process_request(Request("https://slow.example/next")) is None
