"""One thread of its own for the caller's page sink.

The sink does the heavy work (extraction, entities, indexing, in batches); run on
the reactor's thread it would stall every download while a batch is analysed,
inflate the latencies AutoThrottle measures, and risk timeouts. All calls go to
one worker thread, one at a time and in order, so the sink needs no locking;
its resources must merely be usable from a thread other than the one that made
them (the SQLite index opens with check_same_thread=False).
"""
from __future__ import annotations

from typing import Any, Callable

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.threadpool import ThreadPool


class SinkWorker:
    def __init__(self) -> None:
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="page-sink")

    def start(self) -> None:
        self.pool.start()

    def stop(self) -> None:
        self.pool.stop()

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        from twisted.internet import reactor, threads

        return await maybe_deferred_to_future(
            threads.deferToThreadPool(reactor, self.pool, fn, *args))
