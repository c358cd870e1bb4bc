# test: output=per-python
"""``sys.getrefcount`` caveats that differ by version: argument passing and immortal objects.

* Passing an object to a Python function: 3.10's caller kept its own reference to the argument
  during the call; 3.11+ moves it into the new frame, so the count inside is one lower.
* Immortal objects (PEP 683, Python 3.12): ``None``, ``True``, small ints, the empty tuple and
  string, built-in types and more are never counted or freed; ``getrefcount`` reports a fixed
  huge number. Python 3.11 already started statically allocated objects (small ints, ``()``,
  ``""``) at a count near 10**9, but still counted their references.

The script reports what it observes instead of raw counts, which change with every import.
"""

from __future__ import annotations

import sys

HUGE = 10**9


# --8<-- [start:argument]
def count_inside(obj: object) -> int:
    return sys.getrefcount(obj)


def extra_refs_inside_a_call() -> int:
    """How many more references ``getrefcount`` sees inside a called function than outside."""
    item = ["payload"]
    outside = sys.getrefcount(item)
    return count_inside(item) - outside
    # --8<-- [end:argument]


# --8<-- [start:immortal]
def behaviour(obj: object, extra: int = 1000) -> str:
    """'immortal' if new references do not change its count, else how it is counted."""
    before = sys.getrefcount(obj)
    holders = [obj] * extra  # adds ``extra`` references to obj
    moved = sys.getrefcount(obj) - before
    del holders
    if moved == 0:
        return f"immortal, getrefcount reports {before}"
    return "counted, starts near 10**9" if before > HUGE else "counted"
    # --8<-- [end:immortal]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
    print(f"extra references seen inside a called function: {extra_refs_inside_a_call()}")
    samples = {
        "None": None,
        "True": True,
        "small int 7": int("7"),
        "int 1000": int("1000"),
        "empty tuple": (),
        "empty str": "",
        "the int type": int,
        "a new list": ["fresh"],
    }
    for label, obj in samples.items():
        print(f"{label:14} {behaviour(obj)}")
    # --8<-- [end:demo]
