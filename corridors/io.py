"""Safe output: a file appears complete or not at all, and an output never destroys anything else.

* A regular file (or a new path) is replaced atomically: the writer fills a temporary file beside it,
  which is flushed, synced and checked, then renamed over the target, keeping the old file's mode.
  A symlink's target is what gets replaced, never the link.
* A device, FIFO or socket (``/dev/null``, a named pipe, ``/dev/stdout``) is never replaced: the
  result is streamed into it once complete.
* A target that is a directory, names a directory (``out/``), is a file this process read (an
  input, see :func:`protect`) or lies in a data directory's ``geo/`` or ``seeds/`` is refused
  before any work.
* Temporary files are removed on any error, on SIGINT and SIGTERM, and at exit.

JSON goes out through :func:`to_json` only, which refuses NaN and infinities.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import CorridorsError, UsageError, excerpt
from .vocab import STDOUT

#: Side files SQLite (GeoPackage) may leave beside a database while writing it.
_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")

_protected_files: set[Path] = set()
_protected_dirs: set[Path] = set()
_temporaries: set[Path] = set()
_lock = threading.Lock()


class OutputError(CorridorsError):
    """An output could not be written completely (disk full, I/O error, writer failure): exit 1."""


# --- what must never be overwritten ----------------------------------------------------------------


def protect(*paths: str | os.PathLike[str] | None) -> None:
    """Mark files or directories as never to be written by this process.

    Files are this run's inputs, directories a data directory's ``geo/`` and ``seeds/``. Paths that
    do not exist are ignored.

    Parameters
    ----------
    *paths
        Files or directories; None and ``-`` are skipped.
    """
    for path in paths:
        if path is None or str(path) == STDOUT:
            continue
        path = Path(path)
        with contextlib.suppress(OSError):
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                _protected_dirs.add(path.resolve())
            elif stat.S_ISREG(info.st_mode):
                _protected_files.add(path.absolute())


def protect_data_dir(root: str | os.PathLike[str] | None = None) -> None:
    """Protect ``geo/`` and ``seeds/`` of a data directory (default: :func:`corridors.paths.data_dir`).

    Parameters
    ----------
    root
        The data directory; None for the default one.
    """
    from .paths import data_dir, geo_dir, seeds_dir

    base = data_dir(root)
    protect(geo_dir(base), seeds_dir(base))


def _refuse_protected(target: Path, real: Path, info: os.stat_result | None) -> None:
    for path in list(_protected_files) if info is not None else ():
        with contextlib.suppress(OSError):  # the same file, also through a hard link or symlink
            if os.path.samefile(path, real):
                raise UsageError(f"{excerpt(str(target))}: is an input of this run; write the output elsewhere")
    for folder in _protected_dirs:
        if real == folder or folder in real.parents:
            raise UsageError(f"{excerpt(str(target))}: is inside the data directory {folder}; write elsewhere")


# --- checking a target -----------------------------------------------------------------------------


def is_stream(target: str | os.PathLike[str]) -> bool:
    """Whether ``target`` is written in place as a stream: ``-``, a device, FIFO or socket, ``/dev/...``.

    Parameters
    ----------
    target
        Output path, or ``-``.

    Returns
    -------
    bool
        True when it cannot be replaced by a rename.
    """
    if str(target) == STDOUT:
        return True
    with contextlib.suppress(OSError):
        mode = os.stat(target).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            return True
    real = os.path.realpath(target)
    return real.startswith(("/dev/", "/proc/")) and not os.path.isdir(real)


def check_writable(target: str | os.PathLike[str]) -> Path:
    """Fail early, before any work, if ``target`` cannot or must not be written.

    Returns the path that will be written: the target itself, or the file a symlink points to.

    Parameters
    ----------
    target
        Output path, or ``-``.

    Returns
    -------
    pathlib.Path
        The path that will be written.

    Raises
    ------
    UsageError
        If the target is a directory or names one (``out/``), is protected (see :func:`protect`),
        or its directory does not exist or is not writable.
    """
    text = os.fspath(target)
    if not text:
        raise UsageError("output: empty file name")
    if text.endswith(os.sep) or (os.altsep and text.endswith(os.altsep)):
        raise UsageError(f"{excerpt(text)}: names a directory; give a file name")
    target = Path(text)
    real = Path(os.path.realpath(target))
    try:
        info: os.stat_result | None = real.stat()
    except OSError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{excerpt(text)}: is a directory")
    _refuse_protected(target, real, info)
    if is_stream(target):
        if not os.access(target, os.W_OK):
            raise UsageError(f"{excerpt(text)}: is not writable")
        return target
    folder = real.parent
    if not folder.is_dir():
        raise UsageError(f"{excerpt(text)}: directory {excerpt(str(folder))} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{excerpt(text)}: directory {excerpt(str(folder))} is not writable")
    return real


# --- writing ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; it becomes ``target`` only if the block succeeds.

    Writers that need a file name (GDAL drivers, pyarrow) write to the yielded path, which does not
    exist yet; the block should check what was written before it ends (e.g. read back the feature
    counts). On success the file is synced and renamed over ``target`` (keeping the replaced file's
    mode), or streamed into it when ``target`` is a device or FIFO. On any error, or SIGINT/SIGTERM,
    the temporary file is removed and ``target`` is left as it was.

    Parameters
    ----------
    target
        Output path, or a stream such as ``/dev/stdout``.

    Yields
    ------
    pathlib.Path
        The temporary path to write to.

    Raises
    ------
    UsageError
        If the target cannot or must not be written (:func:`check_writable`).
    OutputError
        If writing fails (disk full, I/O error, a writer's error).
    """
    real = check_writable(target)
    stream = is_stream(target)
    folder = None if stream else real.parent
    handle, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=real.suffix, dir=folder)
    os.close(handle)
    temporary = Path(name)
    temporary.unlink()  # writers such as GDAL refuse to overwrite; they create the file themselves
    _register(temporary)
    try:
        try:
            yield temporary
            if not temporary.is_file():
                raise OutputError(f"{excerpt(str(target))}: the writer produced no file")
            _sync(temporary)
            if stream:
                _stream_into(temporary, target)
            else:
                _keep_mode(temporary, real)
                os.replace(temporary, real)
                _sync_directory(real.parent)
        except (CorridorsError, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # OSError (disk full), GDAL, SQLite and Arrow write errors
            raise OutputError(f"cannot write {excerpt(str(target))}: {_reason(exc)}") from exc
    finally:
        _remove(temporary)


def write_text_atomic(target: str | os.PathLike[str], text: str) -> None:
    """Write text (UTF-8) to ``target`` safely: ``-`` is standard output, see :func:`atomic_path`.

    Parameters
    ----------
    target
        Output path, or ``-``.
    text
        The whole content.

    Raises
    ------
    UsageError, OutputError
        As :func:`atomic_path`.
    """
    if str(target) == STDOUT:
        write_stdout(text)
        return
    with atomic_path(target) as temporary:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)


def write_stdout(text: str) -> None:
    """Write text to standard output and flush, so a failed write (closed, full) surfaces here.

    Parameters
    ----------
    text
        The text to print.

    Raises
    ------
    OutputError
        If standard output is closed.
    """
    import sys

    stream = sys.stdout
    if stream is None:
        raise OutputError("standard output is closed")
    stream.write(text)
    stream.flush()


def to_json(value: Any, **options: Any) -> str:
    """``json.dumps`` that refuses NaN and infinities: every JSON the package writes goes through here.

    Parameters
    ----------
    value
        JSON-serialisable data.
    **options
        Passed to ``json.dumps`` (``indent``, ``ensure_ascii``...).

    Returns
    -------
    str
        The JSON text.

    Raises
    ------
    OutputError
        If ``value`` holds NaN or an infinity (a bug upstream: never written as invalid JSON).
    """
    try:
        return json.dumps(value, allow_nan=False, **options)
    except ValueError as exc:
        raise OutputError(f"refusing to write invalid JSON: {exc}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return excerpt(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)


def _sync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _sync_directory(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened or synced
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _keep_mode(temporary: Path, real: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temporary, stat.S_IMODE(real.stat().st_mode))


def _stream_into(source: Path, target: str | os.PathLike[str]) -> None:
    with source.open("rb") as reader:
        if str(target) == STDOUT:
            import sys

            stream = sys.stdout.buffer if sys.stdout is not None else None
            if stream is None:
                raise OutputError("standard output is closed")
            shutil.copyfileobj(reader, stream)
            stream.flush()
            return
        with open(target, "wb") as writer:  # a device or FIFO: written in place, never renamed over
            shutil.copyfileobj(reader, writer)


# --- temporaries: removed on error, signal and exit ------------------------------------------------


def _register(temporary: Path) -> None:
    with _lock:
        if not _temporaries:
            _install_cleanup()
        _temporaries.add(temporary)


def _remove(temporary: Path) -> None:
    with _lock:
        _temporaries.discard(temporary)
    for path in (temporary, *(Path(f"{temporary}{side}") for side in _SIDE_SUFFIXES)):
        with contextlib.suppress(OSError):
            path.unlink()


def remove_temporaries() -> None:
    """Remove every temporary file still being written (at exit and on SIGINT/SIGTERM)."""
    with _lock:
        pending = list(_temporaries)
    for temporary in pending:
        _remove(temporary)


_installed = False


def _install_cleanup() -> None:
    """Once per process: clean up at exit, and on SIGTERM/SIGINT before the default action."""
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(remove_temporaries)
    if threading.current_thread() is not threading.main_thread():
        return
    for number in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(number)
        if previous in (signal.SIG_IGN, None):
            continue
        signal.signal(number, _on_signal(previous))


def _on_signal(previous: Any) -> Callable[[int, Any], None]:
    def handler(number: int, frame: Any) -> None:
        """Remove the temporary files, then behave as the previous handler would.

        Parameters
        ----------
        number
            The signal number.
        frame
            The current stack frame.
        """
        remove_temporaries()
        if callable(previous):
            previous(number, frame)  # SIGINT: KeyboardInterrupt, as before
            return
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)

    return handler
