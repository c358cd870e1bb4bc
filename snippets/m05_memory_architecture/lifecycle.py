# test: pythons
"""An object's life: ``__new__`` allocates, ``__init__`` fills in, references come and go, and
when the last one goes CPython finalizes and frees it at once.

At deallocation CPython runs ``__del__`` first, then clears weak references (calling their
callbacks, which find the referent already gone), then frees the memory. ``__new__`` decides
which object a call returns; ``__init__`` then runs on it, even if it is an old one. Objects in
reference cycles are not freed by reference counting at all; the cyclic garbage collector, and
the finer points of ``__del__`` (resurrection, exceptions), are Module 6's subject.
"""

from __future__ import annotations

import weakref
from typing import ClassVar


# --8<-- [start:tracked]
class Tracked:
    events: ClassVar[list[str]] = []

    def __new__(cls, name: str) -> Tracked:
        cls.events.append(f"__new__({name}): memory allocated")
        return super().__new__(cls)

    def __init__(self, name: str) -> None:
        self.events.append(f"__init__({name}): attributes set")
        self.name = name

    def __del__(self) -> None:
        self.events.append(f"__del__({self.name})")


def life_of_an_object() -> list[str]:
    Tracked.events = events = []
    first = Tracked("a")

    def on_death(ref: weakref.ref[Tracked]) -> None:
        events.append(f"weakref callback, referent gone: {ref() is None}")

    probe = weakref.ref(first, on_death)  # noqa: F841  (must outlive the object to fire)
    second = first  # a second reference to the same object
    del first  # removes a name, not the object
    events.append("del first")
    del second  # the last reference: finalized and freed right here
    events.append("del second")
    return events
    # --8<-- [end:tracked]


# --8<-- [start:shared]
class Currency:
    """One object per currency code, the way CPython shares small ints."""

    _instances: ClassVar[dict[str, Currency]] = {}
    initialised: ClassVar[int] = 0

    def __new__(cls, code: str) -> Currency:
        existing = cls._instances.get(code)
        if existing is None:  # only the first call for a code allocates
            existing = cls._instances[code] = super().__new__(cls)
        return existing

    def __init__(self, code: str) -> None:
        # Python calls __init__ on whatever __new__ returned, if it is a Currency: also on a
        # shared object handed out before. Keep __init__ idempotent, or do the work in __new__.
        Currency.initialised += 1
        self.code = code


def shared_instances() -> tuple[bool, int]:
    Currency.initialised = 0
    first, second = Currency("EUR"), Currency("EUR")
    return first is second, Currency.initialised
    # --8<-- [end:shared]


if __name__ == "__main__":
    # --8<-- [start:demo]
    for event in life_of_an_object():
        print(event)
        #> __new__(a): memory allocated
        #> __init__(a): attributes set
        #> del first
        #> __del__(a)
        #> weakref callback, referent gone: True
        #> del second
    print(shared_instances())  # (the same object?, how many times __init__ ran)
    #> (True, 2)
    # --8<-- [end:demo]
