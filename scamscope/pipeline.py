"""The ingest pipeline: fetched pages → nlp stage → index, as the crawler's page sink.

Pages are analysed in batches (spaCy is much faster on batches). Articles that
could not be written because the index was unreachable go to a spool in the
data dir and are replayed first on the next run, so nothing fetched is lost.
"""
from __future__ import annotations

import json
import logging
import os
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Iterable

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


class IngestSink:
    """Implements the crawler's PageSink: seen_recently, accept, stats, close."""

    def __init__(self, index: Index, analyzer, *, spool: Spool, batch_size: int = 32,
                 revisit_days: float = 7.0, stories: StoryGrouper | None = None):
        self.index = index
        self.stories = stories
        self.analyzer = analyzer
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

    def accept(self, page: Page) -> None:
        self.buffer.append(page)
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def stats(self) -> dict[str, int]:
        return dict(self.counts)

    def close(self) -> None:
        self.flush()
        if self.stories is not None:
            self.stories.close()

    # -- work ------------------------------------------------------------
    def flush(self) -> None:
        pages, self.buffer = self.buffer, []
        if not pages:
            return
        articles: list[Article] = []
        for result in self.analyzer.analyze(pages):
            if isinstance(result, Article):
                articles.append(result)
            else:
                self.counts[f"not_article:{result.reason}"] += 1
                log.info("not an article: %s (%s)", result.url, result.reason)
        self.counts["extracted"] += len(articles)
        if self.stories is not None:
            self.stories.assign(articles)
        self._write(articles)

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


def build_sink(settings, index: Index | None = None) -> IngestSink:
    """The sink `scamscope crawl` (and the demo) hands the crawler, built from settings."""
    from nlp.analyze import Analyzer
    from scamscope.indexing import open_configured_index
    from scamscope.understanding import nlp_options

    settings.ensure_data_dir()
    return IngestSink(
        index if index is not None else open_configured_index(settings),
        Analyzer(nlp_options(settings)),
        spool=Spool(settings.data_path / "spool" / "articles.jsonl"),
        batch_size=settings.nlp_batch_size,
        revisit_days=settings.revisit_days,
        stories=StoryGrouper(settings.data_path / "stories.db"),
    )
