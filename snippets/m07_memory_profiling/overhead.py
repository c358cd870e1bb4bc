"""What each memory tool costs: the same allocation-heavy function, bare and under each tool.

tracemalloc (1 frame and 25 frames per allocation), memray and memory_profiler's line-by-line
mode each slow the program down by a different factor; tracemalloc also needs memory of its
own for every live block it traces. ``measure()`` produced the page's figures.
"""

from __future__ import annotations

import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from line_profile import run_alone
from memory_profiler import LineProfiler

from coursecode.measure import best_of_interleaved


# --8<-- [start:workload]
def workload(records: int) -> int:
    """Allocation-heavy pure Python, like handling requests: build records, index them."""
    index: dict[str, list[dict[str, object]]] = {}
    for n in range(records):
        record = {"id": n, "name": f"customer-{n % 5000}", "tags": [n % 7, n % 11]}
        index.setdefault(record["name"], []).append(record)
    return len(index)
    # --8<-- [end:workload]


# --8<-- [start:tools]
def under_tracemalloc(frames: int, run: Callable[[], int]) -> int:
    tracemalloc.start(frames)
    try:
        return run()
    finally:
        tracemalloc.stop()


def under_memray(run: Callable[[], int]) -> int:
    import memray  # Linux and macOS only

    with tempfile.TemporaryDirectory() as folder, memray.Tracker(Path(folder) / "run.bin"):
        return run()


def under_memory_profiler(records: int) -> int:
    # What @profile does, minus the table; run_alone keeps coverage.py from evicting it.
    return run_alone(LineProfiler()(workload), records)
    # --8<-- [end:tools]


def bookkeeping_ratio(records: int) -> float:
    """tracemalloc's own memory for its traces, per byte of traced memory kept alive."""
    tracemalloc.start(1)
    try:
        kept = build_records(records)
        traced, _ = tracemalloc.get_traced_memory()
        own = tracemalloc.get_tracemalloc_memory()
    finally:
        tracemalloc.stop()
    del kept
    return own / traced


def build_records(records: int) -> list[dict[str, object]]:
    return [{"id": n, "name": f"customer-{n}", "tags": [n % 7, n % 11]} for n in range(records)]


# memory_profiler's line-by-line mode is slow enough to set these sizes.
RECORDS = {"test": 4_000, "bench": 50_000}


def measure(size: str) -> dict[str, float]:
    records = RECORDS[size]
    runs = {
        "plain": lambda: workload(records),
        "tracemalloc": lambda: under_tracemalloc(1, lambda: workload(records)),
        "tracemalloc_25_frames": lambda: under_tracemalloc(25, lambda: workload(records)),
        "memory_profiler": lambda: under_memory_profiler(records),
    }
    if sys.platform != "win32":  # pragma: no branch - memray has no Windows build; CI is Linux
        runs["memray"] = lambda: under_memray(lambda: workload(records))
    best = best_of_interleaved(runs)
    figures = {f"{name}_s": seconds for name, seconds in best.items()}
    figures |= {
        f"{name}_slowdown_x": seconds / best["plain"]
        for name, seconds in best.items()
        if name != "plain"
    }
    figures["tracemalloc_bookkeeping_pct"] = 100 * bookkeeping_ratio(records)
    figures["records_n"] = records
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    expected = workload(2_000)
    results = {
        under_tracemalloc(1, lambda: workload(2_000)),
        under_tracemalloc(25, lambda: workload(2_000)),
        under_memray(lambda: workload(2_000)),
        under_memory_profiler(2_000),
    }
    print(results == {expected}, tracemalloc.is_tracing())
    #> True False
    # --8<-- [end:demo]
