"""The C allocator's trade of memory for speed, for processes that allocate large short-lived
buffers over and over (a training step's activations)."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_MAX = 32 << 20
"""glibc's ceiling for M_MMAP_THRESHOLD on 64-bit systems (larger values are refused)."""


def keep_freed_memory(megabytes: int) -> bool:
    """Asks glibc's malloc to serve blocks up to ``megabytes`` MiB (at most 32) from its heap
    instead of fresh ``mmap`` calls, and to keep up to ``megabytes`` MiB of freed memory instead
    of returning it to the system, so repeated large allocations stop faulting pages in anew.

    Process-wide and lasting. Returns whether it applied: False off Linux or without glibc.
    """
    if not 1 <= megabytes <= 2047:
        raise ValueError(f"megabytes must be in 1..2047 (a C int of bytes), got {megabytes}")
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    size = megabytes << 20
    trimmed = mallopt(_M_TRIM_THRESHOLD, ctypes.c_int(size))
    mapped = mallopt(_M_MMAP_THRESHOLD, ctypes.c_int(min(size, _MMAP_THRESHOLD_MAX)))
    return bool(trimmed) and bool(mapped)
