"""Crawl workers share one cluster: `scamscope crawl --shard i/N` on two workers at
once, each with its own data dir (as on two machines), overlapping sources (the
same articles are listed by the feed, the Atom feed and both sitemaps), and the
cluster ends up with every article exactly once.
"""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from crawler.sources import shard_of
from indexer.elastic import ElasticIndex
from indexer.query import Query
from nlp.identity import article_id
from tests.fixtures.cli import REPO, clean_env

def catalogue(site) -> tuple[str, dict[int, list[str]]]:
    """A catalogue whose sources fall into both halves of --shard x/2."""
    entries = [("rss", "feed", "/feed.xml"), ("atom", "feed", "/atom.xml"),
               ("sitemap", "sitemap", "/sitemap.xml"), ("news", "sitemap", "/news-sitemap.xml")]
    suffix = 0
    while True:  # pick names (deterministically) so that each shard gets some sources
        names = [f"wire-{name}-{suffix}" for name, _, _ in entries]
        shards = {1: [], 2: []}
        for name in names:
            shards[shard_of(name, 2)].append(name)
        if shards[1] and shards[2]:
            break
        suffix += 1
    toml = "".join(f'[[sources]]\nname = "{name}"\ntype = "{kind}"\nurl = "{site.url(path)}"\n\n'
                   for name, (_, kind, path) in zip(names, entries))
    return toml, shards


@pytest.mark.timeout(900)
def test_two_shard_workers_on_one_cluster_index_every_article_once(
        tmp_path: Path, test_site, search_cluster):
    toml, shards = catalogue(test_site)
    (tmp_path / "catalogue.toml").write_text(toml)
    config = tmp_path / "scamscope.toml"
    config.write_text(f'sources_file = "{tmp_path / "catalogue.toml"}"\n'
                      "download_delay = 0.0\nautothrottle = false\nobey_robots = true\n")
    index_name = f"scamscope-shards-{uuid.uuid4().hex[:8]}"
    env = clean_env(SCAMSCOPE_INDEX=search_cluster, SCAMSCOPE_INDEX_NAME=index_name)

    workers = []
    for i in (1, 2):
        data_dir = tmp_path / f"worker-{i}"
        data_dir.mkdir()
        cmd = [sys.executable, "-m", "scamscope", "--config", str(config),
               "--data-dir", str(data_dir), "crawl", "--shard", f"{i}/2", "--json"]
        workers.append(subprocess.Popen(cmd, env=env, cwd=str(data_dir), text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outputs = [w.communicate(timeout=600) for w in workers]
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err[-2000:]
    summaries = [json.loads(out) for out, _ in outputs]
    for i, summary in zip((1, 2), summaries):
        assert set(summary["by_source"]) <= set(shards[i])  # each worker only its own shard
    # Both workers found the same articles through their own sources: real overlap.
    assert all(s.get("extracted", 0) > 0 for s in summaries)

    # Through the command line: every article exactly once.
    result = subprocess.run(
        [sys.executable, "-m", "scamscope", "--data-dir", str(tmp_path / "worker-1"),
         "search", "--limit", "1000", "--json"],
        env=env, cwd=str(REPO), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    urls = [h["url"] for h in found["hits"]]
    assert len(urls) == len(set(urls)) == found["total"], "an article was indexed twice"

    index = ElasticIndex(search_cluster, index_name=index_name)
    try:
        ids = [h.id for h in index.search(Query(limit=1000, facets=False)).hits]
        assert len(ids) == len(set(ids)) == index.count()
        assert set(ids) == {article_id(u) for u in urls}
        site = {article_id(u) for u in test_site.article_urls()}
        assert set(ids) <= site
        # Mostly one worker wrote an article and the other found it there; both may
        # write one at the same moment, which is an update of the same id, not a copy.
        indexed = sum(s.get("indexed", 0) for s in summaries)
        assert indexed >= len(ids)
    finally:
        index.drop()
        index.close()
