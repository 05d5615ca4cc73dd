#!/usr/bin/env python3
"""Build, start and stop the local search cluster (OpenSearch nodes in one JVM).

    python cluster/ctl.py start [--nodes N] [--dir DIR]   last line printed: the base URL
    python cluster/ctl.py stop [--dir DIR]
    python cluster/ctl.py status [--dir DIR]

`make cluster` / `make cluster-stop` call this; the test fixtures import it to
start a private cluster (the resilience test starts three nodes and stops one).
Standard library only: it runs before the virtualenv has anything installed.

Maven fetches the engine's jars once into ~/.m2 (cluster/pom.xml); the launcher
(cluster/src/main/java/scamscope/cluster/Launcher.java) starts the nodes on free
ports on 127.0.0.1 and writes DIR/state.json when the cluster is healthy.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DIR = ROOT / ".cluster"
CLASSPATH = HERE / "target" / "classpath.txt"
CLASSES = HERE / "target" / "classes"
START_TIMEOUT = float(os.environ.get("SCAMSCOPE_CLUSTER_START_TIMEOUT", "600"))


class ClusterError(RuntimeError):
    """The cluster could not be built, started or stopped; the message says why."""


def _log(msg: str) -> None:
    print(f"cluster: {msg}", file=sys.stderr, flush=True)


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise ClusterError("java not found: install a JDK 17+ (apt-get install openjdk-17-jdk-headless)")
    return java


def _stale() -> bool:
    if not CLASSPATH.exists() or not CLASSES.exists():
        return True
    built = CLASSPATH.stat().st_mtime
    sources = [HERE / "pom.xml", *(HERE / "src").rglob("*.java")]
    if any(p.stat().st_mtime > built for p in sources):
        return True
    # a jar deleted from ~/.m2 since the last build
    return any(not Path(p).exists() for p in CLASSPATH.read_text().strip().split(os.pathsep) if p)


def build(log_dir: Path | None = None) -> None:
    """Compile the launcher and resolve the engine's jars (cached in ~/.m2)."""
    if not _stale():
        return
    mvn = shutil.which("mvn")
    if not mvn:
        raise ClusterError("mvn not found: install Maven (apt-get install maven)")
    log_dir = log_dir or DEFAULT_DIR
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "maven.log"
    _log(f"fetching the engine with Maven (first run downloads ~80 MB into ~/.m2; log: {log})")
    for attempt in (1, 2):  # one more try: a cold ~/.m2 in CI meets the odd network hiccup
        with open(log, "w") as out:
            proc = subprocess.run([mvn, "-B", "-q", "-f", str(HERE / "pom.xml"), "compile"],
                                  stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if proc.returncode == 0 and CLASSPATH.exists():
            break
        if attempt == 1:
            _log("Maven failed; trying once more")
            time.sleep(5)
    if proc.returncode != 0 or not CLASSPATH.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ClusterError(f"Maven could not build the cluster launcher (see {log}):\n{tail}")
    CLASSPATH.touch()


_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1: never a proxy


def _get(url: str, timeout: float = 5.0) -> dict:
    with _LOCAL.open(url, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def _post(url: str, timeout: float = 120.0) -> dict:
    req = urllib.request.Request(url, data=b"", method="POST")
    with _LOCAL.open(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as dead
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def _is_launcher(pid: int) -> bool:
    """Whether pid is (still) our launcher JVM, not a process that reused the number."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"scamscope.cluster.Launcher" in f.read()
    except OSError:
        return False


def status(directory: Path = DEFAULT_DIR) -> dict | None:
    """The running cluster's state (urls, control url, pid), or None."""
    state_file = Path(directory) / "state.json"
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return None
    if not _alive(int(state.get("pid", 0))):
        return None
    try:
        return _get(state["control"] + "/state")
    except (OSError, ValueError, http.client.HTTPException):
        return None


def start(nodes: int = 1, directory: Path = DEFAULT_DIR, heap: str | None = None,
          cluster_name: str = "scamscope-test", fresh: bool = False) -> dict:
    """Start the cluster (or reuse the running one) and return its state."""
    directory = Path(directory).resolve()
    running = status(directory)
    if running and len(running["nodes"]) == nodes and not fresh:
        return running
    if running:
        stop(directory)
    build(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "state.json").unlink(missing_ok=True)
    shape = directory / "nodes.count"  # data of a cluster of another size cannot be reused
    if not fresh and (directory / "nodes").exists() and shape.exists() \
            and shape.read_text().strip() != str(nodes):
        _log(f"the data in {directory} is from a {shape.read_text().strip()}-node cluster: "
             f"starting an empty {nodes}-node one")
        fresh = True
    if fresh:  # otherwise the data of the last run is kept
        shutil.rmtree(directory / "nodes", ignore_errors=True)
    shape.write_text(f"{nodes}\n")
    heap = heap or ("512m" if nodes == 1 else "1g")
    cp = os.pathsep.join([str(CLASSES), CLASSPATH.read_text().strip()])
    log_path = directory / "cluster.log"
    cmd = [_java(), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseSerialGC",
           "-Djava.awt.headless=true", "-Dlog4j2.disable.jmx=true", "-cp", cp,
           "scamscope.cluster.Launcher", "--dir", str(directory), "--nodes", str(nodes),
           "--cluster-name", cluster_name]
    _log(f"starting {nodes} node(s) in {directory} (log: {log_path})")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=directory)
    (directory / "pid").write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
            raise ClusterError(f"the search cluster exited during startup (see {log_path}):\n{tail}")
        state = status(directory)
        if state:
            return state
        time.sleep(0.5)
    _terminate(proc.pid)
    raise ClusterError(f"the search cluster did not become healthy in {START_TIMEOUT:.0f}s "
                       f"(see {log_path})")


def _terminate(pid: int, grace: float = 30.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.2)


def stop(directory: Path = DEFAULT_DIR) -> bool:
    """Stop the cluster started in directory; True if one was running."""
    directory = Path(directory).resolve()
    pid_file = directory / "pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return False
    if not _alive(pid) or not _is_launcher(pid):
        pid_file.unlink(missing_ok=True)
        (directory / "state.json").unlink(missing_ok=True)
        return False
    state = status(directory)
    if state:
        try:
            _post(state["control"] + "/shutdown", timeout=10)
        except (OSError, ValueError, http.client.HTTPException):
            pass  # it may close before answering; the pid is watched below
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
    _terminate(pid)
    pid_file.unlink(missing_ok=True)
    (directory / "state.json").unlink(missing_ok=True)
    return True


def stop_node(state: dict, index: int) -> dict:
    """Stop one node of a running cluster (the JVM and the other nodes keep running)."""
    return _post(f"{state['control']}/nodes/{index}/stop")


def start_node(state: dict, index: int) -> dict:
    return _post(f"{state['control']}/nodes/{index}/start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status", "build"])
    parser.add_argument("--nodes", type=int, default=int(os.environ.get("NODES", "1") or 1))
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--heap", default=None, help="JVM heap, e.g. 512m (default: 512m, 1g for >1 node)")
    parser.add_argument("--fresh", action="store_true", help="wipe the data directory first")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            build(args.dir)
            return 0
        if args.command == "start":
            began = time.monotonic()
            state = start(args.nodes, args.dir, args.heap, fresh=args.fresh)
            _log(f"healthy after {time.monotonic() - began:.0f}s; nodes: "
                 + " ".join(n["url"] for n in state["nodes"]))
            print(state["url"])
            return 0
        if args.command == "stop":
            print("stopped" if stop(args.dir) else "not running")
            return 0
        state = status(args.dir)
        if not state:
            print("not running")
            return 1
        print(json.dumps(state, indent=2))
        return 0
    except ClusterError as exc:
        _log(f"error: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
