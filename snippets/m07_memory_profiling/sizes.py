# test: output=per-python
"""Shallow versus deep sizes, and reference counts as a clue to who holds an object.

``sys.getsizeof`` reports one object's own memory, not what it refers to; pympler's ``asizeof``
follows the references. The byte counts differ between Python versions (the page shows each),
so this file's output is captured per version rather than written under the prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pympler import asizeof

# Module 5's portable immortality check, imported rather than copied.
sys.path.append(str(Path(__file__).resolve().parents[1] / "m05_memory_architecture"))
from refcount_caveats import behaviour


def customer(n: int) -> dict[str, object]:
    return {"id": n, "name": f"customer-{n:05d}", "email": f"c{n}@example.com", "tags": ["new"]}


# --8<-- [start:shallow_deep]
def shallow_and_deep(obj: object) -> tuple[int, int]:
    """(bytes of the object itself, bytes of everything reachable from it, counted once)."""
    return sys.getsizeof(obj), asizeof.asizeof(obj)
    # --8<-- [end:shallow_deep]


if __name__ == "__main__":
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
    # --8<-- [start:demo]
    record = customer(42)
    shallow, deep = shallow_and_deep(record)
    print(f"one record: getsizeof {shallow} B, asizeof {deep} B ({deep / shallow:.1f}x)")

    rows = [customer(n) for n in range(10_000)]
    shallow, deep = shallow_and_deep(rows)
    print(f"10,000 records: getsizeof {shallow:,} B (the list's pointers), asizeof {deep:,} B")
    print(f"about {deep // len(rows)} B per record once the shared keys are counted once")

    # Where a record's bytes go: asized() breaks the total down by referent.
    print(asizeof.asized(record, detail=1).format())
    # --8<-- [end:demo]

    # --8<-- [start:refcounts]
    cache: dict[int, object] = {}
    item = object()
    before = sys.getrefcount(item)  # the name `item`, plus getrefcount's own argument
    cache[1] = item
    print(f"getrefcount: {before} alone, {sys.getrefcount(item)} once a cache holds it")
    # Immortal objects (3.12+) report a fixed count that new references do not move: no clue.
    print(f"None looks immortal: {behaviour(None).startswith('immortal')}")
    # --8<-- [end:refcounts]
