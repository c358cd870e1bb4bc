"""Turning the collector off, or down, for an allocation-heavy job: time saved, memory paid.

The job imports records. Each record is parsed into a small tree whose children point back at
their parent (a reference cycle, as in most parsers, ORMs and DOMs); a compact summary of the
record is kept and the tree is thrown away. Three settings run the same job:

* ``default``: the interpreter's own thresholds (they differ by version: see generations.py);
* ``raised``: ``threshold0`` ten times the default, so young collections run ten times less often;
* ``disabled``: the collector paused (``gc.disable()``) for the job, one ``gc.collect()`` after it.

Every timed run ends with a ``gc.collect()``, so each leaves the same clean heap and the disabled
run pays for freeing what it left behind. Times are the fastest of a few runs; peak memory comes
from separate runs under ``tracemalloc`` (which slows the code down, so it is never timed).
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from coursecode.gcwatch import GcWatch, collector_paused
from coursecode.measure import best_of_interleaved


# --8<-- [start:workload]
class Node:
    def __init__(self, name: object, parent: Node | None = None) -> None:
        self.name = name
        self.parent = parent  # back-pointer: every tree is a reference cycle
        self.children: list[Node] = []
        if parent is not None:
            parent.children.append(self)


class Summary:
    __slots__ = ("fields", "record_id", "tags")

    def __init__(self, record_id: int, fields: int, tags: list[object]) -> None:
        self.record_id = record_id
        self.fields = fields
        self.tags = tags


def import_record(record_id: int) -> Summary:
    root = Node(f"record-{record_id}")
    for name in ("id", "name", "price"):
        Node(name, root)
    # The tree is garbage once this returns; only its summary survives.
    return Summary(record_id, len(root.children), [child.name for child in root.children])


def import_records(count: int) -> list[Summary]:
    return [import_record(i) for i in range(count)]
    # --8<-- [end:workload]


# --8<-- [start:settings]
@contextmanager
def gc_setting(name: str) -> Iterator[None]:
    """Apply one collector setting for a block; always restore the interpreter's own."""
    previous = gc.get_threshold()
    gc.collect()  # every variant starts from the same clean heap
    if name == "disabled":
        with collector_paused():
            yield
        return
    if name == "raised":
        gc.set_threshold(previous[0] * 10, *previous[1:])
    elif name != "default":
        raise ValueError(f"unknown setting {name!r}")
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        # --8<-- [end:settings]


SETTINGS = ("default", "raised", "disabled")


def run(name: str, count: int) -> Callable[[], None]:
    def job() -> None:
        with gc_setting(name):
            kept = import_records(count)
        del kept
        gc.collect()  # same clean heap after every run; the disabled run frees its cycles here

    return job


def peak_mib(name: str, count: int) -> float:
    tracemalloc.start()
    try:
        with gc_setting(name):
            kept = import_records(count)
            peak = tracemalloc.get_traced_memory()[1]
        del kept
    finally:
        tracemalloc.stop()
    gc.collect()
    return peak / 2**20


def collections(name: str, count: int) -> int:
    """Automatic collections during the job (gc_setting's clean start is not counted)."""
    with gc_setting(name), GcWatch() as stats:
        kept = import_records(count)
    del kept
    gc.collect()
    return stats.total


RECORDS = {"test": 50_000, "bench": 200_000}


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    count = RECORDS[size]
    best = best_of_interleaved({name: run(name, count) for name in SETTINGS})
    peaks = {name: peak_mib(name, count) for name in SETTINGS}
    return {
        "records_n": count,
        **{f"{name}_s": best[name] for name in SETTINGS},
        **{f"{name}_peak_mib": peaks[name] for name in SETTINGS},
        "default_collections_n": collections("default", count),
        "raised_collections_n": collections("raised", count),
        "raised_speedup_x": best["default"] / best["raised"],
        "disabled_speedup_x": best["default"] / best["disabled"],
        "disabled_peak_x": peaks["disabled"] / peaks["default"],
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    count = 10_000
    for name in SETTINGS:
        with gc_setting(name):
            summaries = import_records(count)
        print(f"{name}: {len(summaries):,} summaries, last tags {summaries[-1].tags}")
        #> default: 10,000 summaries, last tags ['id', 'name', 'price']
        #> raised: 10,000 summaries, last tags ['id', 'name', 'price']
        #> disabled: 10,000 summaries, last tags ['id', 'name', 'price']
    default, raised = collections("default", count), collections("raised", count)
    print("raised threshold0 runs fewer collections:", raised < default / 5)
    #> raised threshold0 runs fewer collections: True
    print("collections while disabled:", collections("disabled", count))
    #> collections while disabled: 0
    disabled_peak, default_peak = peak_mib("disabled", count), peak_mib("default", count)
    print("disabled peak > 2x default peak:", disabled_peak > 2 * default_peak)
    #> disabled peak > 2x default peak: True
    # --8<-- [end:demo]
