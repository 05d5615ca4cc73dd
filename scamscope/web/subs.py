"""The web's side of alerts/: saved searches and one-click unsubscribe.

alerts.Subscriptions is one SQLite connection not meant for concurrent threads,
so every call goes through the web state's lock.
"""
from __future__ import annotations

from typing import Any

from alerts.errors import BadToken, InvalidSubscription, UnknownSubscription
from alerts.subscriptions import Subscription, Subscriptions, describe_query
from alerts.tokens import load_secret, verify_unsubscribe_token
from indexer.fields import FIELDS
from indexer.query import Query
from scamscope.config import Settings
from scamscope.web.params import SearchParams

Invalid = InvalidSubscription
__all__ = ["BadToken", "Invalid", "Subscription"]


def secret_key(settings: Settings) -> bytes:
    """The key digests sign unsubscribe links with (configured, else kept in data_dir)."""
    return load_secret(settings.ensure_data_dir(), settings.secret_key)


def open_store(settings: Settings) -> Subscriptions:
    return Subscriptions(settings.ensure_data_dir())


def list_all(state) -> list[Subscription]:
    with state.lock:
        return state.subscriptions.list()


def listing(state) -> list[dict[str, Any]]:
    """What GET /api/subscriptions lists: the CLI's `subscriptions list --json` rows (with
    pending counts) plus a link back to each search."""
    with state.lock:
        rows = state.subscriptions.listing()
    for row in rows:
        row["search_url"] = search_params(Query.from_json(row["query"])).url("/")
    return rows


def create(state, target: str, query: Query, every: str, *,
           channel: str = "email") -> tuple[Subscription, bool]:
    """(subscription, created); the same target, search and frequency again is not new."""
    with state.lock:
        return state.subscriptions.subscribe(target, query, every, channel=channel)


def remove(state, sub_id: int) -> bool:
    with state.lock:
        try:
            state.subscriptions.remove(sub_id)
        except UnknownSubscription:
            return False
    return True


def from_token(state, token: str) -> tuple[int, Subscription | None]:
    """(id, subscription or None if already gone) for a signed token; BadToken if forged."""
    sub_id = verify_unsubscribe_token(state.secret, token or "")
    with state.lock:
        try:
            return sub_id, state.subscriptions.get(sub_id)
        except UnknownSubscription:
            return sub_id, None


def unsubscribe(state, token: str) -> Subscription | None:
    with state.lock:
        return state.subscriptions.unsubscribe(token or "", state.secret)


def search_params(query: Query) -> SearchParams:
    """The saved Query as web parameters, to link back to its search page."""
    data: dict[str, Any] = {
        "q": query.text or "", **{f.name: f.values(query) for f in FIELDS},
        "min_usd": _number(query.min_usd),
        "min_relevance": _number(query.min_relevance),
        "since": query.since.date().isoformat() if query.since else "",
        "until": query.until.date().isoformat() if query.until else "",
        "all_languages": "1" if query.all_languages else "",
    }
    return SearchParams.from_mapping(data)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def to_json(sub: Subscription) -> dict[str, Any]:
    data = sub.to_json()
    data["search_url"] = search_params(sub.query).url("/")
    return data
