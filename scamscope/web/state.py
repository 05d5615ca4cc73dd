"""What the web app holds for its lifetime: settings, the index, signing keys, templates."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from indexer.base import Index
from indexer.query import Query, Results
from nlp.records import Article, parse_iso
from scamscope.config import Settings
from scamscope.web import charts, render
from scamscope.web.security import Csrf, Sessions, Signer

HERE = Path(__file__).resolve().parent
# The timeline is drawn from at most this many of the newest matching articles.
TIMELINE_MAX = 1000


class WebState:
    def __init__(self, settings: Settings, index: Index | None = None, *,
                 subscriptions: Any = None):
        self.settings = settings
        self._index = index
        self.owns_index = index is None
        # alerts.Subscriptions is one connection not meant for concurrent threads.
        # (Index backends guard themselves: SQLiteIndex locks, the cluster clients are
        # thread-safe.)
        self.lock = threading.RLock()
        self._subscriptions = subscriptions
        # The alerts' key: it verifies unsubscribe links; web cookies use a key derived from it.
        self.secret = self.secret_key()
        self.signer = Signer(hashlib.sha256(b"scamscope-web\x00" + self.secret).digest())
        self.sessions = Sessions(self.signer, settings.web_token)
        self.csrf = Csrf(self.signer)
        self.templates = self._environment()

    # -------------------------------------------------------------- parts
    def secret_key(self) -> bytes:
        from scamscope.web.subs import secret_key

        return secret_key(self.settings)

    @property
    def index(self) -> Index:
        if self._index is None:
            from scamscope.indexing import open_configured_index

            self._index = open_configured_index(self.settings)
        return self._index

    @property
    def subscriptions(self):
        if self._subscriptions is None:
            from scamscope.web.subs import open_store

            self._subscriptions = open_store(self.settings)
        return self._subscriptions

    def close(self) -> None:
        if self.owns_index and self._index is not None:
            self._index.close()
            self._index = None
        close = getattr(self._subscriptions, "close", None)
        if close:
            close()

    def _environment(self) -> Environment:
        env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["usd"] = render.fmt_usd
        env.filters["snippet"] = render.safe_snippet
        env.filters["href"] = render.safe_href
        env.filters["day"] = lambda value: (value or "")[:10]
        env.globals["write_enabled"] = bool(self.settings.web_token)
        return env

    # ---------------------------------------------------------- the index
    def search(self, query: Query) -> Results:
        return self.index.search(query)

    def get(self, article_id: str) -> Article | None:
        return self.index.get(article_id)

    def same_story(self, article: Article) -> list[Article]:
        if not article.story_id:
            return []
        return self.index.same_story(article.story_id, exclude_id=article.id)

    def timeline(self, query: Query) -> tuple[list[charts.Bucket], int]:
        """Buckets of the newest TIMELINE_MAX matches, and how many matches were counted."""
        probe = replace(query, limit=TIMELINE_MAX, offset=0, facets=False, sort="date")
        results = self.search(probe)
        dates: list[datetime] = []
        for hit in results.hits:
            when = parse_iso(hit.published)
            if when is not None:
                dates.append(when)
        return charts.time_buckets(dates), len(results.hits)
