# test: pythons
"""Objects CPython shares instead of creating again: small ints, interned strings, singletons.

The values are built at run time (``int(text)``, ``"".join(...)``) on purpose: constants in one
compiled block can be merged by the compiler, which would hide what the runtime does. None of
this is a language guarantee: compare values with ``==``, and use ``is`` only for ``None`` and
other true singletons.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


# --8<-- [start:ints]
def shared(make: Callable[[], object]) -> bool:
    """Does building the same value twice give the same object?"""
    return make() is make()


def small_int_range(low: int = -20, high: int = 300) -> tuple[int, int]:
    """The lowest and highest ints CPython hands out from its preallocated cache."""
    cached = [n for n in range(low, high) if shared(lambda n=n: int(str(n)))]
    return cached[0], cached[-1]
    # --8<-- [end:ints]


# --8<-- [start:interning]
def distinct_objects(values: list[str]) -> int:
    return len({id(value) for value in values})


def parse_statuses(lines: int, intern: bool) -> list[str]:
    """Read a status column, as a CSV or JSON reader would: a new str per row."""
    rows = [f"{n},{'shipped' if n % 2 else 'pending'}" for n in range(lines)]
    statuses = [row.split(",")[1] for row in rows]
    return [sys.intern(s) for s in statuses] if intern else statuses
    # --8<-- [end:interning]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(small_int_range())
    #> (-5, 256)
    print(shared(lambda: int("256")), shared(lambda: int("257")))
    #> True False
    # Other shared objects: the empty tuple and string, one-character Latin-1 strings
    print(shared(lambda: tuple([])), shared(lambda: "".join([])), shared(lambda: chr(200)))
    #> True True True
    user_id = "".join(["user", "_id"])
    print(user_id == "user_id", user_id is "".join(["user", "_id"]))
    #> True False
    literal = "user_id"  # identifier-like literals are interned when the code is compiled
    print(sys.intern(user_id) is literal)
    #> True
    # 10,000 rows with two distinct statuses: 10,000 str objects, or 2 once interned
    print(distinct_objects(parse_statuses(10_000, intern=False)))
    #> 10000
    print(distinct_objects(parse_statuses(10_000, intern=True)))
    #> 2
    # --8<-- [end:demo]
