"""Tables built once, then loaded from a cache file in a fraction of a second.

    places = load_or_build(cache_dir, "places", key, build)   # build() only on a miss

Building the place gazetteer (geonames cities, pycountry translations) or
decompressing the language identifier costs seconds of CPU; every process that
analyses pages needs them (a crawl's workers, `extract` on one page). The built
object is pickled into `<cache_dir>/<name>-<key>.pickle`, where the key hashes
everything the build reads: the data files' contents, the source of the modules
that build it, and the installed packages it draws on. Change any of them and
the next process builds afresh under a new key.

Many processes may start at once (a crawl's workers, several crawls): each
writes to a temporary file and renames it into place, so a reader sees a whole
file or none. A cache that cannot be read or written is not an error: the
table is built in memory, as it would be without a cache.
"""
from __future__ import annotations

import gc
import hashlib
import importlib.util
import logging
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Bump when the pickled classes change shape in a way their source hash would not show.
FORMAT = 1
# Files of other keys (older code or tables) untouched this long are deleted when a new
# one is written; a day keeps two installs that run side by side from rebuilding in turn.
STALE_SECONDS = 24 * 3600


def default_dir() -> Path:
    """$XDG_CACHE_HOME/scamscope, else ~/.cache/scamscope."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scamscope"


def cache_path(directory: str | os.PathLike | None) -> Path:
    return Path(os.path.expanduser(str(directory))) if directory else default_dir()


def content_key(files: Iterable[str | os.PathLike] = (), packages: Iterable[str] = (),
                extra: Iterable[str] = ()) -> str:
    """A hash of the files' contents, the installed packages' identity and extra strings.

    A package counts by the size and modification time of its __init__.py (a new
    version is a new file); hashing its data would cost what the cache saves."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for path in files:  # contents only: two installs of the same code share a file
        digest.update(Path(path).name.encode() + b"\0")
        with open(path, "rb") as fh:
            digest.update(fh.read())
    for name in packages:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin:
            info = os.stat(origin)
            digest.update(f"{name} {origin} {info.st_size} {info.st_mtime_ns}\n".encode())
        else:
            digest.update(f"{name} missing\n".encode())
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()[:20]


def load_or_build(directory: str | os.PathLike | None, name: str, key: str,
                  build: Callable[[], T]) -> T:
    """The cached table `name` under key, or build() it and cache the result."""
    folder = cache_path(directory)
    path = folder / f"{name}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        # The collector would walk the half-built table again and again as it grows
        # (a third of the load time); nothing in it is garbage.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            value = pickle.loads(data)
        finally:
            if was_enabled:
                gc.enable()
        _keep_fresh(path)
        return value
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: build again and replace it
        log.warning("ignoring unreadable cache file %s (%s: %s)", path, type(exc).__name__, exc)
    value = build()
    _store(folder, path, value)
    return value


def _store(folder: Path, path: Path, value) -> None:
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        _prune(folder, path)
    except OSError as exc:
        log.info("could not write cache file %s (%s); tables are built in each process",
                 path, exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _keep_fresh(path: Path) -> None:
    """A file still in use is not stale, however long ago it was written."""
    try:
        if time.time() - path.stat().st_mtime > STALE_SECONDS / 2:
            os.utime(path)
    except OSError:
        pass


def _prune(folder: Path, kept: Path) -> None:
    name = kept.name.rsplit("-", 1)[0]
    now = time.time()
    # ... and temporary files of writers killed before their rename
    for other in [*folder.glob(f"{name}-*.pickle"), *folder.glob(f".{name}-*.pickle.*")]:
        try:
            if other != kept and now - other.stat().st_mtime > STALE_SECONDS:
                other.unlink()
        except OSError:
            pass  # another process pruned it first
