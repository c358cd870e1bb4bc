"""The collector's generations and thresholds on this interpreter, and what triggers a collection.

The output differs by version (the defaults and the trigger changed), so the test suite captures
it per Python instead of checking ``#>`` comments.
"""
# test: output=per-python

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from itertools import repeat

from coursecode.gcwatch import GcWatch


class Session:
    """Any instance of a Python class is a container the collector tracks."""


def generation_of(obj: object) -> int | None:
    """The generation holding ``obj``; None if the collector does not see it (untracked, frozen)."""
    for generation in range(len(gc.get_count())):
        if any(candidate is obj for candidate in gc.get_objects(generation=generation)):
            return generation
    return None


def build_in_python(n: int) -> list[list[object]]:
    return [[] for _ in range(n)]  # bytecode: the interpreter checks for pending work all along


def build_in_c(n: int) -> list[list[object]]:
    return list(map(list, repeat((), n)))  # one C call creates all n lists


def collections_while(build: Callable[[int], list[list[object]]], n: int) -> int:
    """Collections that ran while ``build`` made ``n`` new lists."""
    gc.collect()
    with GcWatch() as stats:
        kept = build(n)
    del kept  # alive until here, so every list counted as a net new container
    return stats.total


def describe(collections: int, n: int, threshold0: int) -> str:
    expected = n / threshold0
    if collections <= 2:
        return f"{collections} (the collection waited until the call had returned)"
    return f"about n / threshold0 ({collections / expected:.1f} x {expected:.0f})"


if __name__ == "__main__":
    # --8<-- [start:settings]
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
    print("gc.get_threshold():", gc.get_threshold())
    print("generations:", len(gc.get_count()))
    # --8<-- [end:settings]

    # --8<-- [start:promotion]
    gc.collect()  # start from a clean young generation
    session = Session()
    print("new object in generation", generation_of(session))
    gc.collect(0)  # survivors of a young collection move up one generation
    print("after gc.collect(0):", generation_of(session))
    gc.collect(1)
    print("after gc.collect(1):", generation_of(session))
    gc.freeze()  # everything tracked moves to the permanent generation
    print("after gc.freeze():", generation_of(session), "| frozen:", gc.get_freeze_count() > 0)
    gc.unfreeze()  # back into the oldest generation
    print("after gc.unfreeze():", generation_of(session))
    # --8<-- [end:promotion]

    # --8<-- [start:trigger]
    n, threshold0 = 100_000, gc.get_threshold()[0]
    print(f"{n:,} new lists kept, threshold0 = {threshold0}: collections that ran while building")
    for label, build in (("python loop", build_in_python), ("one C call", build_in_c)):
        print(f"  {label}: {describe(collections_while(build, n), n, threshold0)}")
    # --8<-- [end:trigger]
