"""Python's cyclic garbage collector (and the memory it frees), tuned in one place.

A run makes millions of small objects (rows, dates, findings) and holds no reference
cycles worth collecting in between, so the collector's default rhythm (a pass every 700
net allocations of container objects, rescanning everything alive) is pure cost:

- `tune()` (the CLI, at start): passes a few hundred times less often (about 0.4 s of a
  35,000-staff run), and large blocks always mapped on their own (`MMAP_THRESHOLD`);
- `paused()` (loading): no pass at all while the exports are read;
- `freeze()` (after loading): the loaded data is moved out of the collector's sight, so
  later passes do not rescan it (3,000 staff x 1 year: integrity checks 1.2 s -> 0.3 s);
- `release()` (after loading, after each rule): freed memory goes back to the system.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (200_000, 30, 30)

MMAP_THRESHOLD = 1 << 20
"""Blocks of this size and more (a chunk's columns, the rules' arrays) get pages of their
own from glibc, given back as soon as they are freed. glibc's default starts at 128 KiB
but raises itself to the size of each large block freed, up to 32 MiB, so that a load's
chunk-sized temporaries end up in the heap, interleaved with the ids kept, and their
pages cannot be given back: five years of a national export then peaked 380 MB higher
over a twelve-month period (2,647 MB against 2,265 MB, for about 1 s more)."""

_M_MMAP_THRESHOLD = -3  # (glibc's malloc.h)


def tune() -> None:
    gc.set_threshold(*THRESHOLDS)
    if _LIBC is not None:
        _LIBC.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze() -> None:
    gc.freeze()


def _glibc() -> ctypes.CDLL | None:
    """The C library, when it is glibc (with `malloc_trim` and `mallopt`); None elsewhere
    (macOS, musl, Windows)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except (OSError, TypeError):
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_LIBC = _glibc()


def release() -> None:
    """Give the pages of freed memory back to the system. glibc keeps them for the
    process to reuse, so its size never falls: after loading five years of a national
    export that is 0.4 GB, and the temporaries of each rule add to it (measured with
    and without: 0.2 to 0.4 GB less at the peak). Nothing to do where malloc is not
    glibc's."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
