"""`make cluster` / `make cluster-stop` as a person uses them: cluster/ctl.py in a
subprocess (standard library only, so the system Python runs it before any
install), the base URL as the last line, a healthy engine there, a clean stop.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.cli import REPO, clean_env
from tests.fixtures.cluster import cluster_unavailable

CTL = REPO / "cluster" / "ctl.py"


def ctl(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    # -S -I: no site-packages, no environment: proves ctl.py needs nothing installed
    return subprocess.run([sys.executable, "-S", "-I", str(CTL), *args], capture_output=True,
                          text=True, timeout=timeout, env=clean_env(), stdin=subprocess.DEVNULL)


@pytest.mark.timeout(900)
def test_start_prints_the_url_last_and_stop_stops_it(tmp_path: Path):
    directory = tmp_path / "cluster"
    started = ctl("start", "--dir", str(directory))
    if started.returncode != 0:
        cluster_unavailable(started.stderr.strip().splitlines()[-1] if started.stderr else "?")
    try:
        url = started.stdout.strip().splitlines()[-1]
        assert url.startswith("http://127.0.0.1:")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url + "/", timeout=30) as resp:
            info = json.loads(resp.read())
        assert info["version"]["distribution"] == "opensearch"

        again = ctl("start", "--dir", str(directory))  # already running: same URL, no restart
        assert again.returncode == 0 and again.stdout.strip().splitlines()[-1] == url

        status = ctl("status", "--dir", str(directory))
        assert status.returncode == 0 and json.loads(status.stdout)["url"] == url
    finally:
        stopped = ctl("stop", "--dir", str(directory))
    assert stopped.returncode == 0 and stopped.stdout.strip() == "stopped"
    assert ctl("status", "--dir", str(directory)).returncode == 1
    assert ctl("stop", "--dir", str(directory)).stdout.strip() == "not running"
    with pytest.raises(OSError):
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url + "/", timeout=5)
    shutil.rmtree(directory, ignore_errors=True)
