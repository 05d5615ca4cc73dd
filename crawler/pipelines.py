"""Hands fetched pages to the caller's sink, unless their content has not changed."""
from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy.exceptions import DropItem

from nlp.records import Page

log = logging.getLogger(__name__)


def body_hash(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


class SinkPipeline:
    def __init__(self, crawler: Any):
        self.crawler = crawler

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        spider = self.crawler.spider
        tally, state, sink = spider.tally, spider.state, spider.sink
        digest = body_hash(item.body)
        previous = state.get(item.url) if state is not None else None
        validators = {"etag": item.headers.get("etag"),
                      "last_modified": item.headers.get("last-modified")}
        if previous is not None and previous.content_hash == digest:
            tally.add(item.source, "unchanged")
            state.record(item.url, content_hash=digest, status=item.status,
                         fetched_at=item.fetched_at, **validators)
            raise DropItem(f"unchanged since the last crawl: {item.url}", log_level="DEBUG")
        try:
            if spider.worker is not None:
                await spider.worker.call(sink.accept, item)
            else:
                sink.accept(item)
        except Exception as exc:  # a sink bug must not stop the crawl
            tally.fail(item.source, "sink_error")
            log.error("the pipeline could not take %s: %s: %s", item.url,
                      type(exc).__name__, exc)
            log.debug("sink error", exc_info=True)
            raise DropItem(f"sink error on {item.url}", log_level="DEBUG") from exc
        tally.add(item.source, "passed")
        # Kept back until the sink has closed cleanly (it may batch pages and
        # still lose them), so a crash never leaves a page marked as done.
        spider.pending_pages[item.url] = dict(content_hash=digest, status=item.status,
                                              fetched_at=item.fetched_at, **validators)
        return item

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SinkPipeline":
        return cls(crawler)
