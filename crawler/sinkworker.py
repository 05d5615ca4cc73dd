"""One thread of its own for the caller's page sink, which it also builds.

The sink does the heavy work (extraction, entities, indexing, in batches); run on
the reactor's thread it would stall every download while a batch is analysed,
inflate the latencies AutoThrottle measures, and risk timeouts. Every call goes
to one worker thread, one at a time and in order, so the sink needs no locking.
The sink is built on that thread too (from the caller's factory) and closed
there: SQLite connections, analysis pools and the like belong to the thread
that opened them, and are never used from another.
"""
from __future__ import annotations

import threading
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
        """From the reactor's thread, while it runs."""
        from twisted.internet import reactor, threads

        return await maybe_deferred_to_future(
            threads.deferToThreadPool(reactor, self.pool, fn, *args))

    def call_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """From any other thread, the reactor running or not: wait for the result."""
        done = threading.Event()
        box: dict[str, Any] = {}

        def on_result(ok: bool, value: Any) -> None:
            box["ok"], box["value"] = ok, value
            done.set()

        self.pool.callInThreadWithCallback(on_result, fn, *args)
        done.wait()
        if not box["ok"]:
            box["value"].raiseException()
        return box["value"]
