"""The cluster goes down mid-crawl: nothing fetched is lost.

The crawl pipeline (scamscope.pipeline.IngestSink) writes to a real cluster that
is stopped after the index was opened; the analysed articles go to the spool in
the data dir; when the cluster is back (same data, new ports) the next run
indexes them first, each once.
"""
from __future__ import annotations

import shutil
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest

from indexer.elastic import ElasticIndex
from nlp.analyze import Analyzer
from nlp.records import Page
from scamscope.pipeline import IngestSink, Spool
from tests.fixtures.cluster import cluster_unavailable, load_ctl


def fetch(url: str) -> Page:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return Page(url=url, final_url=resp.geturl(), status=resp.status, body=resp.read(),
                    headers={k.lower(): v for k, v in resp.headers.items()}, source="wire")


@pytest.mark.timeout(900)
def test_articles_fetched_while_the_cluster_is_down_are_spooled_then_indexed(
        tmp_path: Path, test_site):
    ctl = load_ctl()
    directory = Path(tempfile.mkdtemp(prefix="scamscope-cluster-spool-"))
    try:
        state = ctl.start(1, directory, fresh=True, cluster_name="scamscope-spool")
    except (ctl.ClusterError, OSError) as exc:
        cluster_unavailable(str(exc))
    name = f"scamscope-spool-{uuid.uuid4().hex[:8]}"
    analyzer = Analyzer()
    spool = Spool(tmp_path / "data" / "spool" / "articles.jsonl")
    pages = [fetch(u) for u in test_site.article_urls()[:6]]
    try:
        index = ElasticIndex(state["url"], index_name=name)
        sink = IngestSink(index, analyzer, spool=spool, batch_size=100)
        ctl.stop(directory)  # the cluster goes away after the crawl started

        for page in pages:
            sink.accept(page)
        sink.close()
        index.close()
        stats = sink.stats()
        assert stats.get("indexed", 0) == 0
        assert stats["spooled"] == stats["extracted"] > 0
        spooled = spool.pending()
        assert len(spooled) == stats["spooled"]

        # Next run: the cluster is back with its data (on new ports).
        state = ctl.start(1, directory, cluster_name="scamscope-spool")
        index = ElasticIndex(state["url"], index_name=name)
        again = IngestSink(index, analyzer, spool=spool, batch_size=100)
        assert again.stats()["replayed"] == len(spooled)
        assert not spool.path.exists()
        assert index.has([a.id for a in spooled]) == {a.id for a in spooled}
        assert index.count() == len(spooled)
        again.close()
        index.close()
    finally:
        ctl.stop(directory)
        shutil.rmtree(directory, ignore_errors=True)
