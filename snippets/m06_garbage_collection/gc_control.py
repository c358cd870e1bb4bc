"""The ``gc`` module's controls, each with what it is for in practice.

``collect`` and ``get_count`` to see and drive collections, ``get_referrers`` and ``garbage``
(with ``DEBUG_SAVEALL``) to debug a leak, ``callbacks`` to monitor pauses, ``disable`` and
``set_threshold`` to trade memory for time (measured in ``gc_tradeoff.py``), ``freeze`` before
``fork`` (measured in ``freeze_fork.py``).
"""
# test: pythons

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from coursecode.gcwatch import GcWatch, collector_paused


class Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.links: list[Node] = []


# --8<-- [start:count]
def young_count_growth(new_containers: int) -> int:
    """How much generation 0's counter grows when ``new_containers`` lists are kept."""
    with collector_paused():
        gc.collect()
        before = gc.get_count()[0]
        kept = [[] for _ in range(new_containers)]
        grown = gc.get_count()[0] - before
        del kept
    return grown
    # --8<-- [end:count]


# --8<-- [start:referrers]
def holders(obj: object, containers: Mapping[str, object]) -> list[str]:
    """Which of the named containers hold a direct reference to ``obj``."""
    referrers = gc.get_referrers(obj)  # scans every tracked object: for debugging, not hot paths
    return [name for name, c in containers.items() if any(r is c for r in referrers)]
    # --8<-- [end:referrers]


# --8<-- [start:saveall]
def saved_by_debug_saveall() -> list[str]:
    """Names of the Nodes a collection found unreachable, kept in gc.garbage for inspection."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds instead of freeing it
    try:
        with collector_paused():
            a, b = Node("a"), Node("b")
            a.links.append(b)
            b.links.append(a)
            del a, b
            gc.collect()
        return sorted(obj.name for obj in gc.garbage if isinstance(obj, Node))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()  # drop them for real
    # --8<-- [end:saveall]


# --8<-- [start:thresholds]
@contextmanager
def thresholds(threshold0: int) -> Iterator[None]:
    """Run a block with another young-generation threshold, then restore the previous ones."""
    previous = gc.get_threshold()
    gc.set_threshold(threshold0, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        # --8<-- [end:thresholds]


def collections_for(new_containers: int, threshold0: int) -> int:
    gc.collect()
    with thresholds(threshold0), GcWatch() as stats:
        kept = [[] for _ in range(new_containers)]
        del kept
    return stats.total


if __name__ == "__main__":
    # --8<-- [start:demo]
    print("automatic collection on:", gc.isenabled())
    #> automatic collection on: True
    print("young counter grew by about 1000:", 1000 <= young_count_growth(1000) <= 1010)
    #> young counter grew by about 1000: True

    # Who keeps this object alive?
    item = Node("kept")
    registry, listeners, unrelated = {"k": item}, [item], [Node("other")]
    print(holders(item, {"registry": registry, "listeners": listeners, "unrelated": unrelated}))
    #> ['registry', 'listeners']

    print("unreachable nodes saved in gc.garbage:", saved_by_debug_saveall())
    #> unreachable nodes saved in gc.garbage: ['a', 'b']

    # gc.callbacks (here through GcWatch): each collection, what it freed and how long it took.
    with GcWatch() as stats:
        cycle = Node("c")
        cycle.links.append(cycle)
        del cycle
        gc.collect()
    print("full collections:", stats.collections[2], "| freed at least one:", stats.collected >= 1)
    #> full collections: 1 | freed at least one: True

    # The young-generation threshold sets how often collections run: 10x higher, about 10x fewer.
    low, high = collections_for(50_000, 500), collections_for(50_000, 5000)
    print("collections with threshold0 500 vs 5000, ratio > 5:", low / max(high, 1) > 5)
    #> collections with threshold0 500 vs 5000, ratio > 5: True
    print("per-generation totals since start:", sorted(gc.get_stats()[0]))
    #> per-generation totals since start: ['collected', 'collections', 'uncollectable']
    # --8<-- [end:demo]
