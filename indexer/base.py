"""The Index protocol every backend implements, and the factory that picks one."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Iterable, Protocol, runtime_checkable
from urllib.parse import urlparse

from indexer.errors import BadIndexURL
from indexer.query import Query, Results
from nlp.records import Article


@runtime_checkable
class Index(Protocol):
    def upsert(self, articles: Iterable[Article]) -> int:
        """Insert or replace articles by id; returns how many were new or changed.

        An article whose content_hash is unchanged keeps its indexed_at, so the
        alerts watermark does not see it again.
        """

    def get(self, article_id: str) -> Article | None: ...

    def search(self, query: Query) -> Results:
        """One page of hits, the total and the facets over everything the query selects.

        Orders (every backend, see tests/test_index_contract.py):
          relevance with text: best full-text score first (title weighted);
          relevance without text: the articles' own relevance, then date, newest first;
          date: newest first; indexed: oldest first.
        Ties go to the most recently indexed article (indexed_at is unique, so the
        order is total and pages never overlap or skip). Writes are visible to the
        next call. Facets count the whole result set, top facet_size values by
        count, then value; every facet name is present (an empty list when none).
        """

    def count(self, query: Query | None = None) -> int: ...

    def delete(self, ids: Iterable[str]) -> int: ...

    def new_since(self, watermark: datetime | None, query: Query, limit: int = 1000) -> Results:
        """Articles matching query indexed strictly after watermark, oldest first."""

    def has(self, ids: Iterable[str]) -> set[str]:
        """Which of these ids are already indexed (the crawler skips them)."""

    def same_story(self, story_id: str, exclude_id: str | None = None) -> list[Article]: ...

    def close(self) -> None: ...


def new_since_query(watermark: datetime | None, query: Query, limit: int) -> Query:
    """The search Index.new_since runs: query's articles indexed after the later of
    watermark and query.indexed_after, oldest first, no facets."""
    after = query.indexed_after
    if watermark is not None and (after is None or watermark > after):
        after = watermark
    return dataclasses.replace(query, indexed_after=after, sort="indexed", limit=limit,
                               offset=0, facets=False)


def sqlite_path(url: str) -> str | None:
    """The file an sqlite: index URL names, or None for any other URL.

    sqlite:///abs/path.db is absolute; sqlite://rel.db is relative to the cwd.
    """
    return _scheme_path(url, "sqlite")


def tantivy_path(url: str) -> str | None:
    """The directory a tantivy: index URL names, or None for any other URL.

    tantivy:///abs/dir is absolute; tantivy://rel/dir is relative to the cwd.
    """
    return _scheme_path(url, "tantivy")


def _scheme_path(url: str, scheme: str) -> str | None:
    for prefix in (f"{scheme}://", f"{scheme}:"):
        if url.startswith(prefix):
            return url[len(prefix):]
    return None


def embedded_path(url: str) -> str | None:
    """The file or directory of an embedded index URL (sqlite: or tantivy:), else None."""
    return sqlite_path(url) or tantivy_path(url)


def is_cluster_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def open_index(url: str, **options) -> Index:
    """Open the index named by URL: tantivy:///dir, sqlite:///path.db or http(s)://host:port."""
    parsed = urlparse(url)
    if parsed.scheme == "tantivy":
        from indexer.tantivy_index import TantivyIndex

        path = tantivy_path(url)
        if not path or path == "/":
            raise BadIndexURL(f"--index {url!r} names no directory: "
                              "use tantivy:///path/to/index.tantivy")
        return TantivyIndex(path, **options)
    if parsed.scheme == "sqlite":
        from indexer.sqlite import SQLiteIndex

        path = sqlite_path(url)
        if not path or path == "/":
            raise BadIndexURL(f"--index {url!r} names no file: use sqlite:///path/to/index.db")
        return SQLiteIndex(path, **options)
    if parsed.scheme in ("http", "https"):
        if not parsed.hostname:
            raise BadIndexURL(f"--index {url!r} has no host: use http://host:9200")
        from indexer.elastic import ElasticIndex

        return ElasticIndex(url, **options)
    raise BadIndexURL(
        f"--index {url!r} is not understood: use tantivy:///path/dir, sqlite:///path.db "
        "or http(s)://host:port")
