"""Freed memory kept for reuse while lines are analysed, where the C library is glibc.

Why: the crossings engine allocates and frees about 100 MB of numpy temporaries per chunk of lines.
glibc hands freed memory at the top of its heap back to the kernel as soon as more than its trim
threshold (at most 64 MiB) is free, and the kernel gives zeroed pages again on the next allocation:
at 10 000 routes that was 120 000 page faults and 0.2 s of system time, a fifth of the analysis.
While :func:`freed_memory_kept` is active, up to :data:`KEPT_BYTES` of freed memory stays in the
process for the next chunk; when the last user leaves, glibc's own ceilings are restored and the
free memory is given back (``malloc_trim``), so nothing is held after the analysis. Elsewhere than
glibc (macOS, Windows, musl) it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import platform
import threading
from collections.abc import Iterator
from functools import cache

#: Free memory glibc may keep at the top of its heap while an analysis runs.
KEPT_BYTES = 128 * 1024 * 1024
# mallopt(3): parameter numbers, and the ceilings glibc's own dynamic thresholds reach on 64-bit.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024
_TRIM_THRESHOLD_AFTER = 2 * _MMAP_THRESHOLD_MAX

_lock = threading.Lock()
_users = 0


@cache
def _glibc() -> ctypes.CDLL | None:
    """The running glibc, or None on any other C library."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


@contextlib.contextmanager
def freed_memory_kept() -> Iterator[None]:
    """Keep up to :data:`KEPT_BYTES` of freed memory in the process while the block runs.

    Nested and concurrent uses (threads of one process) share one setting; the last to leave
    restores glibc's thresholds and returns the free memory to the system.

    Yields
    ------
    None
    """
    global _users
    libc = _glibc()
    if libc is None:
        yield
        return
    with _lock:
        if _users == 0:
            libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
            libc.mallopt(_M_TRIM_THRESHOLD, KEPT_BYTES)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_AFTER)
                libc.malloc_trim(0)
