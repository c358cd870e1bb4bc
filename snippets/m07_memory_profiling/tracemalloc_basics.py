# test: pythons
"""tracemalloc: snapshots, their difference, filters, tracebacks and the peak.

tracemalloc records every block Python's allocators hand out, with the stack that asked for it.
Two snapshots taken around a piece of work, compared line by line, say which lines of code
allocated the memory that is still alive.
"""

from __future__ import annotations

import linecache
import tempfile
import tracemalloc
from pathlib import Path


# --8<-- [start:workload]
def build_index(rows: int) -> dict[str, list[int]]:
    """Order ids grouped by customer: the memory we want to account for."""
    index: dict[str, list[int]] = {}
    for order_id in range(rows):
        customer = f"customer-{order_id % 1000:04d}"
        index.setdefault(customer, []).append(order_id * 1000)
    return index


def load_orders() -> dict[str, list[int]]:
    return build_index(50_000)
    # --8<-- [end:workload]


# --8<-- [start:helpers]
# tracemalloc's own bookkeeping and the import system are noise in a comparison.
NOISE = (
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
    tracemalloc.Filter(False, "<unknown>"),
)


def source(frame: tracemalloc.Frame) -> str:
    """``file.py: the line of code`` for one frame of an allocation's traceback."""
    line = linecache.getline(frame.filename, frame.lineno).strip()
    return f"{Path(frame.filename).name}: {line}"
    # --8<-- [end:helpers]


if __name__ == "__main__":
    # --8<-- [start:snapshots]
    tracemalloc.start(10)  # keep up to 10 frames per allocation (the default is 1)
    before = tracemalloc.take_snapshot()
    orders = load_orders()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()  # snapshots stay usable; analysing them untraced is much faster

    # What is still alive and was not before, grouped by the line that allocated it.
    before, after = before.filter_traces(NOISE), after.filter_traces(NOISE)
    growth = after.compare_to(before, "lineno")
    for stat in growth[:2]:
        print(source(stat.traceback[0]))
        #> tracemalloc_basics.py: index.setdefault(customer, []).append(order_id * 1000)
        #> tracemalloc_basics.py: customer = f"customer-{order_id % 1000:04d}"
    top = growth[0]
    print(f"over 1 MiB: {top.size_diff > 2**20}, a block per order: {top.count_diff >= 50_000}")
    #> over 1 MiB: True, a block per order: True
    # --8<-- [end:snapshots]

    # --8<-- [start:traceback]
    # Grouped by the whole stack instead: which caller led to the allocation.
    by_stack = after.compare_to(before, "traceback")
    here = [frame for frame in by_stack[0].traceback if frame.filename == __file__]
    for frame in here:  # oldest call first
        print(source(frame))
        #> tracemalloc_basics.py: orders = load_orders()
        #> tracemalloc_basics.py: return build_index(50_000)
        #> tracemalloc_basics.py: index.setdefault(customer, []).append(order_id * 1000)
    # --8<-- [end:traceback]

    # --8<-- [start:filters]
    # Keep only allocations made by code in one file (or folder: a "*" pattern works too).
    mine = after.filter_traces([tracemalloc.Filter(True, __file__)])
    share = sum(s.size for s in mine.statistics("filename")) / sum(s.size for s in growth)
    print(f"this file's share of the traced memory is over 90%: {share > 0.9}")
    #> this file's share of the traced memory is over 90%: True
    # --8<-- [end:filters]

    # --8<-- [start:peak]
    # The peak: a temporary list is freed again, but it set the high-water mark.
    tracemalloc.start()
    warm_up = [str(n) for n in range(500_000)]  # a bigger peak earlier on...
    del warm_up
    tracemalloc.reset_peak()  # ...forgotten: measure the next step's peak alone (3.9+)
    start, _ = tracemalloc.get_traced_memory()
    longest = max(len(s) for s in [str(n) * 10 for n in range(100_000)])
    current, peak = tracemalloc.get_traced_memory()
    print(f"kept {current - start < 2**20}, peak above 5 MiB {peak - start > 5 * 2**20}")
    #> kept True, peak above 5 MiB True
    tracemalloc.stop()  # frees the traces
    # --8<-- [end:peak]

    # --8<-- [start:dump]
    # In production: dump snapshots from the running process, compare them offline.
    with tempfile.TemporaryDirectory() as folder:
        after.dump(f"{folder}/after.snapshot")
        reloaded = tracemalloc.Snapshot.load(f"{folder}/after.snapshot")
    print(len(reloaded.traces) == len(after.traces))
    #> True
    # --8<-- [end:dump]
