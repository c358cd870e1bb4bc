"""``__del__`` caveats, and ``weakref.finalize`` as the safer way to clean up after an object.

Since Python 3.4 (PEP 442) the collector frees cycles whose objects define ``__del__`` instead of
parking them in ``gc.garbage``; the other caveats below hold on every supported version.
"""
# test: pythons

from __future__ import annotations

import gc
import os
import sys
import tempfile
import weakref
from typing import Any, ClassVar

from coursecode.gcwatch import collector_paused


# --8<-- [start:del_in_cycle]
class Connection:
    closed: ClassVar[list[str]] = []  # what each __del__ saw, in the order they ran

    def __init__(self, name: str) -> None:
        self.name = name
        self.peer: Connection | None = None

    def __del__(self) -> None:
        # Since 3.4 every finalizer of the cycle runs before any object is cleared, so the
        # peer is still intact here (it may already have been finalized).
        peer = self.peer.name if self.peer is not None else None
        Connection.closed.append(f"{self.name} (peer {peer})")


def del_in_a_cycle() -> tuple[list[str], list[str], int]:
    """(closed right after del, closed after gc.collect, objects left in gc.garbage)"""
    Connection.closed.clear()
    with collector_paused():
        a, b = Connection("a"), Connection("b")
        a.peer, b.peer = b, a
        del a, b
        closed_after_del = list(Connection.closed)  # nothing yet: nobody reached zero
        gc.collect()
    return closed_after_del, sorted(Connection.closed), len(gc.garbage)
    # --8<-- [end:del_in_cycle]


# --8<-- [start:resurrection]
class Phoenix:
    graveyard: ClassVar[list[Phoenix]] = []
    finalized = 0

    def __del__(self) -> None:
        Phoenix.finalized += 1
        Phoenix.graveyard.append(self)  # a new reference: the object is resurrected


def resurrect() -> tuple[int, int]:
    """(survivors, finalizer calls) after the object has died twice."""
    bird = Phoenix()
    del bird  # __del__ runs and brings it back
    survivors = len(Phoenix.graveyard)
    Phoenix.graveyard.clear()  # dies again: CPython does not call __del__ a second time
    return survivors, Phoenix.finalized
    # --8<-- [end:resurrection]


# --8<-- [start:exception]
class Broken:
    def __del__(self) -> None:
        raise ValueError("cleanup failed")


def exception_in_del() -> list[str]:
    """The exception never reaches the caller: it goes to sys.unraisablehook (3.8+)."""
    seen: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: seen.append(repr(unraisable.exc_value))
    try:
        obj = Broken()
        del obj  # no exception is raised here
    finally:
        sys.unraisablehook = previous
    return seen
    # --8<-- [end:exception]


# --8<-- [start:finalize]
class Upload:
    """Owns a temporary file; weakref.finalize deletes it at the latest when the object goes."""

    def __init__(self, data: bytes) -> None:
        fd, self.path = tempfile.mkstemp(prefix="upload-")
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        # The callback and its arguments must not refer to self, or self would never die.
        self._cleanup = weakref.finalize(self, os.remove, self.path)

    def close(self) -> None:
        self._cleanup()  # runs os.remove once; later calls (and the GC) do nothing

    @property
    def closed(self) -> bool:
        return not self._cleanup.alive


def finalize_demo() -> dict[str, Any]:
    explicit = Upload(b"report")
    explicit.close()
    explicit.close()  # idempotent
    forgotten = Upload(b"draft")
    forgotten.self_reference = forgotten  # a cycle: only the collector can free it
    path = forgotten.path
    with collector_paused():
        del forgotten
        exists_before = os.path.exists(path)
        gc.collect()
    return {
        "closed explicitly": explicit.closed and not os.path.exists(explicit.path),
        "forgotten file before collection": exists_before,
        "forgotten file after collection": os.path.exists(path),
    }
    # --8<-- [end:finalize]


if __name__ == "__main__":
    # --8<-- [start:demo]
    after_del, after_collect, garbage = del_in_a_cycle()
    print("closed after del:", after_del)
    #> closed after del: []
    print("closed after gc.collect():", after_collect, "| gc.garbage:", garbage)
    #> closed after gc.collect(): ['a (peer b)', 'b (peer a)'] | gc.garbage: 0
    print("resurrected, finalizer calls:", resurrect())
    #> resurrected, finalizer calls: (1, 1)
    print("exception in __del__ went to the unraisable hook:", exception_in_del())
    #> exception in __del__ went to the unraisable hook: ["ValueError('cleanup failed')"]
    for what, value in finalize_demo().items():
        print(f"{what}: {value}")
        #> closed explicitly: True
        #> forgotten file before collection: True
        #> forgotten file after collection: False
    # --8<-- [end:demo]
