"""Atomic output: a file appears complete or not at all, never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import UsageError


def check_writable(target: str | os.PathLike[str]) -> Path:
    """Fail early, before any work, if ``target`` cannot be written; returns its directory.

    Raises
    ------
    UsageError
        If the target's directory does not exist or is not writable, or the target is a directory.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{target}: directory {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{target}: directory {folder} is not writable")
    if target.is_dir():
        raise UsageError(f"{target}: is a directory")
    return folder


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it over ``target`` only if the block succeeds.

    Writers that need a file name (GDAL drivers, folium) write to the yielded path. On any error the
    temporary file is removed and ``target`` is left as it was. The target is checked first
    with :func:`check_writable`.

    Raises
    ------
    UsageError
        If the target's directory does not exist or is not writable.
    """
    target = Path(target)
    folder = check_writable(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=folder)
    os.close(handle)
    temporary = Path(name)
    temporary.unlink()  # writers such as GDAL refuse to overwrite; they create the file themselves
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(target: str | os.PathLike[str], text: str) -> None:
    """Write text to ``target`` atomically (UTF-8)."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
