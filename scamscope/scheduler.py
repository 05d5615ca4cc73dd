"""The unattended schedule: `scamscope run`.

An APScheduler BackgroundScheduler whose jobs live in a persistent job store
(SQLAlchemyJobStore on data_dir/schedule.db):

    crawl:NAME       every source's interval_minutes (crawl_interval_minutes by default);
                     runs `python -m scamscope crawl --source NAME` in a subprocess, because
                     Scrapy's Twisted reactor cannot be restarted inside one process
    alerts:instant   every alerts_instant_minutes
    alerts:hourly    every 60 minutes
    alerts:daily     every day at alerts_daily_at (local time)

Every job: coalesce=True (a run missed while the daemon was down happens once, not once
per missed interval), max_instances=1, no misfire limit. On start the stored jobs are
compared with the configured ones: unchanged jobs keep their stored next run time (so a
restart resumes the schedule), changed ones are replaced, removed sources are dropped, new
ones run at once. Crawls and alerts have separate thread pools, so a long crawl never
delays mail.

One daemon per data dir: data_dir/run.lock is held (flock) while it runs; a second one
fails with one line (exit 2). SIGTERM or SIGINT: no new job starts, running jobs (a crawl
subprocess, an alerts pass) finish, then the daemon exits 0; a second signal asks running
crawls to stop at once. Alert delivery state is in
alerts.db, so a restart resumes with nothing lost and no duplicate mail beyond the window
documented in alerts/outbox.py.

Output (stdout, one `YYYY-MM-DD HH:MM:SS` stamp format with the log lines): one line per
crawl and one per cycle of crawls (scamscope/crawl_report.py), read from each crawl's
`--json` summary; the crawls' own log lines only at -v.

Analysis stays warm between crawls: at start-up the daemon starts one analysis zygote
(nlp/zygote.py: the spaCy models and tables loaded once, listening on
data_dir/analysis.sock) and gives every crawl its address (SCAMSCOPE_ANALYSIS_ZYGOTE), so a
crawl's analysis workers are forks of it, not interpreters loading the models again. The
daemon restarts the zygote if it dies (crawls meanwhile start fresh workers) and stops it on
the way out; it dies with the daemon in any case (PR_SET_PDEATHSIG).

With settings.web_in_daemon the web UI is served in a thread by the same server as
`scamscope serve` (scamscope.webserver: same hardening, same warnings; uvicorn leaves the
signals to the main thread, i.e. to the daemon); if its port is taken, the daemon runs
without it.
"""
from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from scamscope.config import LOG_DATEFMT, Settings
from scamscope.crawl_report import Cycle, crawl_outcome
from scamscope.errors import UserError

log = logging.getLogger(__name__)

LOCK_NAME = "run.lock"
SCHEDULE_DB = "schedule.db"
FREQUENCIES = ("instant", "hourly", "daily")

_daemon: "Daemon | None" = None  # the daemon of this process; jobs find it here


# ------------------------------------------------------------- job functions
# The job store keeps references to these by name ("scamscope.scheduler:crawl_job"),
# so they must stay module-level functions with plain arguments.


def crawl_job(source: str) -> None:
    if _daemon is not None:
        _daemon.crawl(source)


def alerts_job(frequency: str) -> None:
    if _daemon is not None:
        _daemon.alerts(frequency)


# -------------------------------------------------------------------- specs


@dataclass
class JobSpec:
    id: str
    func: Callable[..., None]
    args: tuple
    trigger: Any
    executor: str
    name: str

    @property
    def ref(self) -> str:
        return f"{self.func.__module__}:{self.func.__name__}"


def job_specs(settings: Settings, sources: Sequence[Any]) -> list[JobSpec]:
    """The jobs the settings ask for: one per enabled source, one per alert frequency."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from scamscope.alerting import parse_daily_at

    minute = settings.schedule_minute_seconds  # > 0: load_settings checked it
    specs = []
    for source in sources:
        if not getattr(source, "enabled", True):
            continue
        interval = getattr(source, "interval_minutes", 0) or settings.crawl_interval_minutes
        specs.append(JobSpec(f"crawl:{source.name}", crawl_job, (source.name,),
                             IntervalTrigger(seconds=max(interval, 1) * minute), "crawl",
                             f"crawl {source.name}"))
    hour, mins = parse_daily_at(settings.alerts_daily_at)
    instant = max(settings.alerts_instant_minutes, 1) * minute
    specs.append(JobSpec("alerts:instant", alerts_job, ("instant",),
                         IntervalTrigger(seconds=instant), "alerts", "instant alerts"))
    specs.append(JobSpec("alerts:hourly", alerts_job, ("hourly",),
                         IntervalTrigger(seconds=60 * minute), "alerts", "hourly alerts"))
    specs.append(JobSpec("alerts:daily", alerts_job, ("daily",),
                         CronTrigger(hour=hour, minute=mins), "alerts", "daily alerts"))
    return specs


# ---------------------------------------------------------------------- lock


class DaemonLock:
    """data_dir/run.lock held with flock for the daemon's lifetime (released by the OS
    if the process dies, so a crash never leaves a stale lock)."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOCK_NAME
        self.fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise UserError(f"another 'scamscope run' (pid {other}) is already using "
                            f"{self.path.parent}; stop it first or use another --data-dir") \
                from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


# -------------------------------------------------------------------- daemon

# Seconds a crawl asked to stop (SIGTERM) gets before it is killed.
CRAWL_STOP_GRACE = 15.0


@dataclass
class Daemon:
    settings: Settings
    global_args: list[str]  # passed to every `python -m scamscope ... crawl` subprocess
    sources: list[Any]
    out: TextIO = field(default_factory=lambda: sys.stdout)
    stopping: threading.Event = field(default_factory=threading.Event)
    failures: int = 0
    _children: set = field(default_factory=set)
    _children_lock: threading.Lock = field(default_factory=threading.Lock)
    _out_lock: threading.Lock = field(default_factory=threading.Lock)
    verbose: int = 0  # -v: crawls' own log lines too
    cycle: Cycle | None = None
    _web: Any = None
    _web_thread: threading.Thread | None = None
    zygote: Any = None  # nlp.zygote.Zygote while run() runs

    # ---- output

    def _echo(self, raw: str) -> None:
        with self._out_lock:
            self.out.write(raw)
            self.out.flush()

    def say(self, line: str) -> None:
        # The same stamp as the log lines (cli.LOG_DATEFMT), so -v output reads as one.
        stamp = datetime.now().strftime(LOG_DATEFMT)
        with self._out_lock:
            self.out.write(f"{stamp} {line}\n")
            self.out.flush()

    # ---- jobs

    def crawl(self, source: str) -> int:
        """One crawl in a subprocess; one line about it (its own output only at -v)."""
        if self.stopping.is_set():
            return 0
        cmd = [sys.executable, "-m", "scamscope", *self.global_args, "crawl", "--json",
               "--source", source]
        started = time.monotonic()
        # Own session: a Ctrl-C in the terminal reaches only the daemon, which then asks
        # the crawl to stop once, instead of both being interrupted at once.
        env = None
        zygote = self.zygote
        if zygote is not None and zygote.alive():
            env = {**os.environ, "SCAMSCOPE_ANALYSIS_ZYGOTE": zygote.address}
        proc = subprocess.Popen(cmd, start_new_session=True, stdin=subprocess.DEVNULL, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                errors="replace")
        if self.verbose:
            self.say(f"crawl {source}: started (pid {proc.pid})")
        output = _Drain(proc, self._echo if self.verbose else None)
        with self._children_lock:
            self._children.add(proc)
        try:
            code = self._wait_crawl(source, proc)
        finally:
            with self._children_lock:
                self._children.discard(proc)
            output.join()
        if code != 0:
            self.failures += 1
        outcome = crawl_outcome(source, output.summary(), code, time.monotonic() - started,
                                output.last_error())
        self.say(outcome.line)
        if self.cycle is not None:
            with self._children_lock:
                line = self.cycle.add(outcome)
            if line:
                self.say(line)
        return code

    def _wait_crawl(self, source: str, proc: subprocess.Popen) -> int:
        """The crawl's exit code; past crawl_max_minutes it is stopped, then killed."""
        limit = self.settings.crawl_max_minutes * 60
        try:
            return proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            pass
        self.say(f"crawl {source}: still running after {self.settings.crawl_max_minutes:g} min; "
                 "stopping it (what it has not stored is fetched again next time)")
        for sig, grace in ((signal.SIGTERM, CRAWL_STOP_GRACE), (signal.SIGKILL, 30.0)):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                return proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                continue
        return proc.wait()

    def alerts(self, frequency: str | None) -> int:
        if self.stopping.is_set():
            return 0
        from alerts.runner import run_pass
        from scamscope.alerting import alert_options, summary_lines
        from scamscope.errors import translate
        from scamscope.indexing import open_configured_index

        label = f"alerts {frequency or 'all'}"
        try:
            options = alert_options(self.settings)
            index = open_configured_index(self.settings)
            try:
                report = run_pass(self.settings.data_path, index, options,
                                  frequencies=(frequency,) if frequency else None)
            finally:
                index.close()
        except Exception as exc:  # a job must never take the daemon down
            self.failures += 1
            message = exc if isinstance(exc, UserError) else translate(exc)
            if message is None:
                log.exception("%s failed", label)
                message = f"{type(exc).__name__}: {exc}"
            self.say(f"{label}: failed: {message}")
            return 1
        for line in summary_lines(report)[:-1]:
            self.say(f"{label}: {line}")
        if report.delivery.sent or report.matched.queued or report.pending:
            self.say(f"{label}: {summary_lines(report)[-1]}")
        if report.pending:
            from scamscope.alerting import pending_line

            self.say(f"{label}: {pending_line(report)}")
        return 1 if report.pending or report.delivery.parked else 0

    def stop_children(self, sig: int = signal.SIGTERM) -> None:
        with self._children_lock:
            children = list(self._children)
        for proc in children:
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

    # ---- web

    def start_web(self) -> None:
        """The same server as `scamscope serve` (scamscope.webserver), in a thread; if it
        cannot start, the daemon runs without it."""
        settings = self.settings
        if not settings.web_in_daemon:
            return
        try:
            from scamscope.webserver import web_server

            server = web_server(settings)
        except UserError as exc:  # the port is taken, the host does not resolve
            self.say(f"web UI: {exc}; running without it")
            return
        except ImportError as exc:
            self.say(f"web UI: not available in this build ({exc}); running without it")
            return
        self._web = server
        self._web_thread = threading.Thread(target=server.run, name="web", daemon=True)
        self._web_thread.start()
        self.say(f"web UI: {server.url}")
        for line in server.warnings:
            self.say(f"web UI: {line}")

    def stop_web(self) -> None:
        if self._web is not None:
            self._web.stop()
            if self._web_thread is not None:
                self._web_thread.join(timeout=10)

    # ---- the scheduler

    def build_scheduler(self):
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        db_path = (self.settings.data_path / SCHEDULE_DB).resolve()
        return BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{db_path}")},
            executors={"crawl": ThreadPoolExecutor(2), "alerts": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})

    def sync_jobs(self, scheduler, specs: list[JobSpec]) -> dict[str, int]:
        """Make the stored jobs match the specs; unchanged ones keep their next run time."""
        stored = {job.id: job for job in scheduler.get_jobs()}
        counts = {"kept": 0, "added": 0, "removed": 0}
        now = datetime.now(timezone.utc)
        for spec in specs:
            job = stored.pop(spec.id, None)
            if job is not None and job.func_ref == spec.ref and tuple(job.args) == spec.args \
                    and str(job.trigger) == str(spec.trigger) and job.executor == spec.executor:
                counts["kept"] += 1
                continue
            scheduler.add_job(spec.ref, trigger=spec.trigger, args=spec.args, id=spec.id,
                              name=spec.name, executor=spec.executor, replace_existing=True,
                              next_run_time=_first_run(spec, now))
            counts["added"] += 1
        for job in stored.values():
            job.remove()
            counts["removed"] += 1
        return counts

    def run(self) -> int:
        global _daemon
        data_dir = self.settings.ensure_data_dir()
        lock = DaemonLock(data_dir)
        lock.acquire()
        _daemon = self
        scheduler = None
        previous = {}
        try:
            specs = job_specs(self.settings, self.sources)
            self.cycle = _cycle(specs)
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, self._on_signal)
            scheduler = self.build_scheduler()
            scheduler.start(paused=True)
            counts = self.sync_jobs(scheduler, specs)
            crawls = sum(1 for s in specs if s.id.startswith("crawl:"))
            self.say(f"scamscope run: {crawls} crawl job(s), alerts every "
                     f"{self.settings.alerts_instant_minutes} min (instant), hourly and daily at "
                     f"{self.settings.alerts_daily_at}; schedule in {data_dir / SCHEDULE_DB} "
                     f"({counts['kept']} resumed, {counts['added']} new); pid {os.getpid()}; "
                     "stop with Ctrl-C or SIGTERM")
            self.start_web()
            self.start_zygote(crawls)
            scheduler.resume()
            while not self.stopping.wait(1.0):
                if self.zygote is not None:
                    self.zygote.ensure()
            self.say("stopping: letting running jobs finish (signal again to stop crawls now)")
            scheduler.shutdown(wait=True)
            scheduler = None
            self.stop_web()
            self.say("stopped")
            return 0
        finally:
            if scheduler is not None:
                self.stopping.set()
                self.stop_children(signal.SIGTERM)
                scheduler.shutdown(wait=True)
            self.stop_zygote()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _daemon = None
            lock.release()

    def start_zygote(self, crawls: int) -> None:
        # Started from the main thread: the zygote dies with the thread that started it.
        if not crawls:
            return
        from nlp.zygote import Zygote
        from scamscope.understanding import nlp_options

        zygote = Zygote(self.settings.data_path / "analysis.sock", nlp_options(self.settings))
        try:
            zygote.start()
        except OSError as exc:  # crawls then start their own workers, as without a daemon
            log.warning("no analysis zygote (%s); each crawl loads its own models", exc)
            return
        self.zygote = zygote

    def stop_zygote(self) -> None:
        if self.zygote is not None:
            self.zygote.stop()
            self.zygote = None

    def _on_signal(self, signum, frame) -> None:
        if self.stopping.is_set():
            # A second signal: do not wait for running crawls to end on their own.
            # (Nothing is printed here: a signal handler must not write to a stream
            # another thread may be writing to.)
            self.stop_children(signal.SIGTERM)
            return
        self.stopping.set()

    def run_once(self) -> int:
        """Every job once, in order (crawls, then alerts for every frequency); exit code 1 if
        any failed. Holds the same lock as the daemon."""
        global _daemon
        data_dir = self.settings.ensure_data_dir()
        lock = DaemonLock(data_dir)
        lock.acquire()
        _daemon = self
        try:
            specs = job_specs(self.settings, self.sources)
            self.cycle = _cycle(specs)
            codes = []
            for spec in specs:
                if spec.func is crawl_job:
                    codes.append(self.crawl(*spec.args))
            codes.append(self.alerts(None))
            return 1 if any(codes) else 0
        finally:
            _daemon = None
            lock.release()


def _cycle(specs: list[JobSpec]) -> Cycle:
    return Cycle(frozenset(spec.args[0] for spec in specs if spec.func is crawl_job))


class _Drain:
    """Reads a crawl's stdout (its --json summary) and stderr (its log) while it runs, so
    neither pipe fills up; echo, when given, gets the log lines as they come (-v)."""

    def __init__(self, proc: subprocess.Popen, echo: Callable[[str], None] | None):
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.threads = [threading.Thread(target=self._read, args=(proc.stdout, self.stdout, None),
                                         daemon=True),
                        threading.Thread(target=self._read, args=(proc.stderr, self.stderr, echo),
                                         daemon=True)]
        for thread in self.threads:
            thread.start()

    @staticmethod
    def _read(stream, into: list[str], echo: Callable[[str], None] | None) -> None:
        for line in stream:
            if len(into) < 10_000:  # bounded: a runaway log must not fill memory
                into.append(line)
            if echo is not None:
                echo(line)
        stream.close()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=30)

    def summary(self) -> dict | None:
        import json

        try:
            data = json.loads("".join(self.stdout))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def last_error(self) -> str:
        for line in reversed(self.stderr):
            line = line.strip()
            if line:
                return line.removeprefix("scamscope crawl: ")[:300]
        return ""


def _first_run(spec: JobSpec, now: datetime) -> datetime:
    """New crawl and interval alert jobs run at once; the daily job waits for its time."""
    from apscheduler.triggers.cron import CronTrigger

    if isinstance(spec.trigger, CronTrigger):
        return spec.trigger.get_next_fire_time(None, now)
    return now
