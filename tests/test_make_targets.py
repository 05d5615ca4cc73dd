"""The Makefile's promises, read with `make -n` (prints the recipes, runs nothing): `make run`,
`make demo` and `make serve` install the package without the test extras and use DATA_DIR;
only `make test` installs them."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.fixtures.cli import REPO


def dry_run(target: str, tmp_path: Path, *extra: str) -> str:
    make = shutil.which("make")
    assert make, "make is part of the documented set-up"
    done = subprocess.run([make, "-n", "-C", str(REPO), target, f"VENV={tmp_path / 'venv'}",
                           f"DATA_DIR={tmp_path / 'data'}", *extra],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_run_demo_and_serve_install_no_test_extras(tmp_path):
    for target, tail in (("run", "run"), ("demo", "demo"), ("serve", "serve")):
        recipe = dry_run(target, tmp_path)
        assert "pip install --quiet -e .\n" in recipe, recipe
        assert ".[test]" not in recipe, recipe
        assert f'--data-dir "{tmp_path / "data"}" {tail}' in recipe, recipe


def test_make_test_installs_the_test_extras(tmp_path):
    assert '-e ".[test]"' in dry_run("test", tmp_path)
