"""What the web app holds for its lifetime: settings, the index, signing keys, templates."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from datetime import date, datetime, time, timezone
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
# Index values behind name suggestions are refreshed at most this often.
SUGGEST_FACET_TTL = 60.0
# When the oldest match is out of the engine's reach, the timeline starts at the oldest
# of this many newest matches.
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
        self._names = None
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
    def names(self):
        """Filter names -> canonical values, asking this index about names the alias
        tables do not know (scamscope.names)."""
        if self._names is None:
            from scamscope.names import index_bound

            self._names = index_bound(self.index, facet_ttl=SUGGEST_FACET_TTL)
        return self._names

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
            self._names = None
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

    def timeline(self, query: Query, *, unit: str | None = None
                 ) -> tuple[list[charts.Bucket], bool]:
        """Matches per day, week or month from the oldest to the newest, each counted by the
        index with the date range a click on its column applies; and whether the range had
        to be cut short (a result set deeper than the engine pages, e.g. 10,000 on a cluster).
        """
        total = self.index.count(query)
        if not total:
            return [], False
        probe = replace(query, limit=1, offset=0, facets=False, sort="date")
        newest = self._day_of(self.search(probe).hits)
        oldest = self._day_of(self.search(replace(probe, offset=total - 1)).hits)
        partial = oldest is None
        if partial:
            oldest = self._day_of(self.search(replace(probe, limit=TIMELINE_MAX)).hits[-1:])
        if newest is None or oldest is None:
            return [], False
        out = []
        for bucket in charts.bucket_ranges(min(oldest, newest), max(oldest, newest), unit=unit):
            since = datetime.combine(bucket.start, time.min, tzinfo=timezone.utc)
            until = datetime.combine(bucket.end, time.max, tzinfo=timezone.utc)
            since = max(since, query.since) if query.since else since
            until = min(until, query.until) if query.until else until
            out.append(replace(bucket, count=self.index.count(replace(query, since=since,
                                                                      until=until))))
        # a chosen unit shows at most charts.MAX_BARS bars: the most recent
        return out, partial or (bool(out) and out[0].start > min(oldest, newest))

    def _day_of(self, hits) -> date | None:
        """The date a hit is filed under: published, else when it was fetched."""
        if not hits:
            return None
        when = parse_iso(hits[0].published)
        if when is None:
            article = self.get(hits[0].id)
            when = article.fetched_at if article is not None else None
        return when.astimezone(timezone.utc).date() if when else None
