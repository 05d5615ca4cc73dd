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
        tally, state = spider.tally, spider.state
        digest = body_hash(item.body)
        previous = state.get(item.url) if state is not None else None
        validators = {"etag": item.headers.get("etag"),
                      "last_modified": item.headers.get("last-modified")}
        if previous is not None and previous.content_hash == digest:
            tally.add(item.source, "unchanged")
            spider.listed_by.pop(item.url, None)
            state.record(item.url, content_hash=digest, status=item.status,
                         fetched_at=item.fetched_at, **validators)
            raise DropItem(f"unchanged since the last crawl: {item.url}", log_level="DEBUG")
        # Recorded as done only once the sink says the page is stored for good
        # (spider.settle), so a batch lost on the way is fetched again next time.
        spider.hand_over(item, dict(content_hash=digest, status=item.status,
                                    fetched_at=item.fetched_at, **validators))
        try:
            settled = await spider.sink_call("accept", item)
        except Exception as exc:  # a sink bug must not stop the crawl
            log.error("the pipeline could not take %s: %s: %s", item.url,
                      type(exc).__name__, exc)
            log.debug("sink error", exc_info=True)
            spider.settle_failed([item.url], "sink_error")
            raise DropItem(f"sink error on {item.url}", log_level="DEBUG") from exc
        tally.add(item.source, "passed")
        spider.settle(settled)
        return item

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SinkPipeline":
        return cls(crawler)
