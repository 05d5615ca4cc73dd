"""Warm analysis workers: one process loads the models once, every worker is a fork of it.

    zygote = Zygote(path, options); zygote.start()      # the daemon, at start-up
    process, sock = request_worker(path)                 # AnalysisPool, per worker
    ...                                                  # sock speaks nlp.workers' protocol
    zygote.stop()

A fresh worker interpreter pays ~1.5 s of CPU importing spaCy and loading its
models and tables; the daemon's crawls, each a process of its own, would pay it
on every crawl that finds a new page. The zygote (`python -m nlp.zygote`) pays it
once: it loads every configured model, then waits on a Unix socket. A request
carries, as file descriptors, the worker's end of a socketpair and the stderr the
worker should log to; the zygote forks, the child serves that socket exactly as a
fresh worker would (nlp.workers._worker_main), and the zygote answers with the
child's pid. The child shares the loaded models copy-on-write: a worker costs
milliseconds of CPU.

The requester is not the worker's parent, so it holds the worker through a pidfd
(pidfd_open right after the pid arrives, while the child is still waiting for its
first message and cannot have exited unless it crashed): kill and wait act on
that process and never on a recycled pid. A worker dies with the zygote
(PR_SET_PDEATHSIG) and exits when its requester's end of the socket closes, even
in the middle of a runaway page, so nothing outlives the crawl or the daemon.

Fork safety: the zygote forks while single-threaded (math libraries are held to
one thread before anything imports them, and the zygote starts no thread); each
child reseeds the random generators it inherited.
"""
from __future__ import annotations

import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# Math libraries' thread pools: a fork keeps only the forking thread, so a pool
# started before the fork would leave its locks held in every child.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
# A Unix socket path longer than this does not fit in sockaddr_un.
_MAX_PATH = 100
# Zygote.stop(): the signal that asks the zygote to reap its workers and exit, and how
# long it gets before it is killed.
STOP_SIGNAL = signal.SIGUSR1
STOP_SECONDS = 5.0


class ZygoteUnavailable(Exception):
    """No worker from the zygote (not running, not answering, or it refused)."""


class ForkedProcess:
    """A worker forked by the zygote, with the part of subprocess.Popen the pool uses."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | str | None = None
        self._killed = False
        self._fd: int | None = os.pidfd_open(pid)

    def poll(self):
        if self.returncode is None and self._fd is not None \
                and select.select([self._fd], [], [], 0)[0]:
            self._exited()
        return self.returncode

    def wait(self, timeout: float | None = None):
        if self.returncode is None and self._fd is not None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"analysis worker {self.pid}", timeout or 0)
            self._exited()
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None and self._fd is not None:
            try:
                signal.pidfd_send_signal(self._fd, signal.SIGKILL)
                self._killed = True
            except ProcessLookupError:
                pass

    def _exited(self) -> None:
        # Its exit status is the zygote's to read; only a kill of ours is known.
        self.returncode = -signal.SIGKILL if self._killed else "unknown"

    def __del__(self) -> None:
        # Closed only here: abort() may poll or kill from another thread at any time.
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def request_worker(address: str, log_levels: str = "",
                   timeout: float = 60.0) -> tuple[ForkedProcess, socket.socket]:
    """A worker forked by the zygote at address, and our end of its socket."""
    ours, theirs = socket.socketpair()
    request = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    request.settimeout(timeout)  # the zygote may still be loading its models
    try:
        request.connect(address)
        # Never an empty message: a stream socket drops descriptors sent with no data.
        socket.send_fds(request, [b"levels:" + log_levels.encode("ascii")],
                        [theirs.fileno(), 2])
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = request.recv(32)
            if not chunk:
                raise ZygoteUnavailable("the zygote closed the connection without a worker")
            reply += chunk
        return ForkedProcess(int(reply)), ours
    except (OSError, ValueError) as exc:
        ours.close()
        raise ZygoteUnavailable(f"{type(exc).__name__}: {exc}") from None
    except ZygoteUnavailable:
        ours.close()
        raise
    finally:
        theirs.close()
        request.close()


def zygote_env(base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    for name in THREAD_VARS:
        env[name] = "1"
    return env


class Zygote:
    """A zygote process of our own, listening at path (see the module docstring)."""

    def __init__(self, path: str | os.PathLike | None, options=None,
                 analyzer: str = "nlp.analyze:Analyzer"):
        """path None: a socket in a private temporary directory."""
        from nlp.options import NlpOptions

        self.options = options or NlpOptions()
        self.analyzer = analyzer
        self._dir: str | None = None
        path = str(path) if path is not None else ""
        if not path or len(os.fsencode(path)) > _MAX_PATH:
            import tempfile

            self._dir = tempfile.mkdtemp(prefix="scamscope-zygote-")  # mode 0700
            path = os.path.join(self._dir, "analysis.sock")
        self.address = path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the process; it answers requests once its models are loaded."""
        import pickle

        from nlp.workers import _worker_env

        try:
            os.unlink(self.address)  # a socket left by a zygote that was killed
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            old = os.umask(0o077)  # only our user may ask for workers
            try:
                listener.bind(self.address)
            finally:
                os.umask(old)
            listener.listen(64)
            self.process = subprocess.Popen(
                [sys.executable, "-m", "nlp.zygote", str(listener.fileno())],
                pass_fds=(listener.fileno(),), stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, env=zygote_env(_worker_env()))
        finally:
            listener.close()
        try:
            self.process.stdin.write(pickle.dumps((self.options, self.analyzer)))
            self.process.stdin.close()
        except OSError:
            pass  # it died at once: alive() says so, and crawls fall back
        log.debug("analysis zygote %d listening at %s", self.process.pid, self.address)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure(self) -> bool:
        """Restart the zygote if it died; True if it had to."""
        if self.alive():
            return False
        log.warning("analysis zygote %s ended (exit code %s); starting a new one",
                    self.pid, self.process.returncode if self.process else None)
        self.start()
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # Asked first, so that it reaps the workers that ended before it goes: killed
            # with them unreaped, they would be re-parented and their CPU seconds would be
            # missing from ours (a crawl's CPU would seem a worker's worth smaller).
            # Killed if it does not go; its workers follow it (PR_SET_PDEATHSIG).
            self.process.send_signal(STOP_SIGNAL)
            # Ctrl-Z stops the whole process group, the zygote included: resumed, it can act.
            self.process.send_signal(signal.SIGCONT)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for path in (self.address, self._dir):
            try:
                if path == self._dir and path:
                    os.rmdir(path)
                elif path:
                    os.unlink(path)
            except OSError:
                pass

    def __enter__(self) -> "Zygote":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ------------------------------------------------------------ the zygote itself


def _reap(signum=None, frame=None) -> None:
    # Reaped promptly, so the children's CPU shows in this process's RUSAGE_CHILDREN.
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _reap_and_exit(signum=None, frame=None) -> None:
    _reap()
    os._exit(0)


def _warm(options, analyzer: str) -> None:
    import importlib

    module, _, name = analyzer.partition(":")
    built = getattr(importlib.import_module(module), name)(options)
    warm_up = getattr(built, "warm_up", None)
    try:
        if warm_up is not None:
            warm_up()
        # One page through the whole stage: the extraction libraries import and compile
        # what they need on their first page (~0.1 s), once here instead of per worker.
        built.analyze([_sample_page()])
    except Exception as exc:  # a missing model: the worker reports it per page
        log.warning("analysis zygote: could not warm every part (%s)", exc)


def _sample_page():
    from nlp.records import Page

    text = " ".join(["The harbour authority in Lisbon said on Monday that the ferry service "
                     "to the islands would resume next week after repairs."] * 4)
    body = (f"<html lang=\"en\"><head><title>Ferry service resumes</title></head><body>"
            f"<article><h1>Ferry service resumes</h1><p>{text}</p><p>{text}</p></article>"
            "</body></html>").encode()
    url = "https://zygote.invalid/warm-up"
    return Page(url=url, final_url=url, status=200, body=body, source="warm-up")


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def serve(listener: socket.socket, options, analyzer: str) -> None:
    import gc

    from nlp.workers import _die_with_parent

    _die_with_parent()  # the daemon (or crawl) that started us
    # The parent decides when we stop: a Ctrl-C or a SIGTERM sent to its process group
    # (a crawl asked to finish its pages) must not take its workers away.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _warm(options, analyzer)
    if _threads() > 1:
        log.warning("analysis zygote has %d threads; forking it is unsafe, serving no workers",
                    _threads())
        return
    gc.collect()
    gc.freeze()  # the collector would otherwise touch (and copy) every inherited page
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(STOP_SIGNAL, _reap_and_exit)
    while True:
        try:
            conn, _ = listener.accept()
        except OSError as exc:
            log.warning("analysis zygote: accept failed (%s)", exc)
            continue
        with conn:
            conn.settimeout(10)
            try:
                message, fds, _, _ = socket.recv_fds(conn, 4096, 2)
            except OSError:
                continue
            if len(fds) != 2:
                for fd in fds:
                    os.close(fd)
                continue
            pid = os.fork()
            if pid == 0:
                _child(listener, conn, fds, message)  # never returns
            for fd in fds:
                os.close(fd)
            try:
                conn.sendall(f"{pid}\n".encode("ascii"))
            except OSError:
                pass  # the requester gave up: the child sees its socket close and exits


def _child(listener: socket.socket, conn: socket.socket, fds: list[int], message: bytes) -> None:
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(STOP_SIGNAL, signal.SIG_DFL)
        listener.close()
        conn.close()
        worker_fd, stderr_fd = fds
        os.dup2(stderr_fd, 2)
        os.close(stderr_fd)
        _reseed()
        _set_levels(message.decode("ascii", "replace").removeprefix("levels:"))
        _exit_when_peer_closes(worker_fd)
        from multiprocessing.connection import Connection

        from nlp.workers import _worker_main

        _worker_main(Connection(worker_fd))
    except BaseException:  # noqa: BLE001 - a child must never return into the zygote's loop
        log.exception("analysis worker (forked) failed")
        code = 1
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


def _reseed() -> None:
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _set_levels(spec: str) -> None:
    for item in filter(None, spec.split(",")):
        name, _, level = item.partition("=")
        if level.isdigit():
            logging.getLogger(name).setLevel(int(level))


def _exit_when_peer_closes(fd: int) -> None:
    # A fresh worker would die with the crawl that started it (PDEATHSIG); a forked
    # one is the zygote's child, so it watches its socket instead: the crawl's end
    # closing (the crawl ended or died) ends the worker even mid-page.
    def watch() -> None:
        poller = select.poll()
        poller.register(fd, select.POLLRDHUP)
        while True:
            for _, events in poller.poll():
                if events & (select.POLLRDHUP | select.POLLHUP | select.POLLERR | select.POLLNVAL):
                    os._exit(0)

    threading.Thread(target=watch, name="peer-watch", daemon=True).start()


def _main(argv: list[str]) -> int:
    import pickle

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    _set_levels(os.environ.get("SCAMSCOPE_WORKER_LOG_LEVELS", ""))
    options, analyzer = pickle.loads(sys.stdin.buffer.read())
    listener = socket.socket(fileno=int(argv[1]))
    serve(listener, options, analyzer)
    return 1


if __name__ == "__main__":
    for _name in THREAD_VARS:  # before anything imports numpy
        os.environ[_name] = "1"
    raise SystemExit(_main(sys.argv))
