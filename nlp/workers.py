"""Analysis in worker processes: every core busy, and no page can hang a crawl.

    pool = AnalysisPool(options)          # workers=options.workers, 0 = one per core
    pool.preload()                        # optional: models load while pages download
    pool.submit(pages)                    # returns at once while a worker is free
    pool.submit(more, last=True)          # the last: what is left is shared out
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

Workers start on demand and only as many as there are batches waiting; only
preload() starts loading the models before a page needs them.

The last batches are shared out: once the caller says a batch is its last, every
batch still waiting is cut into parts as it is handed out, each part a share of
what is left (half of it over the number of workers, at least min_part pages),
so the workers finish together instead of one of them running the last batch
alone. Parts come back as the batch the caller submitted, in order.

The pool belongs to the thread that made it; only abort() may be called from another
thread (a signal handler), and it makes every unfinished batch come back as
"interrupted".
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
# Pages per part a batch is cut into for the workers: a worker that finishes early finds
# more work waiting instead of the others' whole batches (the sink still gets its batches).
PART_PAGES = 8


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def start_private_zygote(options: NlpOptions, analyzer: str = "nlp.analyze:Analyzer",
                         workers: int | None = None):
    """A zygote (nlp/zygote.py) of one pool's or one crawl's own, loading now; the caller
    stops it. None where it would not pay (one worker loads the models once anyway) or
    could not start (the pool then starts workers afresh)."""
    import dataclasses

    from nlp.zygote import Zygote

    if (workers or options.workers or default_workers()) < 2:
        return None
    # Only the first language's model is loaded up front: the others load in the
    # workers that meet such a page, as they would without a zygote.
    first = list(options.models.items())[:1]
    warm = dataclasses.replace(options, models=dict(first), zygote="")
    zygote = Zygote(None, warm, analyzer)
    try:
        zygote.start()
    except OSError as exc:
        log.warning("no private analysis zygote (%s); starting workers afresh", exc)
        zygote.stop()
        return None
    return zygote


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


@dataclass(eq=False)
class _Batch:
    ticket: int
    pages: list[Page]
    lang: str | None
    alone: bool = False  # a retry of one page: its failure is final
    results: list | None = None
    # A batch analysed in parts (shared out at the end, or retried page by page) gets
    # its results when the last of its parts has them, in the order of its pages.
    parent: "_Batch | None" = None
    parts: "list[_Batch] | None" = None


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
                 analyzer: str = "nlp.analyze:Analyzer", part_pages: int = PART_PAGES,
                 min_part: int = 2):
        self.options = options or NlpOptions()
        self.analyzer = analyzer  # "module:callable" building the analyzer from options
        self.max_workers = workers or self.options.workers or default_workers()
        self.page_timeout = page_timeout or self.options.page_timeout
        # Loading the models is not analysis: a cold worker gets longer for its first batch.
        self.start_timeout = start_timeout
        self._workers: list[_Worker] = []
        self._queue: deque[_Batch] = deque()  # batches and parts waiting for a worker
        self._order: deque[_Batch] = deque()  # every unfinished submitted batch, oldest first
        self.part_pages = part_pages  # 0: batches go to workers whole
        self.min_part = max(1, min_part)
        self._last = False  # the caller submitted its last batch: share out the rest
        self._next_ticket = 0
        self._aborted = threading.Event()
        self._lock = threading.Lock()  # abort() vs. starting a worker
        self.counts = {"workers_started": 0, "workers_killed": 0, "timeouts": 0, "crashes": 0,
                       "workers_forked": 0, "parts": 0}
        # Workers forked from a warm zygote (nlp/zygote.py) when one is given; after
        # the first failure to get one, fresh interpreters for the rest of this pool.
        # "private": a zygote of this pool's own, so its workers share one model load.
        self.zygote = self.options.zygote
        self._private = None

    # -- the owner's side --------------------------------------------------
    def submit(self, pages: Sequence[Page], lang: str | None = None, *,
               last: bool = False) -> None:
        """Queue a batch; returns once it is handed to a worker (or the pool aborted).

        last: no more batches follow, so what is left is shared out among the workers."""
        self._last = last
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

    def preload(self) -> None:
        """Start loading the models now, without waiting for them (a crawl does, before its
        first page arrives, so that the load overlaps the crawl's own start): the pool's
        private zygote starts, or with no zygote one worker does. A zygote given by address
        has its models loaded already."""
        if self._workers or self._aborted.is_set():
            return
        if self.zygote == PRIVATE_ZYGOTE:
            with self._lock:
                self.zygote = self._start_private_zygote()
        if not self.zygote:
            self.prestart()

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
            batch = self._share_out(self._queue.popleft())
            worker.batch = batch
            cold = worker.deadline == 0.0
            worker.deadline = time.monotonic() + self.page_timeout + (
                self.start_timeout if cold else 0.0)
            try:
                worker.conn.send((batch.ticket, batch.pages, batch.lang))
            except (OSError, ValueError):
                self._lost_worker(worker, "crash")

    def _share_out(self, batch: _Batch) -> _Batch:
        """The part of batch to hand out now: all of it, but after the last submit a share
        of what is left; the rest waits at the head of the queue."""
        if batch.alone:
            return batch
        share = self.part_pages or len(batch.pages)
        if self._last:
            left = sum(len(b.pages) for b in self._queue) + len(batch.pages)
            share = min(share, max(self.min_part, -(-left // (2 * self.max_workers))))
        if share >= len(batch.pages):
            return batch
        head, rest = (self._new_batch(batch.pages[:share], batch.lang),
                      self._new_batch(batch.pages[share:], batch.lang))
        self._split(batch, [head, rest])
        self._queue.appendleft(rest)
        self.counts["parts"] += 1
        return head

    def _split(self, batch: _Batch, parts: list[_Batch]) -> None:
        parent = batch.parent
        if parent is not None and batch.parts is None and not parts[0].alone:
            # the rest of a batch, shared out again: its parts take its place
            index = parent.parts.index(batch)
            parent.parts[index:index + 1] = parts
        else:
            parent = batch
            batch.parts = parts
        for part in parts:
            part.parent = parent

    def _done(self, batch: _Batch, results: list) -> None:
        """A batch's results; a parent's once all of its parts have theirs."""
        if batch.results is not None:
            return  # finished already (interrupted, or its parent was)
        batch.results = results
        parent = batch.parent
        if parent is not None and all(p.results is not None for p in parent.parts):
            self._done(parent, [r for p in parent.parts for r in p.results])

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
        zygote = start_private_zygote(self.options, self.analyzer, self.max_workers)
        self._private = zygote
        return zygote.address if zygote is not None else ""

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
                    worker.batch = None
                    self._done(batch, payload)
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
        self._split(batch, parts)
        self._queue.extendleft(reversed(parts))

    def _finish(self, batch: _Batch, reason: str, detail: str) -> None:
        from nlp.analyze import Rejected

        self._done(batch, [Rejected(p.url, reason, detail, p.final_url) for p in batch.pages])

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
            self._finish_leaves(batch, reason, detail)

    def _finish_leaves(self, batch: _Batch, reason: str, detail: str) -> None:
        # Parts that finished keep their results; only the others fail.
        if batch.results is not None:
            return
        if batch.parts is None:
            self._finish(batch, reason, detail)
            return
        for part in list(batch.parts):
            self._finish_leaves(part, reason, detail)

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
