# test: pythons
"""memory_profiler: the process's memory (RSS) line by line, and what to read from it.

``@profile`` samples the resident set size after every line of the decorated function and
prints a table. The numbers vary from run to run (they are the whole process's memory, as the
operating system reports it), so this example prints facts derived from the table rather than
the table itself.
"""

from __future__ import annotations

import io
import linecache
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from memory_profiler import LineProfiler, profile

T = TypeVar("T")


# --8<-- [start:workload]
def build_export(rows: int) -> int:
    names = list(map("customer-{:06d}".format, range(rows)))  # many small objects
    export = "\n".join(names).encode() * 16  # one big buffer
    size = len(export)
    del export  # freed: whether RSS drops depends on the allocator
    return size + len(names)
    # --8<-- [end:workload]


# --8<-- [start:tracer]
def _untraced(call: Callable[..., T], *args: object) -> T:
    sys.settrace(None)  # this thread only: every other thread keeps its trace function
    return call(*args)  # pragma: no cover - runs untraced by design: coverage.py cannot see it


def run_alone(call: Callable[..., T], *args: object) -> T:
    """``call(*args)`` in a thread of its own, with no trace function installed there.

    memory_profiler traces lines with sys.settrace (which is per thread) and passes every event
    on to the trace function that was installed before it. A debugger or coverage.py, handed
    such an event, re-installs itself and evicts memory_profiler, which then records nothing.
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_untraced, call, *args).result()
        # --8<-- [end:tracer]


# --8<-- [start:lines]
def line_increments(func: Callable[..., object], *args: object) -> dict[int, tuple[float, int]]:
    """Run ``func(*args)`` under memory_profiler: {line number: (MiB increment, times run)}."""
    profiler = LineProfiler()
    run_alone(profiler(func), *args)  # plain profiler(func)(*args) outside debuggers and coverage
    (_, lines), *_ = profiler.code_map.items()  # one function profiled: one entry
    increments = {lineno: (measure[0], measure[2]) for lineno, measure in lines if measure}
    # The "def" line's increment is the process's whole memory at the call: not this function's.
    increments.pop(func.__code__.co_firstlineno, None)
    return increments


def biggest_line(func: Callable[..., object], *args: object) -> str:
    """The source line whose execution grew the process's memory the most."""
    increments = line_increments(func, *args)
    lineno = max(increments, key=lambda n: increments[n][0])
    return linecache.getline(func.__code__.co_filename, lineno).strip()
    # --8<-- [end:lines]


if __name__ == "__main__":
    # --8<-- [start:decorator]
    # What you would normally write: @profile above the function, the table on stdout.
    table = io.StringIO()
    profiled = profile(build_export, stream=table)  # the same as decorating it
    run_alone(profiled, 200_000)  # or just profiled(200_000): see run_alone() below
    header = next(line for line in table.getvalue().splitlines() if line.startswith("Line #"))
    print(re.split(r"\s{2,}", header.strip()))
    #> ['Line #', 'Mem usage', 'Increment', 'Occurrences', 'Line Contents']
    # --8<-- [end:decorator]

    # --8<-- [start:facts]
    print("grew memory most:", biggest_line(build_export, 200_000))
    #> grew memory most: export = "\n".join(names).encode() * 16  # one big buffer
    # --8<-- [end:facts]
