"""Analysis in worker processes: every core busy, and no page can hang a crawl.

    pool = AnalysisPool(options)          # workers=options.workers, 0 = one per core
    pool.submit(pages)                    # returns at once while a worker is free
    for pages, results in pool.collect(block=True): ...   # in submission order
    pool.close()

Why processes: a runaway page (a regex or a parser gone quadratic, C code
that never returns) holds the interpreter, so no thread, signal handler or
timer can stop it; killing the process that runs it can. A batch that passes
its deadline, or whose worker dies, is re-run page by page in fresh workers;
a page that still times out (or still kills its worker) comes back as
Rejected with reason "timeout" (or "analysis_crash"): its fate is known and
recorded, nothing is silently dropped.

A worker is a fresh interpreter, or, when options.zygote names one (nlp/zygote.py),
a fork of a process that already holds the models: same protocol, same deadlines and
retries, killed through a pidfd; if the zygote gives no worker, the pool logs it once
and starts fresh interpreters.

Workers start on demand (a crawl that finds nothing new loads no model) and
only as many as there are batches waiting. The pool belongs to the thread
that made it; only abort() may be called from another thread (a signal
handler), and it makes every unfinished batch come back as "interrupted".
"""
from __future__ import annotations

import importlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Sequence

from nlp.options import NlpOptions
from nlp.records import Page

log = logging.getLogger(__name__)

# Loggers whose levels a worker takes from the process that starts it (the CLI
# quiets the extraction libraries' per-page warnings, -v turns them back on).
_LOGGERS = ("nlp", "trafilatura", "htmldate", "courlan", "justext")

# A worker reports after each page it extracts; the deadline counts from the
# last report, so a batch of slow but honest pages is never cut short.
_TICK = "tick"
_DONE = "done"
# NlpOptions.zygote asking for a zygote of the pool's own.
PRIVATE_ZYGOTE = "private"
# Seconds a zygote (nlp/zygote.py) has to answer a request for a worker.
ZYGOTE_TIMEOUT = 120.0
_FAILED = "failed"


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def _worker_env() -> dict[str, str]:
    # The worker imports nlp from wherever this process did, whatever the cwd.
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["SCAMSCOPE_WORKER_LOG_LEVELS"] = _log_levels()
    return env


def _log_levels() -> str:
    return ",".join(f"{name}={logging.getLogger(name).getEffectiveLevel()}" for name in _LOGGERS)


def _spawn() -> tuple[subprocess.Popen, socket.socket]:
    # A fresh interpreter running this module, not multiprocessing's spawn: that
    # would re-import the caller's __main__ (a script without a main guard would
    # start crawls in its workers).
    ours, theirs = socket.socketpair()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "nlp.workers", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=_worker_env())
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return process, ours


def _die_with_parent() -> None:
    # Linux sends the signal when the *thread* that started the worker ends: the
    # pool belongs to one thread (the crawl's sink thread), which outlives it.
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # not Linux: the worker still exits at its next read from a closed pipe
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker_main(conn: Connection) -> None:
    options, factory = conn.recv()
    # The parent decides when analysis stops (Ctrl-C and the daemon's SIGTERM
    # reach the whole process group): it kills its workers itself. Should the
    # parent die without doing so, the kernel kills the worker (a runaway page
    # would otherwise keep an orphan busy for ever).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    module, _, name = factory.partition(":")
    # Models load lazily, on the first page in their language: a crawl of English
    # pages never pays for the French model (several seconds of CPU), and a
    # load fits well within a page's deadline (analysis_timeout).
    analyzer = getattr(importlib.import_module(module), name)(options)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        ticket, pages, lang = message
        try:
            results = analyzer.analyze(pages, lang=lang,
                                       progress=lambda: conn.send((_TICK, ticket, None)))
            conn.send((_DONE, ticket, results))
        except Exception as exc:  # reported, so the parent can retry page by page
            conn.send((_FAILED, ticket, f"{type(exc).__name__}: {exc}"))


@dataclass
class _Batch:
    ticket: int
    pages: list[Page]
    lang: str | None
    alone: bool = False  # a retry of one page: its failure is final
    results: list | None = None


@dataclass
class _Worker:
    process: Any  # subprocess.Popen, or nlp.zygote.ForkedProcess
    conn: Connection
    batch: _Batch | None = None
    deadline: float = 0.0


class AnalysisPool:
    """Pages in, Article | Rejected out, on up to `workers` processes."""

    def __init__(self, options: NlpOptions | None = None, *, workers: int | None = None,
                 page_timeout: float | None = None, start_timeout: float = 300.0,
                 analyzer: str = "nlp.analyze:Analyzer"):
        self.options = options or NlpOptions()
        self.analyzer = analyzer  # "module:callable" building the analyzer from options
        self.max_workers = workers or self.options.workers or default_workers()
        self.page_timeout = page_timeout or self.options.page_timeout
        # Loading the models is not analysis: a cold worker gets longer for its first batch.
        self.start_timeout = start_timeout
        self._workers: list[_Worker] = []
        self._queue: deque[_Batch] = deque()
        self._order: deque[_Batch] = deque()  # every unfinished batch, oldest first
        self._next_ticket = 0
        self._aborted = threading.Event()
        self._lock = threading.Lock()  # abort() vs. starting a worker
        self.counts = {"workers_started": 0, "workers_killed": 0, "timeouts": 0, "crashes": 0,
                       "workers_forked": 0}
        # Workers forked from a warm zygote (nlp/zygote.py) when one is given; after
        # the first failure to get one, fresh interpreters for the rest of this pool.
        # "private": a zygote of this pool's own, so its workers share one model load.
        self.zygote = self.options.zygote
        self._private = None

    # -- the owner's side --------------------------------------------------
    def submit(self, pages: Sequence[Page], lang: str | None = None) -> None:
        """Queue a batch; returns once it is handed to a worker (or the pool aborted)."""
        if not pages:
            return
        batch = self._new_batch(list(pages), lang)
        self._order.append(batch)
        self._queue.append(batch)
        self._dispatch()
        # Back-pressure: the caller waits while every worker is busy and work is queued.
        while self._queue and not self._aborted.is_set():
            self._poll(timeout=0.5)
            self._dispatch()
        self._fail_queue_if_aborted()

    def prestart(self) -> None:
        """Start one worker now, so it loads its models while pages are still downloading."""
        if not self._workers:
            self._start_worker()

    def collect(self, block: bool = False) -> list[tuple[list[Page], list]]:
        """Finished batches in submission order; with block, wait for all of them."""
        while True:
            self._poll(timeout=0.5 if block and self._order else 0)
            self._dispatch()
            self._fail_queue_if_aborted()
            if (not block or self._aborted.is_set()
                    or all(batch.results is not None for batch in self._order)):
                break
        if self._aborted.is_set():
            self._fail_unfinished("interrupted", "analysis stopped before this page was done")
        done = []
        while self._order and self._order[0].results is not None:
            batch = self._order.popleft()
            done.append((batch.pages, batch.results))
        return done

    def close(self) -> None:
        for worker in list(self._workers):
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 5
        for worker in list(self._workers):
            try:
                worker.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self._kill(worker, count=False)
        self._workers.clear()
        if self._private is not None:
            self._private.stop()
            self._private = None

    # -- any thread ----------------------------------------------------------
    def abort(self) -> None:
        """Stop now: kill the workers; unfinished batches come back "interrupted"."""
        with self._lock:
            self._aborted.set()
            for worker in list(self._workers):
                if worker.process.poll() is None:
                    worker.process.kill()

    @property
    def aborted(self) -> bool:
        return self._aborted.is_set()

    # -- work ------------------------------------------------------------------
    def _new_batch(self, pages: list[Page], lang: str | None, alone: bool = False) -> _Batch:
        self._next_ticket += 1
        return _Batch(self._next_ticket, pages, lang, alone)

    def _dispatch(self) -> None:
        while self._queue and not self._aborted.is_set():
            worker = next((w for w in self._workers if w.batch is None), None)
            if worker is None:
                if len(self._workers) >= self.max_workers:
                    return
                worker = self._start_worker()
                if worker is None:
                    return
            batch = self._queue.popleft()
            worker.batch = batch
            cold = worker.deadline == 0.0
            worker.deadline = time.monotonic() + self.page_timeout + (
                self.start_timeout if cold else 0.0)
            try:
                worker.conn.send((batch.ticket, batch.pages, batch.lang))
            except (OSError, ValueError):
                self._lost_worker(worker, "crash")

    def _start_worker(self) -> _Worker | None:
        with self._lock:
            if self._aborted.is_set():
                return None
            process, ours = self._forked() if self.zygote else (None, None)
            if process is None:
                process, ours = _spawn()
            conn = Connection(ours.detach())
            conn.send((self.options, self.analyzer))
            worker = _Worker(process, conn)
            self._workers.append(worker)
            self.counts["workers_started"] += 1
            log.debug("analysis worker %d started (%d of at most %d)", process.pid,
                      len(self._workers), self.max_workers)
            return worker

    def _forked(self):
        from nlp.zygote import ZygoteUnavailable, request_worker

        if self.zygote == PRIVATE_ZYGOTE:
            self.zygote = self._start_private_zygote()
            if not self.zygote:
                return None, None

        try:
            # The zygote may still be loading its models: that is still cheaper than a
            # fresh interpreter doing the same, so it gets as long as a cold worker.
            process, ours = request_worker(self.zygote, _log_levels(),
                                           timeout=ZYGOTE_TIMEOUT)
        except ZygoteUnavailable as exc:
            log.warning("analysis zygote at %s gave no worker (%s); starting workers afresh",
                        self.zygote, exc)
            self.zygote = ""
            return None, None
        self.counts["workers_forked"] += 1
        return process, ours

    def _start_private_zygote(self) -> str:
        import dataclasses

        from nlp.zygote import Zygote

        if self.max_workers < 2:
            return ""  # one worker loads the models once anyway
        # Only the first language's model is loaded up front: the others load in the
        # workers that meet such a page, as they would without a zygote.
        first = list(self.options.models.items())[:1]
        warm = dataclasses.replace(self.options, models=dict(first), zygote="")
        zygote = Zygote(None, warm, self.analyzer)
        try:
            zygote.start()
        except OSError as exc:
            log.warning("no private analysis zygote (%s); starting workers afresh", exc)
            zygote.stop()
            return ""
        self._private = zygote
        return zygote.address

    def _poll(self, timeout: float) -> None:
        busy = [w for w in self._workers if w.batch is not None]
        if not busy:
            if timeout:
                time.sleep(min(timeout, 0.05))
            return
        now = time.monotonic()
        wait_for = min([timeout] + [max(0.0, w.deadline - now) for w in busy])
        ready = wait([w.conn for w in busy], timeout=wait_for)
        for worker in busy:
            if worker.conn in ready:
                self._receive(worker)
        now = time.monotonic()
        for worker in busy:
            if worker.batch is not None and now > worker.deadline:
                self._lost_worker(worker, "timeout")

    def _receive(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                kind, ticket, payload = worker.conn.recv()
                batch = worker.batch
                if batch is None or ticket != batch.ticket:
                    continue
                if kind == _TICK:
                    worker.deadline = time.monotonic() + self.page_timeout
                elif kind == _DONE:
                    batch.results = payload
                    worker.batch = None
                else:
                    log.warning("analysis of a batch failed (%s); retrying its pages one by one",
                                payload)
                    worker.batch = None
                    self._retry_alone(batch, "analysis_error", payload)
                    return
        except (EOFError, OSError):
            self._lost_worker(worker, "crash")

    def _lost_worker(self, worker: _Worker, why: str) -> None:
        batch = worker.batch
        worker.batch = None
        self._kill(worker)
        if batch is None or self._aborted.is_set():
            if batch is not None:
                self._finish(batch, "interrupted", "analysis stopped before this page was done")
            return
        self.counts["timeouts" if why == "timeout" else "crashes"] += 1
        if why == "timeout":
            detail = f"analysis took longer than {self.page_timeout:g}s"
            reason = "timeout"
        else:
            detail = f"the analysis worker died (exit code {worker.process.returncode})"
            reason = "analysis_crash"
        urls = ", ".join(p.url for p in batch.pages[:3])
        log.warning("analysis %s on %d page(s) (%s%s)", "timed out" if why == "timeout"
                    else "worker died", len(batch.pages), urls,
                    ", ..." if len(batch.pages) > 3 else "")
        self._retry_alone(batch, reason, detail)

    def _retry_alone(self, batch: _Batch, reason: str, detail: str) -> None:
        if batch.alone:
            self._finish(batch, reason, detail)
            return
        # Each page on its own, ahead of newer work: the culprit is found and
        # the others are analysed after all.
        parts = [self._new_batch([page], batch.lang, alone=True) for page in batch.pages]
        index = self._order.index(batch)
        self._order.remove(batch)
        for offset, part in enumerate(parts):
            self._order.insert(index + offset, part)
        self._queue.extendleft(reversed(parts))

    def _finish(self, batch: _Batch, reason: str, detail: str) -> None:
        from nlp.analyze import Rejected

        batch.results = [Rejected(p.url, reason, detail, p.final_url) for p in batch.pages]

    def _fail_queue_if_aborted(self) -> None:
        if self._aborted.is_set():
            while self._queue:
                self._finish(self._queue.popleft(), "interrupted",
                             "analysis stopped before this page was done")

    def _fail_unfinished(self, reason: str, detail: str) -> None:
        for worker in list(self._workers):
            if worker.batch is not None:
                self._finish(worker.batch, reason, detail)
                worker.batch = None
            self._kill(worker, count=False)
        for batch in self._order:
            if batch.results is None:
                self._finish(batch, reason, detail)

    def _kill(self, worker: _Worker, count: bool = True) -> None:
        if worker.process.poll() is None:
            worker.process.kill()
            if count:
                self.counts["workers_killed"] += 1
        try:
            worker.process.wait(5)
        except subprocess.TimeoutExpired:
            log.warning("analysis worker %d did not exit", worker.process.pid)
        worker.conn.close()
        if worker in self._workers:
            self._workers.remove(worker)


if __name__ == "__main__":
    # A worker is a program of its own: its log lines go to the stderr it shares
    # with the crawl, at the level the crawl's nlp logger had.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    for item in filter(None, os.environ.get("SCAMSCOPE_WORKER_LOG_LEVELS", "").split(",")):
        logger, _, level = item.partition("=")
        logging.getLogger(logger).setLevel(int(level))
    _worker_main(Connection(int(sys.argv[1])))
