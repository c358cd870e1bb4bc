# test: output=per-python
"""What one record costs, as a dict, a tuple, a class, a class with ``__slots__``, a dataclass...

Measured with tracemalloc on the running interpreter, per instance, with the field values shared
by every instance (so only the record itself is counted). The answer depends on the Python
version: 3.11 stopped creating a per-instance ``__dict__`` until someone asks for it, and 3.13
stores the attribute values inside the object itself. ``__slots__`` therefore saves far less on
3.11+ than on 3.10, and one layout (``__slots__`` in a base class, a ``__dict__`` in a subclass)
costs several times more on the 3.13 release we captured than on 3.12 (cpython issue #135385,
reported on 3.13 releases; a fixed patch release would print less).
"""

from __future__ import annotations

import sys
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass

from coursecode.measure import best_of
from coursecode.tracemem import traced


# --8<-- [start:classes]
class Plain:
    def __init__(self, x: float, y: float, z: float) -> None:
        self.x, self.y, self.z = x, y, z


class Slotted:
    __slots__ = ("x", "y", "z")

    def __init__(self, x: float, y: float, z: float) -> None:
        self.x, self.y, self.z = x, y, z


@dataclass
class Data:
    x: float
    y: float
    z: float


@dataclass(slots=True)  # Python 3.10+: the dataclass generates __slots__ for its fields
class SlottedData:
    x: float
    y: float
    z: float


PointTuple = namedtuple("PointTuple", "x y z")


class SlottedBase:
    __slots__ = ("x", "y")


class DictOnSlots(SlottedBase):  # no __slots__ of its own, so instances get a __dict__ too
    def __init__(self, x: float, y: float, z: float) -> None:
        self.x, self.y, self.z = x, y, z
        # --8<-- [end:classes]


def with_dict_read(x: float, y: float, z: float) -> Plain:
    """A Plain instance whose ``__dict__`` has been asked for (as vars(), pickle, copy do)."""
    obj = Plain(x, y, z)
    obj.__dict__  # noqa: B018 - the attribute access is the point: it materialises the dict
    return obj


# --8<-- [start:measure_one]
MAKERS: dict[str, Callable[[float, float, float], object]] = {
    "dict": lambda x, y, z: {"x": x, "y": y, "z": z},
    "tuple": lambda x, y, z: (x, y, z),
    "namedtuple": PointTuple,
    "class": Plain,
    "class, __dict__ read": with_dict_read,
    "@dataclass": Data,
    "class, __slots__": Slotted,
    "@dataclass(slots=True)": SlottedData,
    "slots base + __dict__": DictOnSlots,
}


def bytes_per_instance(make: Callable[[float, float, float], object], n: int) -> float:
    """Memory that n instances hold, per instance. The values are shared: only records count."""
    value = 1.5

    def build() -> list[object]:
        return [make(value, value, value) for _ in range(n)]

    build()  # warm-up: one-off allocations (caches, a tracer's bookkeeping) are not the records
    run = traced(build)
    return (run.retained - sys.getsizeof(run.result)) / n  # minus the list that holds them
    # --8<-- [end:measure_one]


SIZES = {"test": 20_000, "bench": 500_000}


def measure(size: str) -> dict[str, float]:
    """Memory and build time of many instances, plain class vs __slots__, on this interpreter."""
    n = SIZES[size]
    figures: dict[str, float] = {"instances_n": n}
    for key, cls in (("plain", Plain), ("slots", Slotted), ("dataclass_slots", SlottedData)):

        def build(cls: type = cls) -> list[object]:
            return [cls(1.5, 2.5, 3.5) for _ in range(n)]

        figures[f"{key}_mib"] = traced(build).peak_mib
        figures[f"{key}_build_s"] = best_of(build)
    plain = [Plain(1.5, 2.5, 3.5) for _ in range(n)]
    slotted = [Slotted(1.5, 2.5, 3.5) for _ in range(n)]
    figures["plain_read_s"] = best_of(lambda: sum(p.x + p.y + p.z for p in plain))
    figures["slots_read_s"] = best_of(lambda: sum(p.x + p.y + p.z for p in slotted))
    figures["slots_saving_pct"] = 100 * (1 - figures["slots_mib"] / figures["plain_mib"])
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    n = 100_000
    major, minor = sys.version_info[:2]
    print(f"Python {major}.{minor}: bytes per record of three fields")
    cost = {name: bytes_per_instance(make, n) for name, make in MAKERS.items()}
    for name, value in cost.items():
        print(f"{name:<24}{value:>6.0f}")
    saved = cost["class"] - cost["class, __slots__"]
    print(f"__slots__ saves {saved:.0f} bytes per instance ({saved / cost['class']:.0%})")
    print("slotted instances have no __dict__:", not hasattr(Slotted(1, 2, 3), "__dict__"))
    # --8<-- [end:demo]
