"""The ingest pipeline: fetched pages → nlp stage → index, as the crawler's page sink.

Pages are analysed in batches (spaCy is much faster on batches). Articles that
could not be written because the index was unreachable go to a spool in the
data dir and are replayed first on the next run, so nothing fetched is lost.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Iterable

from crawler.items import Settled
from indexer.base import Index
from indexer.errors import IndexUnavailable
from nlp.identity import article_id
from nlp.records import Article, Page, utcnow
from scamscope.stories import StoryGrouper

log = logging.getLogger(__name__)


class Spool:
    """Analysed articles waiting for an index that was down; one JSON line each."""

    def __init__(self, path: Path):
        self.path = path

    def add(self, articles: Iterable[Article]) -> int:
        rows = [json.dumps(a.to_json(), ensure_ascii=False) for a in articles]
        if not rows:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write("\n".join(rows) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return len(rows)

    def pending(self) -> list[Article]:
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    out.append(Article.from_json(json.loads(line)))
        return out

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class InlineAnalysis:
    """A loaded Analyzer behind the pool's submit/collect interface (no worker processes:
    for callers that already hold one, such as tests and benchmarks)."""

    def __init__(self, analyzer) -> None:
        self.analyzer = analyzer
        self.done: list[tuple[list[Page], list]] = []

    def prestart(self) -> None:
        return None  # the analyzer is loaded already

    def preload(self) -> None:
        return None

    def submit(self, pages: list[Page], *, last: bool = False) -> None:
        self.done.append((pages, self.analyzer.analyze(pages)))

    def collect(self, block: bool = False) -> list[tuple[list[Page], list]]:
        done, self.done = self.done, []
        return done

    def abort(self) -> None:
        return None

    def close(self) -> None:
        return None


class IngestSink:
    """Implements the crawler's PageSink: seen_recently, accept, stats, close, abort.

    Pages are analysed in batches (on the analysis pool's worker processes);
    every finished batch is story-grouped and written to the index (or to the
    spool when the index is down) in the order it was handed in, and only then
    reported to the crawler as stored. A batch that fails on the way is
    reported as not stored, so the crawler fetches its pages again next time.
    """

    def __init__(self, index: Index, analysis, *, spool: Spool, batch_size: int = 32,
                 revisit_days: float = 7.0, stories: StoryGrouper | None = None,
                 owns_index: bool = False):
        self.index = index
        self.owns_index = owns_index
        self.stories = stories
        self.analysis = analysis if hasattr(analysis, "submit") else InlineAnalysis(analysis)
        self.spool = spool
        self.batch_size = max(1, batch_size)
        self.revisit = timedelta(days=revisit_days)
        self.buffer: list[Page] = []
        self.counts: Counter[str] = Counter()
        self.index_down: str | None = None
        self._replay_spool()

    # -- PageSink --------------------------------------------------------
    def seen_recently(self, url: str) -> bool:
        if self.index_down:
            return False
        try:
            article = self.index.get(article_id(url))
        except IndexUnavailable:
            return False
        return article is not None and article.fetched_at >= utcnow() - self.revisit

    def accept(self, page: Page) -> list[Settled]:
        if not self.buffer:
            self.analysis.prestart()
        self.buffer.append(page)
        if len(self.buffer) >= self.batch_size:
            self._submit()
        return self._store(self.analysis.collect(block=False))

    def stats(self) -> dict[str, int]:
        return dict(self.counts)

    def close(self) -> list[Settled]:
        try:
            self._submit(last=True)
            return self._store(self.analysis.collect(block=True))
        finally:
            self.analysis.close()
            if self.stories is not None:
                self.stories.close()
            if self.owns_index:
                self.index.close()

    def abort(self) -> None:
        """From any thread: stop analysis now; unfinished pages come back not stored."""
        self.analysis.abort()

    # -- work ------------------------------------------------------------
    def _submit(self, last: bool = False) -> None:
        pages, self.buffer = self.buffer, []
        if pages or last:
            self.analysis.submit(pages, last=last)

    def _store(self, batches: list[tuple[list[Page], list]]) -> list[Settled]:
        settled: list[Settled] = []
        for pages, results in batches:
            try:
                settled.extend(self._store_batch(pages, results))
            except Exception as exc:  # a bug or a broken disk must not mark pages done
                log.error("could not store a batch of %d page(s): %s: %s", len(pages),
                          type(exc).__name__, exc)
                log.debug("store error", exc_info=True)
                self.counts["pipeline_error"] += len(pages)
                settled.extend(Settled(p.url, False, "pipeline_error") for p in pages)
        return settled

    def _store_batch(self, pages: list[Page], results: list) -> list[Settled]:
        articles: list[Article] = []
        settled: list[Settled] = []
        for page, result in zip(pages, results, strict=True):
            if isinstance(result, Article):
                articles.append(result)
                continue
            if result.reason == "interrupted":
                settled.append(Settled(page.url, False, "interrupted"))
                continue
            self.counts[f"not_article:{result.reason}"] += 1
            log.info("not an article: %s (%s)", result.url, result.reason)
            settled.append(Settled(page.url, True))
        self.counts["extracted"] += len(articles)
        if self.stories is not None:
            self.stories.assign(articles)
        self._write(articles)
        by_url = {a.fetched_url: a for a in articles}
        settled.extend(Settled(p.url, True) for p in pages if p.url in by_url)
        return settled

    def _write(self, articles: list[Article]) -> None:
        if not articles:
            return
        if self.index_down is None:
            try:
                changed = self.index.upsert(articles)
                self.counts["indexed"] += changed
                self.counts["unchanged"] += len(articles) - changed
                return
            except IndexUnavailable as exc:
                self.index_down = str(exc)
                log.error("index unavailable, spooling articles for the next run: %s", exc)
        self.counts["spooled"] += self.spool.add(articles)

    def _replay_spool(self) -> None:
        pending = self.spool.pending()
        if not pending:
            return
        try:
            changed = self.index.upsert(pending)
        except IndexUnavailable as exc:
            self.index_down = str(exc)
            log.error("index still unavailable; %d spooled articles kept: %s", len(pending), exc)
            return
        self.spool.clear()
        self.counts["replayed"] += len(pending)
        self.counts["indexed"] += changed
        log.info("replayed %d spooled articles into the index", len(pending))


@contextlib.contextmanager
def early_analysis(settings):
    """For a crawl about to start: its private analysis zygote, started now, so that the
    models load on the idle core while the crawl process imports, starts Scrapy and fetches
    its first pages. Yields the zygote's address for build_sink (None where the crawl's
    pool would not use a private zygote: one configured by address, or one worker), and
    stops the zygote after the crawl. A crawl that finds nothing new pays the load's CPU,
    not its time."""
    from nlp.workers import PRIVATE_ZYGOTE, start_private_zygote
    from scamscope.understanding import nlp_options

    zygote = None
    if settings.analysis_zygote == PRIVATE_ZYGOTE:
        zygote = start_private_zygote(nlp_options(settings))
    try:
        yield zygote.address if zygote is not None else None
    finally:
        if zygote is not None:
            zygote.stop()


def build_sink(settings, index: Index | None = None, *,
               zygote: str | None = None) -> IngestSink:
    """The sink `scamscope crawl` (and the demo) hands the crawler, built from settings.

    Call it on the thread that will use the sink (run_crawl takes it as a factory).
    zygote: the address of a warm analysis zygote to fork workers from (early_analysis)."""
    import dataclasses

    from nlp.workers import AnalysisPool
    from scamscope.indexing import open_configured_index
    from scamscope.understanding import nlp_options

    settings.ensure_data_dir()
    options = nlp_options(settings)
    if zygote:
        options = dataclasses.replace(options, zygote=zygote)
    pool = AnalysisPool(options)
    # The models load on the idle core while the crawl starts and fetches its first pages
    # (a crawl that finds nothing new pays that CPU, not its time).
    pool.preload()
    return IngestSink(
        index if index is not None else open_configured_index(settings),
        pool,
        spool=Spool(settings.data_path / "spool" / "articles.jsonl"),
        batch_size=settings.nlp_batch_size,
        revisit_days=settings.revisit_days,
        stories=StoryGrouper(settings.data_path / "stories.db"),
        owns_index=index is None,
    )
