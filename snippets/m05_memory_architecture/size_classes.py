# test: output=per-python
"""Which pymalloc blocks common objects really occupy, on this Python version.

Make many objects of one kind and see which block sizes' "blocks in use" grew by one (or more)
per object. That is the memory pymalloc handed out, header and rounding included: often more
than ``sys.getsizeof`` reports, because ``getsizeof`` leaves out separately allocated parts such
as an instance's attribute storage. The layouts change between versions (instance attributes
moved from a separate dict to inline storage over 3.11-3.13), which is why this output is
captured per Python version.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import count

from pymalloc_stats import PymallocUnavailable, malloc_stats


class Point:
    def __init__(self, x: object, y: object) -> None:
        self.x = x
        self.y = y


class SlotPoint:
    __slots__ = ("x", "y")

    def __init__(self, x: object, y: object) -> None:
        self.x = x
        self.y = y


# --8<-- [start:probe]
def blocks_for(make: Callable[[], object], count: int = 10_000) -> list[int]:
    """Block sizes (bytes) one object from ``make()`` occupies; [] if none came from pymalloc."""
    before = malloc_stats().blocks_in_use
    objects = [make() for _ in range(count)]
    after = malloc_stats().blocks_in_use
    sizes = []
    for size in sorted(after):
        per_object = round((after[size] - before.get(size, 0)) / count)
        sizes += [size] * max(0, per_object)
    del objects
    return sizes
    # --8<-- [end:probe]


def examples() -> dict[str, Callable[[], object]]:
    numbers = count(1000)  # fresh numbers, so that no object is a shared constant
    shared = None  # the same item everywhere: only the containers are new
    return {
        "object()": object,
        "float": lambda: next(numbers) / 3,
        "str, 10 ASCII characters": lambda: f"{next(numbers):010d}",
        "tuple of 2": lambda: (shared, shared),
        "list of 1": lambda: [shared],
        "dict of 1": lambda: {"key": shared},
        "instance, 2 attributes": lambda: Point(shared, shared),
        "instance with __slots__": lambda: SlotPoint(shared, shared),
        "bytes, 1000": lambda: bytes(1000),
    }


if __name__ == "__main__":
    # --8<-- [start:demo]
    try:
        malloc_stats()
    except PymallocUnavailable as exc:
        raise SystemExit(str(exc)) from None
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
    print(f"{'object':26} {'getsizeof':>9}  pymalloc blocks")
    for label, make in examples().items():
        blocks = blocks_for(make)
        shown = " + ".join(map(str, blocks)) + f" = {sum(blocks)}" if blocks else "none (malloc)"
        print(f"{label:26} {sys.getsizeof(make()):>9}  {shown}")
    # --8<-- [end:demo]
