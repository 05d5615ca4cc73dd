"""Tables built once, then loaded from a cache file in a fraction of a second.

    places = load_or_build(cache_dir, "places", key, build)   # build() only on a miss

Building the place gazetteer (geonames cities, pycountry translations) or
decompressing the language identifier costs seconds of CPU; every process that
analyses pages needs them (a crawl's workers, `extract` on one page). The built
object is pickled into `<cache_dir>/<name>-<key>.pickle`, where the key hashes
everything the build reads: the data files' contents, the source of the modules
that build it, and the installed packages it draws on. Change any of them and
the next process builds afresh under a new key.

Large arrays are not copied in: the file is a pickle (protocol 5) whose numpy
arrays' bytes follow it out of band, and a reader maps the file and hands
pickle those bytes where they lie. The arrays come back read-only, backed by
the page cache: a process pays for the pages it touches (the language
identifier's 40 MB automaton is walked over a few kilobytes of text), and
processes share them.

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
import mmap
import os
import pickle
import struct
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Bump when the pickled classes change shape in a way their source hash would not show.
FORMAT = 2
# File layout: MAGIC, then the header (pickle length, buffer count), then each buffer's
# offset and length (all little-endian u64), the pickle, and the buffers, each starting
# on a 64-byte boundary so that arrays of any dtype are aligned.
MAGIC = b"scamscope-table\x02"
_U64 = struct.Struct("<Q")
_ALIGN = 64
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
        # The collector would walk the half-built table again and again as it grows
        # (a third of the load time); nothing in it is garbage.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            value = _read(path)
        finally:
            if was_enabled:
                gc.enable()
        _keep_fresh(path)
        return _settled(value)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: build again and replace it
        log.warning("ignoring unreadable cache file %s (%s: %s)", path, type(exc).__name__, exc)
    value = build()
    _store(folder, path, value)
    return _settled(value)


def _settled(value: T) -> T:
    """value, out of the cycle collector's sight for the rest of the process.

    The tables are kept until the process ends (their callers cache them), and the
    place gazetteer alone is some 300,000 objects: every full collection after the load
    walked them all again, several times while spaCy loads (0.1-0.2 s of a cold
    `extract`) and then throughout a crawl worker's pages. gc.freeze() moves every
    object alive now to the permanent generation; the young generations are collected
    first so that recent garbage is not kept with them."""
    gc.collect(1)
    gc.freeze()
    return value


def _store(folder: Path, path: Path, value) -> None:
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            _write(fh, value)
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


def _write(fh, value) -> None:
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    raws = [buf.raw() for buf in buffers]
    offset = len(MAGIC) + _U64.size * (2 + 2 * len(raws)) + len(data)
    spans = []
    for raw in raws:
        offset += -offset % _ALIGN
        spans.append((offset, raw.nbytes))
        offset += raw.nbytes
    fh.write(MAGIC + _U64.pack(len(data)) + _U64.pack(len(raws)))
    for start, size in spans:
        fh.write(_U64.pack(start) + _U64.pack(size))
    fh.write(data)
    for (start, _), raw in zip(spans, raws):
        fh.write(b"\0" * (start - fh.tell()))
        fh.write(raw)


def _read(path: Path):
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise ValueError("empty file")
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    if view[:len(MAGIC)] != MAGIC:
        raise ValueError("not a table file of this format")
    at = len(MAGIC)
    (length,), (count,) = _U64.unpack_from(view, at), _U64.unpack_from(view, at + 8)
    at += 16
    buffers = []
    for _ in range(count):
        (start,), (nbytes,) = _U64.unpack_from(view, at), _U64.unpack_from(view, at + 8)
        at += 16
        if start + nbytes > size:
            raise ValueError("truncated file")
        buffers.append(view[start:start + nbytes])
    if at + length > size:
        raise ValueError("truncated file")
    # The buffers keep the mapping alive as long as an array uses them; the pickle's
    # own bytes are copied out, so a table without arrays holds no mapping at all.
    return pickle.loads(view[at:at + length], buffers=buffers)


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
