"""Scrapy's downloader with per-site concurrency that holds under the asyncio reactor.

Scrapy 2.19 starts each download as an asyncio task, and the task only adds its
request to ``slot.transferring`` once it runs, after ``_process_queue`` has
already emptied the slot's queue. With no download delay, every queued
request to a site then goes out at once and CONCURRENT_REQUESTS_PER_DOMAIN is
ignored (measured here: 8 in flight with a limit of 2; the epoll reactor gives
2). This subclass counts a request as transferring when it is dispatched.
"""
from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class PoliteDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            # The fix: count it now; _download() adds it again (a set) and removes it.
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
