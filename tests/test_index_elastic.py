"""What only the cluster backend has: engine detection, template + alias, migration
by reindexing, the alerts watermark on a cluster, clear errors when it is down.

The shared behaviour (queries, filters, facets, snippets) is the contract suite,
tests/test_index_contract.py, which runs on this backend too.
"""
from __future__ import annotations

import copy
import socket
import threading
import uuid
from dataclasses import replace

import pytest

import certifi

from indexer.elastic import ElasticIndex, connect, load_mapping, mapping_version
from indexer.errors import IndexUnavailable
from indexer.query import Query
from indexer.sample import sample_articles


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_engine_is_detected_from_the_root_endpoint(elastic_index):
    info = elastic_index.client.info()
    distribution = (info.get("version") or {}).get("distribution", "elasticsearch")
    assert elastic_index.engine == ("opensearch" if distribution == "opensearch" else "elasticsearch")
    module = type(elastic_index.client).__module__.split(".")[0]
    assert module == ("opensearchpy" if elastic_index.engine == "opensearch" else "elasticsearch")


def test_articles_live_in_a_versioned_index_behind_an_alias_from_a_template(elastic_index):
    client, alias = elastic_index.client, elastic_index.alias
    assert sorted(client.indices.get_alias(name=alias)) == [f"{alias}-v{mapping_version(load_mapping())}"]
    templates = client.indices.get_index_template(name=f"{alias}-template")["index_templates"]
    assert templates[0]["index_template"]["index_patterns"] == [f"{alias}-v*"]
    mapping = client.indices.get_mapping(index=alias)
    props = next(iter(mapping.values()))["mappings"]["properties"]
    assert props["places"]["fields"]["keyword"]["type"] == "keyword"  # facets
    assert props["title_words"]["analyzer"] == "whitespace"  # pre-tokenised like SQLite


def test_a_mapping_change_reindexes_into_a_new_index_without_losing_anything(search_cluster):
    name = f"scamscope-test-{uuid.uuid4().hex[:12]}"
    articles = sample_articles(120, seed=3)
    first = ElasticIndex(search_cluster, index_name=name)
    try:
        first.upsert(articles)
        before = {h.id: h.indexed_at for h in first.search(Query(limit=1000, facets=False)).hits}
        old_index = first.concrete

        changed = copy.deepcopy(load_mapping())
        changed["mappings"]["properties"]["status"] = {"type": "long"}
        second = ElasticIndex(search_cluster, index_name=name, mapping=changed)
        assert second.concrete != old_index
        assert sorted(second.client.indices.get_alias(name=name)) == [second.concrete]
        assert not second.client.indices.exists(index=old_index)
        after = {h.id: h.indexed_at for h in second.search(Query(limit=1000, facets=False)).hits}
        assert after == before  # every article, with its alerts watermark untouched
        assert second.search(Query(text="scam")).total == first.search(Query(text="scam")).total
        second.close()
    finally:
        first.drop()
        first.close()


def test_unchanged_content_keeps_indexed_at_and_changes_get_a_later_one(elastic_index):
    articles = sample_articles(30, seed=5)
    assert elastic_index.upsert(articles) == 30
    first = {a.id: elastic_index.get(a.id).indexed_at for a in articles}
    assert len(set(first.values())) == 30  # strictly increasing: no two alike

    assert elastic_index.upsert(articles) == 0  # a re-crawl
    assert {a.id: elastic_index.get(a.id).indexed_at for a in articles} == first

    edited = replace(articles[0], text=articles[0].text + " Update: more arrests.", content_hash="")
    better = replace(articles[1], relevance=0.99)  # same content, better metadata
    assert elastic_index.upsert([edited, better]) == 1
    assert elastic_index.get(edited.id).indexed_at > max(first.values())
    assert elastic_index.get(better.id).indexed_at == first[better.id]
    assert elastic_index.get(better.id).relevance == pytest.approx(0.99)

    fresh = elastic_index.new_since(max(first.values()), Query())
    assert [h.id for h in fresh.hits] == [edited.id]


def test_a_second_client_continues_the_watermark_after_the_first(search_cluster, elastic_index):
    articles = sample_articles(10, seed=8)
    elastic_index.upsert(articles[:5])
    last = max(elastic_index.get(a.id).indexed_at for a in articles[:5])
    other = ElasticIndex(search_cluster, index_name=elastic_index.alias)
    try:
        other.upsert(articles[5:])
        assert min(other.get(a.id).indexed_at for a in articles[5:]) > last
    finally:
        other.close()


def test_indexed_at_comes_from_the_cluster_so_a_worker_with_a_slow_clock_stays_in_order(
        search_cluster, elastic_index):
    """Workers on machines whose clocks disagree: the alerts watermark must still only
    move forward, so each new article's indexed_at is after every earlier one."""
    from datetime import timedelta

    from nlp.records import utcnow

    behind = ElasticIndex(search_cluster, index_name=elastic_index.alias,
                          clock=lambda: utcnow() - timedelta(hours=1))
    try:
        a, b, c, d = (sample_articles(4, seed=21)[i:i + 1] for i in range(4))
        elastic_index.upsert(a)
        behind.upsert(b)  # an hour slow, yet after a
        elastic_index.upsert(c)
        behind.upsert(d)  # still after c, written by the worker with the right time
        stamps = [elastic_index.get(x[0].id).indexed_at for x in (a, b, c, d)]
        assert stamps == sorted(stamps) and len(set(stamps)) == 4
        fresh = elastic_index.new_since(stamps[1], Query())
        assert [h.id for h in fresh.hits] == [c[0].id, d[0].id]
    finally:
        behind.close()


def test_workers_opening_a_new_index_at_once_all_succeed(search_cluster, es_index_name):
    errors: list[BaseException] = []
    opened: list[ElasticIndex] = []

    def open_one():
        try:
            opened.append(ElasticIndex(search_cluster, index_name=es_index_name))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors
        opened[0].upsert(sample_articles(5, seed=1))
        assert all(ix.count() == 5 for ix in opened)
    finally:
        opened[0].drop()
        for ix in opened:
            ix.close()


def test_several_node_urls_fail_over_to_one_that_answers(search_cluster, es_index_name):
    url = f"http://127.0.0.1:{closed_port()},{search_cluster}"
    index = ElasticIndex(url, index_name=es_index_name)
    try:
        index.upsert(sample_articles(3, seed=2))
        assert index.count() == 3
    finally:
        index.drop()
        index.close()


def test_an_unreachable_cluster_is_one_clear_error():
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(IndexUnavailable) as err:
        ElasticIndex(url)
    message = str(err.value)
    assert "\n" not in message
    assert url in message and "unreachable" in message and "make cluster" in message


def test_the_cli_says_one_line_and_exits_1_when_the_cluster_is_down(cli):
    url = f"http://127.0.0.1:{closed_port()}"
    result = cli("search", "scam", global_args=("--index", url))
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert "unreachable" in lines[0] and url in lines[0]
    assert "Traceback" not in result.err


@pytest.mark.parametrize("engine, version", [("opensearch", "2.19.1"), ("elasticsearch", "9.1.0")])
@pytest.mark.parametrize("verify", [True, False])
def test_both_official_clients_take_auth_and_tls_options(engine, version, verify):
    port = closed_port()
    secured = connect(engine, version, [f"https://127.0.0.1:{port}"], username="analyst",
                      password="secret", ca_certs=certifi.where(), verify_certs=verify, timeout=2)
    keyed = connect(engine, version, [f"http://127.0.0.1:{port}"], api_key="a2V5OnNlY3JldA==",
                    timeout=2)
    for conn in (secured, keyed):
        assert type(conn.client).__module__.split(".")[0] == (
            "opensearchpy" if engine == "opensearch" else "elasticsearch")
        with pytest.raises(conn.connection_errors):  # typed, so _call makes it IndexUnavailable
            conn.client.info()
        conn.client.close()


def test_an_elasticsearch_major_the_client_cannot_speak_is_one_clear_error():
    with pytest.raises(IndexUnavailable) as err:
        connect("elasticsearch", "8.17.0", ["http://127.0.0.1:9200"])
    assert "elasticsearch==8.*" in str(err.value) and "\n" not in str(err.value)
