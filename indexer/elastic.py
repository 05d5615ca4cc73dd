"""The Elasticsearch / OpenSearch backend of the Index protocol.

    ElasticIndex("http://127.0.0.1:9200", index_name="scamscope-articles")

The engine is detected from the cluster's root endpoint: version.distribution
"opensearch" uses the opensearch-py client, anything else the elasticsearch
client (whose major version must match the server's). Several nodes may be
given comma-separated ("http://a:9200,http://b:9200"); the client fails over.

Layout on the cluster (the mapping is data: indexer/mappings/articles.json):
- a composable index template <name>-template for the indices <name>-v*;
- the concrete index <name>-v<hash of the mapping file>;
- the counter index <name>-seq: one document from which every writer takes its
  indexed_at values (a scripted update), so they only move forward across workers;
- the alias <name>, which every read and write goes through. When the mapping
  file changes, opening the index creates the new concrete index, copies every
  article into it, swaps the alias and drops the old index: a reindex, not a loss.

Documents are indexer.document.IndexDocument laid out as JSON; each entity
field of indexer.fields keeps its display values in `<store>` (facets, on the
.keyword sub-field when the mapping has one) and its match keys in `<key_store>`
(filters).

Queries: the engine-neutral parse tree (indexer.query) is compiled to the query
DSL, not to query_string, against `title_words`/`text_words`, copies of title
and text pre-tokenised by indexer.analysis and analysed on whitespace only, and
`title_stems`/`text_stems`, their tagged Snowball stems, so both backends match
the same words (folding, unspaced scripts per character, phrases, prefixes,
stems). Snippets come from indexer.snippet, shared with SQLite.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any, Callable, Iterable, Iterator

from indexer.analysis import ANALYSIS_FINGERPRINT
from indexer.document import IndexDocument, from_micros, to_micros
from indexer.errors import IndexError_, IndexUnavailable, QuerySyntaxError
from indexer.fields import ENTITY_FIELDS, FIELDS, KEYS_LAYOUT, Field, facet_fields
from indexer.query import And, FacetValue, Hit, Node, Not, Or, Phrase, Query, Results, Term
from indexer.snippet import snippet
from nlp.records import Article, Entities, iso, parse_iso, utcnow

log = logging.getLogger(__name__)

DEFAULT_INDEX_NAME = "scamscope-articles"
BULK_DOCS = 500  # documents per bulk request
BULK_RETRIES = 8  # rounds of retrying items the cluster could not take yet (~40 s)
UNREACHABLE_RETRIES = 3  # rounds of retrying a bulk when no node answers (~4 s)
RETRYABLE_STATUS = {429, 502, 503, 504}
MAX_RESULT_WINDOW = 100_000  # index.max_result_window in indexer/mappings/articles.json
TITLE_BOOST = 10.0  # like the SQLite backend's bm25 title weight
_COPY_PAGE = 1000


def load_mapping() -> dict[str, Any]:
    """The template body (settings + mappings) from indexer/mappings/articles.json."""
    raw = resources.files("indexer").joinpath("mappings/articles.json").read_text("utf-8")
    body = json.loads(raw)
    body.pop("_comment", None)
    return body


def mapping_version(body: dict[str, Any]) -> str:
    """Hash of the mapping file, the analysis and the filter keys' layout: names the
    concrete index.

    If tokenisation, stemming or what the filter keys hold changes, the version
    changes too and the next open re-analyses every article into a new index.
    """
    key = json.dumps(body, sort_keys=True) + "|" + ANALYSIS_FINGERPRINT + "|" + KEYS_LAYOUT
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _keyword(body: dict[str, Any], name: str) -> str:
    """The field to filter or facet on exactly: name, or its .keyword sub-field when
    the mapping makes name full text."""
    spec = body.get("mappings", {}).get("properties", {}).get(name, {})
    if spec.get("type") == "text" and "keyword" in spec.get("fields", {}):
        return name + ".keyword"
    return name


def _facet_field(body: dict[str, Any], f: Field) -> str:
    return _keyword(body, f.store or f.name)


def _filter_field(body: dict[str, Any], f: Field) -> str:
    return _keyword(body, f.key_store or f.name)


class ElasticIndex:
    """Index protocol on an Elasticsearch or OpenSearch cluster."""

    def __init__(self, url: str, *, index_name: str = DEFAULT_INDEX_NAME,
                 username: str | None = None, password: str | None = None,
                 api_key: str | None = None, ca_certs: str | None = None,
                 verify_certs: bool = True, timeout: float = 30.0, refresh: bool = True,
                 mapping: dict[str, Any] | None = None,
                 clock: Callable[[], datetime] = utcnow, **_ignored: Any):
        """Connect, detect the engine, and make sure template, index and alias exist.

        mapping replaces the packaged indexer/mappings/articles.json (same shape:
        {"settings": ..., "mappings": ...}); a mapping that differs from the one the
        alias points at is migrated by reindexing into a new concrete index.
        refresh=True makes every write visible to the next search. clock is this
        process's idea of now (tests skew it); indexed_at never goes below what the
        cluster handed out before, whatever the clock says.
        """
        self.url = url
        self.hosts = [h.strip().rstrip("/") for h in url.split(",") if h.strip()]
        self.alias = index_name or DEFAULT_INDEX_NAME
        self.refresh = refresh
        self._auth_header = _auth_header(username, password, api_key)
        self._ssl = _ssl_context(ca_certs, verify_certs)
        info = self._root_info(timeout)
        version = info.get("version") or {}
        self.engine = "opensearch" if version.get("distribution") == "opensearch" else "elasticsearch"
        self.server_version = str(version.get("number") or "?")
        conn = connect(self.engine, self.server_version, self.hosts, username=username,
                       password=password, api_key=api_key, ca_certs=ca_certs,
                       verify_certs=verify_certs, timeout=timeout, url=url)
        self.client = conn.client
        self._connection_errors = conn.connection_errors
        self._api_errors = conn.api_errors
        self._not_found = conn.not_found
        self._clock = clock
        self._last_ts: datetime | None = None  # only when the cluster runs no scripts
        self._floor: int | None = None
        self._seq_ok = True
        self.seq_index = f"{self.alias}-seq"
        self._mapping = mapping if mapping is not None else load_mapping()
        self.concrete = f"{self.alias}-v{mapping_version(self._mapping)}"
        self._ensure_index()

    # ------------------------------------------------------------- connecting

    def _root_info(self, timeout: float) -> dict[str, Any]:
        """GET / on the first node that answers: tells which engine this is."""
        reasons = []
        for host in self.hosts:
            req = urllib.request.Request(host + "/", headers=self._auth_header)
            try:
                # like the official clients, talk to the cluster directly (no *_proxy variables)
                opener = urllib.request.build_opener(
                    urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=self._ssl))
                with opener.open(req, timeout=min(timeout, 10.0)) as resp:
                    return json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise IndexUnavailable(
                        f"search cluster {host} refused the credentials (HTTP {exc.code}): set "
                        "index_username/index_password or index_api_key") from None
                reasons.append(f"HTTP {exc.code}")
            except (OSError, ValueError) as exc:
                reasons.append(_short(exc))
        raise IndexUnavailable(
            f"search cluster {self.url} is unreachable ({'; '.join(reasons)}): start it "
            "(make cluster) or fix --index")

    def _call(self, fn, *args, **kwargs):
        """Run a client call, turning its exceptions into the indexer's typed errors."""
        try:
            resp = fn(*args, **kwargs)
        except self._connection_errors as exc:
            raise IndexUnavailable(
                f"search cluster {self.url} is unreachable ({_short(exc)}): start it "
                "(make cluster) or fix --index") from exc
        except self._api_errors as exc:
            if isinstance(exc, self._not_found):
                raise
            raise IndexError_(f"search cluster {self.url} refused a request: {_short(exc)}") from exc
        return getattr(resp, "body", resp)

    # ------------------------------------------------------- template + alias

    def _ensure_index(self) -> None:
        c = self.client
        self._call(c.indices.put_index_template, name=f"{self.alias}-template", body={
            "index_patterns": [f"{self.alias}-v*"],
            "priority": 100,
            "template": self._mapping,
            "_meta": {"managed_by": "scamscope", "alias": self.alias},
        })
        current = self._alias_targets()
        if current == [self.concrete]:
            return
        if not current:
            self._create_concrete(with_alias=True)
            return
        # The mapping changed: copy into the new index, then swap the alias atomically.
        log.info("migrating %s from %s to %s", self.alias, current, self.concrete)
        self._create_concrete(with_alias=False)
        # Other workers' writes wait (their bulk items are retried) until the alias moves.
        self._call(c.indices.put_settings, index=",".join(current),
                   body={"index.blocks.write": True})
        copied = 0
        for batch in self._scan(current):
            docs = []
            for article in batch:
                doc = _document(IndexDocument.from_article(article))
                doc["indexed_at"] = iso(article.indexed_at or self._allocate(1))
                docs.append(doc)
            self._bulk(self.concrete, [("index", d["id"], d) for d in docs])
            copied += len(batch)
        self._call(c.indices.refresh, index=self.concrete)
        actions = [{"remove": {"index": old, "alias": self.alias}} for old in current]
        actions.append({"add": {"index": self.concrete, "alias": self.alias, "is_write_index": True}})
        self._call(c.indices.update_aliases, body={"actions": actions})
        for old in current:
            self._call(c.indices.delete, index=old)
        log.info("migrated %d articles into %s", copied, self.concrete)

    def _alias_targets(self) -> list[str]:
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            return []
        try:
            resp = self._call(self.client.indices.get_alias, name=self.alias)
        except self._not_found:
            return []
        return sorted(resp)

    def _create_concrete(self, with_alias: bool) -> None:
        body = {"aliases": {self.alias: {"is_write_index": True}}} if with_alias else {}
        try:
            self._call(self.client.indices.create, index=self.concrete, body=body)
        except IndexError_ as exc:
            # another worker created it first: fine, as long as the alias is there
            if "resource_already_exists" not in str(exc):
                raise
            if with_alias:
                self._call(self.client.indices.update_aliases, body={"actions": [
                    {"add": {"index": self.concrete, "alias": self.alias, "is_write_index": True}}]})

    def _scan(self, indices: list[str]) -> Iterator[list[Article]]:
        after = None
        while True:
            body: dict[str, Any] = {"size": _COPY_PAGE, "sort": [{"id": "asc"}],
                                    "query": {"match_all": {}}}
            if after is not None:
                body["search_after"] = after
            resp = self._call(self.client.search, index=",".join(indices), body=body)
            hits = resp["hits"]["hits"]
            if not hits:
                return
            yield [Article.from_json(h["_source"]) for h in hits]
            after = hits[-1]["sort"]

    def scan(self, batch: int = _COPY_PAGE) -> Iterator[list[Article]]:
        """Every stored article, in lists (reindex)."""
        yield from self._scan([self.alias])

    def drop(self) -> None:
        """Delete the alias's indices and the template (tests and `reset` use this)."""
        for name in [*(self._alias_targets() or [self.concrete]), self.seq_index]:
            try:
                self._call(self.client.indices.delete, index=name)
            except self._not_found:
                pass
        try:
            self._call(self.client.indices.delete_index_template, name=f"{self.alias}-template")
        except self._not_found:
            pass

    # ----------------------------------------------------------------- writes

    def _allocate(self, n: int) -> datetime:
        """The first of n consecutive microseconds for indexed_at, each later than any
        the cluster handed out before, to any worker, whatever its clock says.

        One scripted update of a counter document (<alias>-seq) makes the choice
        atomic across workers; without scripting it falls back to this client's clock.
        """
        now = to_micros(self._clock())
        if self._seq_ok:
            if self._floor is None:
                latest = self._max_indexed_at()
                self._floor = to_micros(latest) if latest else 0
            body = {"scripted_upsert": True, "upsert": {}, "_source": True, "script": {
                "lang": "painless", "source": _SEQ_SCRIPT,
                "params": {"now": now, "n": n, "floor": self._floor}}}
            for _ in range(2):
                try:
                    resp = self._call(self.client.update, index=self.seq_index, id="indexed_at",
                                      body=body, retry_on_conflict=50)
                    return from_micros(int(resp["get"]["_source"]["first"]))
                except self._not_found:
                    self._create_seq()
                except IndexError_ as exc:
                    log.warning("cannot allocate indexed_at on the cluster (%s); using this "
                                "process's clock", exc)
                    self._seq_ok = False
                    break
        if self._last_ts is None:
            self._last_ts = self._max_indexed_at() or datetime.min.replace(tzinfo=timezone.utc)
        first = max(from_micros(now), self._last_ts + timedelta(microseconds=1))
        self._last_ts = first + timedelta(microseconds=n - 1)
        return first

    def _create_seq(self) -> None:
        try:
            self._call(self.client.indices.create, index=self.seq_index, body={
                "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                "mappings": {"dynamic": False, "_meta": {"managed_by": "scamscope"}}})
        except IndexError_ as exc:
            if "resource_already_exists" not in str(exc):
                raise

    def _max_indexed_at(self) -> datetime | None:
        resp = self._call(self.client.search, index=self.alias, body={
            "size": 1, "_source": ["indexed_at"], "sort": [{"indexed_at": "desc"}],
            "query": {"match_all": {}}})
        hits = resp["hits"]["hits"]
        return parse_iso(hits[0]["_source"].get("indexed_at")) if hits else None

    def upsert(self, articles: Iterable[Article]) -> int:
        by_id: dict[str, Article] = {}
        for article in articles:
            by_id[article.id] = article
        if not by_id:
            return 0
        stored = self._stored(list(by_id))
        docs: list[dict[str, Any]] = []
        fresh: list[dict[str, Any]] = []  # new or changed: they get new indexed_at values
        changed = 0
        for article_id, article in by_id.items():
            doc = _document(IndexDocument.from_article(article))
            old = stored.get(article_id)
            if old is not None and old.get("content_hash") == doc["content_hash"]:
                if old.get("fingerprint") == doc["fingerprint"]:
                    continue  # nothing new at all: a re-crawl
                # Same content, better metadata (entities, relevance...): store it,
                # but keep the first sighting so alerts and dates do not move.
                doc["indexed_at"] = old.get("indexed_at")
                doc["fetched_at"] = old.get("fetched_at") or doc["fetched_at"]
                if article.published is None:
                    doc["date"] = doc["fetched_at"]
            else:
                fresh.append(doc)
                changed += 1
            docs.append(doc)
        if fresh:
            first = self._allocate(len(fresh))
            for i, doc in enumerate(fresh):
                doc["indexed_at"] = iso(first + timedelta(microseconds=i))
        for start in range(0, len(docs), BULK_DOCS):
            self._bulk(self.alias, [("index", d["id"], d) for d in docs[start:start + BULK_DOCS]])
        if self.refresh:
            self._call(self.client.indices.refresh, index=self.alias)
        return changed

    def _stored(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """content_hash, fingerprint, indexed_at and fetched_at of the ids already stored."""
        fields = ["content_hash", "fingerprint", "indexed_at", "fetched_at"]
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 1000):
            resp = self._call(self.client.mget, index=self.alias, body={"docs": [
                {"_id": i, "_source": fields} for i in ids[start:start + 1000]]})
            for doc in resp["docs"]:
                if doc.get("found"):
                    out[doc["_id"]] = doc.get("_source") or {}
        return out

    def _bulk(self, index: str, ops: list[tuple[str, str, dict | None]]) -> list[dict]:
        """Send bulk operations, retrying the items the cluster could not take yet.

        A node that leaves mid-ingest makes some items fail with 503/429 until a
        replica is promoted; those are sent again with backoff. Returns the final
        item results in order.
        """
        results: dict[int, dict] = {}
        todo = list(range(len(ops)))
        delay = 0.5
        unreachable = rounds = 0
        while todo:
            body: list[dict] = []
            for n in todo:
                action, doc_id, doc = ops[n]
                body.append({action: {"_index": index, "_id": doc_id}})
                if doc is not None:
                    body.append(doc)
            try:
                resp = self._call(self.client.bulk, body=body)
            except IndexUnavailable:
                unreachable += 1
                if unreachable > UNREACHABLE_RETRIES:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 8.0)
                continue
            rounds += 1
            retry = []
            for n, item in zip(todo, resp["items"]):
                result = next(iter(item.values()))
                if _retryable(result) and rounds <= BULK_RETRIES:
                    retry.append(n)
                else:
                    results[n] = result
            if retry:
                log.info("bulk: %d items not accepted yet, retrying", len(retry))
                time.sleep(delay)
                delay = min(delay * 2, 8.0)
            todo = retry
        failed = [r for r in results.values()
                  if int(r.get("status", 500)) >= 300 and not (
                      int(r.get("status", 0)) == 404 and r.get("result") == "not_found")]
        if failed:
            error = failed[0].get("error") or {}
            reason = error.get("reason") if isinstance(error, dict) else str(error)
            if all(_retryable(r) for r in failed):  # still busy: the caller may spool and retry
                raise IndexUnavailable(
                    f"search cluster {self.url} is not accepting writes ({len(failed)} of "
                    f"{len(ops)} refused: {reason}): try again later")
            raise IndexError_(f"search cluster {self.url} rejected {len(failed)} of {len(ops)} "
                              f"writes: {reason}")
        return [results[n] for n in range(len(ops))]

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        results = self._bulk(self.alias, [("delete", i, None) for i in ids])
        if self.refresh:
            self._call(self.client.indices.refresh, index=self.alias)
        return sum(1 for r in results if r.get("result") == "deleted")

    # ------------------------------------------------------------------ reads

    def get(self, article_id: str) -> Article | None:
        # mget, not get: a missing id is an answer, not a 404 the client logs as a warning
        resp = self._call(self.client.mget, index=self.alias, body={"docs": [{"_id": article_id}]})
        doc = resp["docs"][0]
        return Article.from_json(doc["_source"]) if doc.get("found") else None

    def has(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            resp = self._call(self.client.mget, index=self.alias, body={"docs": [
                {"_id": i, "_source": False} for i in ids[start:start + 1000]]})
            found.update(d["_id"] for d in resp["docs"] if d.get("found"))
        return found

    def count(self, query: Query | None = None) -> int:
        body = {"query": self._compile(query or Query())}
        return int(self._call(self.client.count, index=self.alias, body=body)["count"])

    def search(self, query: Query) -> Results:
        node = query.parsed()
        if query.offset + query.limit > MAX_RESULT_WINDOW:
            raise QuerySyntaxError(
                f"results beyond the first {MAX_RESULT_WINDOW:,} cannot be paged to on a search "
                "cluster: narrow the search with words or filters")
        body: dict[str, Any] = {
            "query": self._compile(query, node),
            "from": query.offset,
            "size": query.limit,
            "sort": _sort(query.sort, node),
            "track_total_hits": True,
        }
        if query.facets and query.facet_size > 0:
            body["aggs"] = {f.name: {"terms": {
                "field": _facet_field(self._mapping, f), "size": query.facet_size,
                "order": [{"_count": "desc"}, {"_key": "asc"}]}} for f in facet_fields(query)}
        resp = self._call(self.client.search, index=self.alias, body=body)
        hits = [self._hit(h, node) for h in resp["hits"]["hits"]]
        total = resp["hits"]["total"]
        total = total["value"] if isinstance(total, dict) else int(total)
        facets = {}
        for name in (f.name for f in facet_fields(query)) if query.facets else ():
            buckets = resp.get("aggregations", {}).get(name, {}).get("buckets", [])
            facets[name] = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in buckets]
        return Results(total=total, hits=hits, facets=facets)

    def new_since(self, watermark: datetime | None, query: Query, limit: int = 1000) -> Results:
        after = query.indexed_after
        if watermark is not None and (after is None or watermark > after):
            after = watermark
        q = replace(query, indexed_after=after, sort="indexed", limit=limit, offset=0, facets=False)
        return self.search(q)

    def same_story(self, story_id: str, exclude_id: str | None = None) -> list[Article]:
        if not story_id:
            return []
        body: dict[str, Any] = {
            "size": 100,
            "query": {"bool": {"filter": [{"term": {"story_id": story_id}}],
                               "must_not": [{"ids": {"values": [exclude_id]}}] if exclude_id else []}},
            "sort": [{"date": {"order": "asc"}}, {"id": "asc"}],
        }
        resp = self._call(self.client.search, index=self.alias, body=body)
        return [Article.from_json(h["_source"]) for h in resp["hits"]["hits"]]

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass

    # -------------------------------------------------------------- compiling

    def _compile(self, query: Query, node: Node | None = None) -> dict[str, Any]:
        if node is None and query.text:
            node = query.parsed()
        filters: list[dict[str, Any]] = []
        for f in FIELDS:
            keys = f.keys(f.values(query))
            if f.values(query):  # values that fold to nothing match nothing
                filters.append({"terms": {_filter_field(self._mapping, f): keys}})
        if query.min_usd is not None:
            filters.append({"range": {"max_usd": {"gte": query.min_usd}}})
        if query.min_relevance is not None:
            filters.append({"range": {"relevance": {"gte": query.min_relevance}}})
        if query.since is not None or query.until is not None:
            bounds = {}
            if query.since is not None:
                bounds["gte"] = iso(query.since)
            if query.until is not None:
                bounds["lte"] = iso(query.until)
            filters.append({"range": {"date": bounds}})
        if query.indexed_after is not None:
            filters.append({"range": {"indexed_at": {"gt": iso(query.indexed_after)}}})
        if query.story_id:
            filters.append({"term": {"story_id": query.story_id}})
        must = [compile_node(node)] if node is not None else [{"match_all": {}}]
        return {"bool": {"must": must, "filter": filters}}

    def _hit(self, raw: dict[str, Any], node: Node | None) -> Hit:
        src = raw["_source"]
        return Hit(
            id=src["id"], url=src.get("url") or "", title=src.get("title") or "",
            published=src.get("published"), lang=src.get("lang"), source=src.get("source") or "",
            snippet=snippet(src.get("text") or "", node, lang=src.get("lang")),
            entities=Entities.from_json(src.get("entities")),
            score=float(raw.get("_score") or 0.0),
            relevance=float(src.get("relevance") or 0.0),
            story_id=src.get("story_id") or "", indexed_at=src.get("indexed_at"),
        )


# ------------------------------------------------------------------ helpers


@dataclass
class Connection:
    """An official client and the exception classes it raises."""

    client: Any
    connection_errors: tuple[type[BaseException], ...]
    api_errors: tuple[type[BaseException], ...]
    not_found: type[BaseException]


def connect(engine: str, server_version: str, hosts: list[str], *, username: str | None = None,
            password: str | None = None, api_key: str | None = None,
            ca_certs: str | None = None, verify_certs: bool = True, timeout: float = 30.0,
            url: str = "") -> Connection:
    """The matching official client: opensearch-py for OpenSearch, elasticsearch otherwise.

    The elasticsearch client's major version must be the server's; a mismatch is
    one clear IndexUnavailable naming the pin to install.
    """
    url = url or ",".join(hosts)
    common: dict[str, Any] = dict(max_retries=3, retry_on_timeout=True, verify_certs=verify_certs,
                                  retry_on_status=tuple(sorted(RETRYABLE_STATUS)))
    if ca_certs:
        common["ca_certs"] = ca_certs
    if engine == "opensearch":
        import opensearchpy

        kwargs: dict[str, Any] = dict(common, timeout=timeout)
        if username:
            kwargs["http_auth"] = (username, password or "")
        if api_key:
            kwargs["headers"] = {"Authorization": f"ApiKey {api_key}"}
        if not verify_certs:
            kwargs["ssl_show_warn"] = False
        return Connection(opensearchpy.OpenSearch(hosts, **kwargs), (opensearchpy.ConnectionError,),
                          (opensearchpy.TransportError,), opensearchpy.NotFoundError)

    import elasticsearch

    major = server_version.split(".")[0]
    client_major = str(elasticsearch.__version__[0])
    if major != client_major:
        raise IndexUnavailable(
            f"search cluster {url} runs Elasticsearch {server_version}, which needs the "
            f"elasticsearch {major}.x Python client; this install has "
            f"{'.'.join(map(str, elasticsearch.__version__))} (pin elasticsearch=={major}.*)")
    kwargs = dict(common, request_timeout=timeout)
    if username:
        kwargs["basic_auth"] = (username, password or "")
    if api_key:
        kwargs["api_key"] = api_key
    if not verify_certs:
        kwargs["ssl_show_warn"] = False
    return Connection(elasticsearch.Elasticsearch(hosts, **kwargs), (elasticsearch.ConnectionError,),
                      (elasticsearch.ApiError, elasticsearch.TransportError),
                      elasticsearch.NotFoundError)


def compile_node(node: Node) -> dict[str, Any]:
    """The parse tree as query DSL on the pre-tokenised title_words/text_words fields.

    A word or phrase matches in the title or in the text (a phrase never spans
    the two), like the SQLite FTS5 columns; a title match weighs TITLE_BOOST times more.
    A plain word also matches its tagged stems (one `terms` query per field, so a
    word adds no bool clauses however many languages it is stemmed under).
    """
    if isinstance(node, Term):
        if node.prefix:
            return _either(lambda f, boost: {"prefix": {f: {"value": node.text, "boost": boost}}})
        clauses = [{"term": {f: {"value": node.text, "boost": boost}}}
                   for f, boost in (("title_words", TITLE_BOOST), ("text_words", 1.0))]
        if node.stems:
            clauses += [{"terms": {f: list(node.stems), "boost": boost}}
                        for f, boost in (("title_stems", TITLE_BOOST), ("text_stems", 1.0))]
        return {"bool": {"should": clauses, "minimum_should_match": 1}}
    if isinstance(node, Phrase):
        text = " ".join(node.words)
        return _either(lambda f, boost: {"match_phrase": {
            f: {"query": text, "analyzer": "whitespace", "boost": boost}}})
    if isinstance(node, And):
        return {"bool": {"must": [compile_node(c) for c in node.children]}}
    if isinstance(node, Or):
        return {"bool": {"should": [compile_node(c) for c in node.children],
                         "minimum_should_match": 1}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [compile_node(node.child)]}}
    raise TypeError(f"not a query node: {node!r}")


def _either(clause) -> dict[str, Any]:
    return {"bool": {"should": [clause("title_words", TITLE_BOOST), clause("text_words", 1.0)],
                     "minimum_should_match": 1}}


def _sort(sort: str, node: Node | None) -> list[Any]:
    """The orders of the Index protocol; ties go to the most recently indexed article."""
    newest = {"indexed_at": {"order": "desc"}}
    if sort == "indexed":
        return [{"indexed_at": {"order": "asc"}}, {"id": "asc"}]
    if sort == "date":
        return [{"date": {"order": "desc"}}, newest, {"id": "asc"}]
    if node is not None and _positive(node):
        return [{"_score": {"order": "desc"}}, newest, {"id": "asc"}]
    return [{"relevance": {"order": "desc"}}, {"date": {"order": "desc"}}, newest, {"id": "asc"}]


def _positive(node: Node) -> bool:
    """Whether the tree ranks documents (a purely negative tree matches by exclusion)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, (And, Or)):
        return any(_positive(c) for c in node.children)
    return True


def _document(doc: IndexDocument) -> dict[str, Any]:
    """The document as the cluster stores it (indexed_at is set by upsert)."""
    src = dict(doc.rest)
    src.update(
        id=doc.id, url=doc.url, title=doc.title, text=doc.text, lang=doc.lang,
        source=doc.source or None, content_hash=doc.content_hash,
        fingerprint=doc.fingerprint, published=iso(from_micros(doc.published)),
        fetched_at=iso(from_micros(doc.fetched_at)), date=iso(from_micros(doc.date)),
        indexed_at=None, story_id=doc.story_id, relevance=doc.relevance,
        max_usd=doc.max_usd, title_words=doc.title_words, text_words=doc.text_words,
        title_stems=doc.title_stems, text_stems=doc.text_stems)
    for f in ENTITY_FIELDS:
        pairs = doc.entities[f.name]
        src[f.store] = [name for _, name in pairs]
        src[f.key_store] = doc.filter_keys(f.name)
    return src


_SEQ_SCRIPT = (
    "long last = params.floor; "
    "if (ctx._source.containsKey('last')) { last = ((Number) ctx._source.last).longValue(); } "
    "long first = (long) Math.max((long) params.now, last + 1); "
    "ctx._source.last = first + ((Number) params.n).longValue() - 1; ctx._source.first = first;")
def _retryable(result: dict[str, Any]) -> bool:
    """A bulk item the cluster could not take yet: overloaded, a shard moving, a migration."""
    if int(result.get("status", 500)) in RETRYABLE_STATUS:
        return True
    error = result.get("error")
    return isinstance(error, dict) and error.get("type") == "cluster_block_exception"


def _auth_header(username: str | None, password: str | None, api_key: str | None) -> dict[str, str]:
    if api_key:
        return {"Authorization": f"ApiKey {api_key}"}
    if username:
        token = base64.b64encode(f"{username}:{password or ''}".encode()).decode()
        return {"Authorization": f"Basic {token}"}
    return {}


def _ssl_context(ca_certs: str | None, verify: bool) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=ca_certs or None)
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "reason", None) or exc) or type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."
