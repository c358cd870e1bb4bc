# test: pythons
"""pymalloc's layout, read from the interpreter itself with ``sys._debugmallocstats()``.

pymalloc serves requests of up to 512 bytes from *blocks*, rounded up to a multiple of 16 bytes
on 64-bit platforms (8 on 32-bit). Blocks of one size are carved out of a *pool*; pools are
carved out of an *arena* that pymalloc gets from the operating system (``mmap`` on Linux and
macOS, ``VirtualAlloc`` on Windows). Anything larger goes to the C library's ``malloc``.

``sys._debugmallocstats()`` is CPython-specific and prints its report to the C-level stderr
(file descriptor 2), not to ``sys.stderr``, so this module captures the descriptor and parses
the report into numbers instead of showing the raw text.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass


# --8<-- [start:capture]
def debug_malloc_report() -> str:
    """The text ``sys._debugmallocstats()`` writes to file descriptor 2."""
    sys.stderr.flush()
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        try:
            os.dup2(sink.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        return sink.read().decode("utf-8", "replace")
        # --8<-- [end:capture]


# --8<-- [start:parse]
@dataclass(frozen=True)
class MallocStats:
    threshold: int  # largest request pymalloc serves, in bytes
    size_classes: int  # block sizes it keeps pools for
    pool_size: int  # bytes
    arena_size: int  # bytes
    arenas: int  # arenas allocated right now
    blocks_in_use: dict[int, int]  # block size -> blocks handed out

    @property
    def alignment(self) -> int:
        """Spacing between block sizes (16 bytes on 64-bit platforms since Python 3.8)."""
        return self.threshold // self.size_classes


HEADER = re.compile(r"Small block threshold = (\d+), in (\d+) size classes")
ROW = re.compile(r"^\s*\d+\s+(\d+)\s+\d+\s+(\d+)\s+\d+\s*$", re.MULTILINE)
ARENAS = re.compile(r"^(\d+) arenas \* (\d+) bytes/arena", re.MULTILINE)
POOLS = re.compile(r"^\d+ unused pools \* (\d+) bytes", re.MULTILINE)


class PymallocUnavailable(RuntimeError):
    """pymalloc is off: ``PYTHONMALLOC=malloc``, or a free-threaded build (which uses mimalloc)."""


def parse(report: str) -> MallocStats | None:
    """Numbers from a ``_debugmallocstats`` report; None if it has no pymalloc section."""
    header, arenas, pools = HEADER.search(report), ARENAS.search(report), POOLS.search(report)
    if header is None or arenas is None or pools is None:
        return None
    return MallocStats(
        threshold=int(header[1]),
        size_classes=int(header[2]),
        pool_size=int(pools[1]),
        arena_size=int(arenas[2]),
        arenas=int(arenas[1]),
        blocks_in_use={int(size): int(used) for size, used in ROW.findall(report)},
    )


def malloc_stats() -> MallocStats:
    stats = parse(debug_malloc_report())
    if stats is None:
        raise PymallocUnavailable("pymalloc is not in use in this interpreter")
    return stats
    # --8<-- [end:parse]


# --8<-- [start:classes]
def block_size(request: int, stats: MallocStats) -> int | None:
    """The block pymalloc hands out for a request of ``request`` bytes; None: the C malloc."""
    if request > stats.threshold:
        return None
    return max(1, -(-request // stats.alignment)) * stats.alignment  # round up


def new_blocks_per_object(make: Callable[[], object], count: int = 10_000) -> float:
    """pymalloc blocks that each of ``count`` objects from ``make()`` keeps in use.

    Counted from the pools, not with ``sys.getallocatedblocks()``: that one also counts the
    requests pymalloc passed on to ``malloc``.
    """
    before = sum(malloc_stats().blocks_in_use.values())
    objects = [make() for _ in range(count)]
    grown = sum(malloc_stats().blocks_in_use.values()) - before
    del objects
    return grown / count
    # --8<-- [end:classes]


if __name__ == "__main__":
    # --8<-- [start:demo]
    try:
        stats = malloc_stats()
    except PymallocUnavailable as exc:
        raise SystemExit(str(exc)) from None
    print(f"threshold {stats.threshold} B, {stats.size_classes} classes {stats.alignment} B apart")
    #> threshold 512 B, 32 classes 16 B apart
    print(f"pool {stats.pool_size // 1024} KiB, arena {stats.arena_size // 1024} KiB")
    #> pool 16 KiB, arena 1024 KiB
    print({n: block_size(n, stats) for n in (1, 16, 17, 100, 512, 513)})
    #> {1: 16, 16: 16, 17: 32, 100: 112, 512: 512, 513: None}
    # A bytes object is 33 bytes of header plus its data: 100 bytes of data is a small request,
    # 1000 bytes is not. Only the small ones add pymalloc blocks:
    print(round(new_blocks_per_object(lambda: bytes(100))))
    #> 1
    print(round(new_blocks_per_object(lambda: bytes(1000))))
    #> 0
    # --8<-- [end:demo]
