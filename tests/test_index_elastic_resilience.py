"""A node lost during a bulk ingest loses nothing.

Three OpenSearch nodes in one JVM (the same launcher as `make cluster NODES=3`),
the article index with one replica (auto_expand_replicas 0-1). While a worker
thread bulk-ingests, the node holding the primary shard is stopped; every article
must still be searchable afterwards, with nothing counted twice.
"""
from __future__ import annotations

import threading
import uuid

import pytest

from indexer.elastic import ElasticIndex
from indexer.query import Query
from indexer.sample import sample_articles

ARTICLES = 1500
BATCH = 50
STOP_AFTER_BATCHES = 8


@pytest.mark.timeout(900)
def test_stopping_a_node_during_bulk_ingest_loses_no_article(three_node_cluster):
    ctl, state = three_node_cluster
    urls = [node["url"] for node in state["nodes"]]
    index = ElasticIndex(",".join(urls), index_name=f"scamscope-resilience-{uuid.uuid4().hex[:8]}")
    client = index.client
    settings = client.indices.get_settings(index=index.concrete)[index.concrete]["settings"]["index"]
    assert settings.get("auto_expand_replicas") == "0-1"
    health = client.cluster.health(index=index.alias, wait_for_status="green")
    assert health["status"] == "green"
    shards = client.cat.shards(index=index.concrete, format="json")
    assert sorted(s["prirep"] for s in shards) == ["p", "r"]  # one primary, one replica
    primary_node = next(s["node"] for s in shards if s["prirep"] == "p")
    victim = next(i for i, node in enumerate(state["nodes"]) if node["name"] == primary_node)

    articles = sample_articles(ARTICLES, seed=11)
    halfway, stopping = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def ingest() -> None:
        try:
            for n, start in enumerate(range(0, len(articles), BATCH)):
                index.upsert(articles[start:start + BATCH])
                if n + 1 == STOP_AFTER_BATCHES:
                    halfway.set()
                    stopping.wait(600)  # then carry on while the node goes down
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failure.append(exc)
        finally:
            halfway.set()

    worker = threading.Thread(target=ingest)
    worker.start()
    try:
        assert halfway.wait(600), "the ingest never got going"
        stopping.set()
        stopped = ctl.stop_node(state, victim)
        assert [n["running"] for n in stopped["nodes"]].count(False) == 1
    finally:
        worker.join()
    assert not failure, f"ingest failed after the node stopped: {failure[0]!r}"

    # The survivors took over: everything is there exactly once.
    assert client.cluster.health(index=index.alias, wait_for_status="yellow")["status"] in (
        "yellow", "green")
    assert index.count() == ARTICLES
    everything = index.search(Query(limit=ARTICLES + 10, facets=False))
    assert everything.total == ARTICLES
    assert sorted(h.id for h in everything.hits) == sorted(a.id for a in articles)
    assert index.has([a.id for a in articles]) == {a.id for a in articles}
    expected = sum(1 for a in articles if "scam" in (a.title + " " + a.text).lower().split())
    assert index.search(Query(text="scam", limit=0)).total >= expected
    index.close()
