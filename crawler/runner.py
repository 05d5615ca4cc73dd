"""Run one crawl in this process and return what it did.

    summary = run_crawl(sources, CrawlOptions(...), sink)

Scrapy runs on Twisted's reactor, which cannot be restarted: one crawl per
process (a second call raises CrawlAlreadyRan). A daemon that crawls again and
again runs each crawl in a child process (e.g. `scamscope crawl --source ...`).

The caller supplies the PageSink: the crawler asks it whether a listed URL is
already known, hands it every new or changed page, and merges its stats into
the summary. seen_recently() and accept() run on one worker thread of the
crawl's own (crawler/sinkworker.py), one call at a time and in order, so heavy
analysis never stalls the downloads; close() and stats() run on the caller's
thread once the crawl is over. The sink may buffer pages and finish in close().
"""
from __future__ import annotations

import logging
import sys
import time
from typing import Protocol, Sequence, runtime_checkable
from urllib.parse import urlsplit

from crawler.errors import CrawlAlreadyRan
from crawler.middlewares import netloc_key
from crawler.options import CrawlOptions
from crawler.sources import Source
from crawler.summary import CrawlSummary, Progress, SourceCheck, Tally
from nlp.records import Page

log = logging.getLogger(__name__)

_ran = False


@runtime_checkable
class PageSink(Protocol):
    def seen_recently(self, url: str) -> bool:
        """True when url's article is indexed and was fetched within the revisit window."""

    def accept(self, page: Page) -> None:
        """Take one fetched page (new, or changed since the last crawl)."""

    def stats(self) -> dict[str, int]:
        """Counters merged into the crawl summary (extracted, indexed, not_article...)."""

    def close(self) -> None:
        """End of crawl: flush buffered work."""


class NullSink:
    """Knows nothing, keeps nothing: for `sources check` and dry runs."""

    def seen_recently(self, url: str) -> bool:
        return False

    def accept(self, page: Page) -> None:
        return None

    def stats(self) -> dict[str, int]:
        return {}

    def close(self) -> None:
        return None


def private_sources(targets: Sequence[Source]) -> set[str]:
    """'host:port' of every target: a target may itself live on a private address."""
    return {netloc_key(urlsplit(s.url)) for s in targets}


_LOGGERS = ("scrapy", "twisted", "filelock", "hpack", "py.warnings", "asyncio")
_BANNER = ("scrapy.utils.log", "scrapy.crawler", "scrapy.addons")


class _BelowLevel(logging.Filter):
    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


def run_crawl(targets: Sequence[Source], options: CrawlOptions, sink: PageSink, *,
              progress: Progress | None = None, check: bool = False,
              install_signal_handlers: bool = True) -> CrawlSummary:
    """Crawl targets once; return the summary (with per-source checks when check=True).

    check=True fetches each target's own URL once (no links followed, no
    retries, no conditional GETs, nothing handed to the sink).
    """
    global _ran
    if _ran:
        raise CrawlAlreadyRan("a crawl already ran in this process (Twisted's reactor "
                              "cannot restart); run the next crawl in a new process")
    _ran = True
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import scrapy_settings
    from crawler.sinkworker import SinkWorker
    from crawler.spiders.news import NewsSpider
    from crawler.state import CrawlState

    started = time.monotonic()
    tally = Tally(on_change=progress.update if progress else None)
    state = CrawlState(options.state_path) if options.state_path and not check else None
    settings = scrapy_settings(options, private_ok=private_sources(targets), check=check)
    if "twisted.internet.reactor" in sys.modules:
        # A reactor is installed already: use it rather than fail on a mismatch.
        settings["TWISTED_REACTOR"] = None
    # Scrapy sets levels on its loggers (scrapy: DEBUG); logging is the
    # application's business, so put back what the caller had.
    levels = {name: logging.getLogger(name).level for name in _LOGGERS}
    # Scrapy's start-up banner goes out before we can put the levels back: filter
    # it at the level the caller gave "scrapy" while the process is built.
    quiet = _BelowLevel(logging.getLogger("scrapy").getEffectiveLevel())
    for name in _BANNER:
        logging.getLogger(name).addFilter(quiet)
    spider = None
    worker = SinkWorker()
    try:
        try:
            process = CrawlerProcess(settings)
        finally:
            for name in _BANNER:
                logging.getLogger(name).removeFilter(quiet)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, targets=list(targets), sink=sink, tally=tally, state=state,
                      options=options, check=check, worker=worker)
        worker.start()
        process.start(install_signal_handlers=install_signal_handlers)
        spider = crawler.spider
    finally:
        worker.stop()
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        if progress is not None:
            progress.finish()
        try:
            sink.close()
            if spider is not None:
                spider.commit_state(sink_closed=True)
        finally:
            if state is not None:
                state.close()
    summary = CrawlSummary.from_tally(tally, sink.stats(), sources=len(targets),
                                      elapsed=time.monotonic() - started)
    if check:
        found = getattr(spider, "checks", {})
        summary.checks = [found.get(s.name) or SourceCheck(s.name, s.url, False, "no_answer",
                                                           "no answer before the crawl ended")
                          for s in targets]
    return summary


def check_sources(sources: Sequence[Source], options: CrawlOptions) -> list[SourceCheck]:
    """Fetch every source's URL once; OK or the reason it failed, in the given order."""
    return run_crawl(sources, options, NullSink(), check=True).checks
