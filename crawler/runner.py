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
from typing import Callable, Iterable, Protocol, Sequence, runtime_checkable
from urllib.parse import urlsplit

from crawler.errors import CrawlAlreadyRan
from crawler.items import Settled
from crawler.middlewares import netloc_key
from crawler.options import CrawlOptions
from crawler.sources import Source
from crawler.summary import CrawlSummary, Progress, SourceCheck, Tally
from nlp.records import Page

log = logging.getLogger(__name__)

_ran = False

# After a stop signal, the crawl ends within this many seconds whatever is in flight.
STOP_GRACE_SECONDS = 6.0


@runtime_checkable
class PageSink(Protocol):
    def seen_recently(self, url: str) -> bool:
        """True when url's article is indexed and was fetched within the revisit window."""

    def accept(self, page: Page) -> Iterable[Settled] | None:
        """Take one fetched page (new, or changed since the last crawl).

        Returns what became of the pages settled by now (this one or earlier,
        buffered ones), or None to settle everything in close()."""

    def stats(self) -> dict[str, int]:
        """Counters merged into the crawl summary (extracted, indexed, not_article...)."""

    def close(self) -> Iterable[Settled] | None:
        """End of crawl: finish buffered work; what became of the pages not yet settled."""


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


def run_crawl(targets: Sequence[Source], options: CrawlOptions,
              sink: PageSink | Callable[[], PageSink], *,
              progress: Progress | None = None, check: bool = False,
              install_signal_handlers: bool = True) -> CrawlSummary:
    """Crawl targets once; return the summary (with per-source checks when check=True).

    sink is a PageSink, or better a function that builds one: it is then built,
    used and closed on the sink's own thread. check=True fetches each target's
    own URL once (no links followed, no retries, no conditional GETs, nothing
    handed to the sink).

    The first SIGINT/SIGTERM stops the crawl gracefully: no new requests, and
    the sink's abort() (if it has one) is called at once, so that analysis
    under way stops too; pages not stored are fetched again next time. A
    second signal stops the reactor at once.
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
    worker.start()
    stats: dict[str, int] = {}
    try:
        if not isinstance(sink, PageSink) and callable(sink):
            sink = worker.call_blocking(sink)
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
        if install_signal_handlers:
            _install_stop_handlers(process, sink)
        process.start(install_signal_handlers=False)
        spider = crawler.spider
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        if progress is not None:
            progress.finish()
        try:
            # A factory that failed built no sink: its error is the one to report.
            if isinstance(sink, PageSink):
                settled, sink_error = None, None
                try:
                    settled = worker.call_blocking(_close, sink)
                except Exception as exc:
                    sink_error = "sink_error"
                    log.error("the pipeline failed while finishing: %s: %s",
                              type(exc).__name__, exc)
                    log.debug("sink close error", exc_info=True)
                if spider is not None:
                    spider.commit_state(settled, sink_error)
                stats = worker.call_blocking(sink.stats)
        finally:
            worker.stop()
            if state is not None:
                state.close()
    summary = CrawlSummary.from_tally(tally, stats, sources=len(targets),
                                      elapsed=time.monotonic() - started)
    summary.interrupted = spider is None or spider.finish_reason not in (None, "finished")
    if check:
        found = getattr(spider, "checks", {})
        summary.checks = [found.get(s.name) or SourceCheck(s.name, s.url, False, "no_answer",
                                                           "no answer before the crawl ended")
                          for s in targets]
    return summary


def _close(sink: PageSink) -> list[Settled] | None:
    settled = sink.close()
    return None if settled is None else list(settled)


def _install_stop_handlers(process, sink) -> None:
    """First signal: stop gracefully and abort analysis; second: stop the reactor now."""
    import signal

    from twisted.internet import reactor

    signals_seen = []

    def handler(signum, _frame) -> None:
        signals_seen.append(signum)
        name = signal.Signals(signum).name
        if len(signals_seen) == 1:
            log.warning("%s received: stopping the crawl; pages not stored yet are fetched "
                        "again next time (send it again to stop at once)", name)
            abort = getattr(sink, "abort", None)
            if abort is not None:
                abort()
            reactor.callFromThread(process.stop)
            # Downloads in flight may take up to their timeout to end: past the
            # grace period the reactor stops anyway (their pages are fetched again).
            reactor.callFromThread(reactor.callLater, STOP_GRACE_SECONDS, _stop_reactor, reactor)
        else:
            log.warning("%s received again: stopping now", name)
            reactor.callFromThread(_stop_reactor, reactor)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)


def _stop_reactor(reactor) -> None:
    if reactor.running:
        reactor.stop()


def check_sources(sources: Sequence[Source], options: CrawlOptions) -> list[SourceCheck]:
    """Fetch every source's URL once; OK or the reason it failed, in the given order."""
    return run_crawl(sources, options, NullSink(), check=True).checks
