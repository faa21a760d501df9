"""A disk cache of prepared data, so work that depends only on unchanged inputs is done once.

Entries live in the user's cache directory (``platformdirs``; ``CORRIDORS_CACHE_DIR`` overrides it,
and an empty value turns the cache off). Each is named by a hash of everything it depends on, so a
changed input simply misses. The cache is an optimisation only: an entry that cannot be read or
written is ignored, never an error. It is bounded (``CORRIDORS_CACHE_MAX_MB``, default
:data:`DEFAULT_MAX_MB`): after an entry is written, the least recently used ones are deleted until
the whole fits, so the entries of older code versions and inputs go first.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

CACHE_ENV = "CORRIDORS_CACHE_DIR"
MAX_MB_ENV = "CORRIDORS_CACHE_MAX_MB"
#: Size the cache is kept within, in MB, unless ``CORRIDORS_CACHE_MAX_MB`` says otherwise.
DEFAULT_MAX_MB = 1024
#: Bumped when the layout of cached entries changes, so old entries are never read.
CACHE_VERSION = "2"

T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where entries are kept, or None when caching is off.

    Returns
    -------
    pathlib.Path or None
        ``$CORRIDORS_CACHE_DIR`` (None when set empty), else the user cache directory.
    """
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("corridors"))


def file_digest(path: str | Path) -> str:
    """The SHA-256 of a file's content, so a copied or touched file still hits and a changed byte misses.

    Hashing is streamed (1 MiB at a time) and remembered in the cache (``digests/``) per version of
    the file, i.e. its resolved path, device, inode, size and modification and change times (ns): a
    168 MB boundaries file is hashed once (0.1–0.5 s), not on every run.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        64 hex digits.

    Raises
    ------
    OSError
        If the file cannot be read.
    """
    resolved = Path(path).resolve()
    stat = resolved.stat()
    version = key("file-digest", str(resolved), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns,
                  stat.st_ctime_ns)
    return cached("digests", version, lambda: _sha256(resolved), _save_text, _load_digest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _save_text(text: str, path: Path) -> None:
    path.write_text(text, encoding="ascii")


def _load_digest(path: Path) -> str:
    text = path.read_text(encoding="ascii")
    if len(text) != 64 or not all(c in "0123456789abcdef" for c in text):
        raise ValueError("not a SHA-256 digest")
    return text


def key(*parts: object) -> str:
    """A cache key from the reprs of ``parts`` (and the cache version).

    Parameters
    ----------
    *parts
        Whatever the entry depends on; their reprs must be stable.

    Returns
    -------
    str
        32 hex digits.
    """
    return hashlib.sha256(repr((CACHE_VERSION, *parts)).encode()).hexdigest()[:32]


def cached(
    kind: str, entry_key: str, compute: Callable[[], T], save: Callable[[T, Path], None], load: Callable[[Path], T]
) -> T:
    """``load`` the entry ``kind/entry_key`` if present, else ``compute`` it and ``save`` it atomically.

    Parameters
    ----------
    kind
        Subdirectory of the cache (``datasets``, ``analyses``...).
    entry_key
        The entry's key, from :func:`key`.
    compute
        Makes the value when there is no readable entry.
    save
        Writes a value to a path.
    load
        Reads a value back from a path.

    Returns
    -------
    T
        The loaded or computed value.
    """
    directory = cache_dir()
    if directory is None:
        return compute()
    path = directory / kind / entry_key
    if path.exists():
        try:
            value = load(path)
        except Exception as exc:  # a damaged or foreign entry: recompute it
            log.debug("cache entry %s unreadable (%s); recomputing", path, exc)
        else:
            _mark_used(path)
            return value
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as temporary:
            temporary_path = Path(temporary.name)
        try:
            save(value, temporary_path)
            os.replace(temporary_path, path)
        finally:
            temporary_path.unlink(missing_ok=True)
        evict(directory, _max_bytes(), keep=path)
    except OSError as exc:
        log.debug("cache entry %s not written (%s)", path, exc)
    return value


def evict(directory: Path, max_bytes: int, keep: Path | None = None) -> list[Path]:
    """Delete the least recently used entries until those left take at most ``max_bytes``.

    An entry's use is its modification time, which a read refreshes. Files being written (``.tmp-*``)
    and ``keep`` are never deleted; an entry another process deletes first is simply skipped.

    Parameters
    ----------
    directory
        The cache directory.
    max_bytes
        Size to get down to.
    keep
        An entry to keep whatever its age (the one just written).

    Returns
    -------
    list of pathlib.Path
        The entries deleted, oldest first.
    """
    entries = []
    for path in directory.glob("*/*"):
        if path.name.startswith(".tmp-") or path == keep:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((stat.st_mtime_ns, stat.st_size, path))
    total = sum(size for _, size, _ in entries) + (keep.stat().st_size if keep is not None else 0)
    deleted = []
    for _, size, path in sorted(entries, key=lambda entry: entry[:2]):
        if total <= max_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        deleted.append(path)
    if deleted:
        log.debug("cache: %d least recently used entries deleted to keep within %d bytes", len(deleted), max_bytes)
    return deleted


def _max_bytes() -> int:
    return _bound_from(os.environ.get(MAX_MB_ENV, ""))


@functools.lru_cache(maxsize=8)
def _bound_from(configured: str) -> int:
    """The bound in bytes a ``CORRIDORS_CACHE_MAX_MB`` value sets; a bad one warns once, not at every write."""
    try:
        megabytes = float(configured) if configured else DEFAULT_MAX_MB
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes >= 0):
        log.warning("%s=%r is not a size in MB; keeping the cache within %d MB", MAX_MB_ENV, configured, DEFAULT_MAX_MB)
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def _mark_used(path: Path) -> None:
    """Refresh the entry's modification time: it was just used, so it is the last to be evicted."""
    try:
        os.utime(path)
    except OSError:
        pass


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of this package's source, so entries made by other code are never read.

    Returns
    -------
    str
        Hex SHA-256 of every ``.py`` file of the package.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def save_pickle(value: object, path: Path) -> None:
    """Write ``value`` as a pickle: entries live in the user's own cache directory, written by us.

    Parameters
    ----------
    value
        The value to store.
    path
        Where to write it.
    """
    with open(path, "wb") as stream:
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)


def load_pickle(path: Path) -> Any:
    """Read a pickle :func:`save_pickle` wrote (of this cache only: never a file from elsewhere).

    Parameters
    ----------
    path
        A cache entry.

    Returns
    -------
    Any
        The stored value.
    """
    with open(path, "rb") as stream:
        return pickle.load(stream)
