"""Exercise solution: ``expect_released``, a test helper that fails when objects outlive a block.

Requirements (from the exercise): ``track(obj)`` returns ``obj`` and keeps only a weak reference
to it; when the block ends, any tracked object still alive raises ``StillAlive`` (an
``AssertionError``, so test runners report it as a failure) naming what survived; with
``collect=True`` the cyclic garbage collector runs first; an object that cannot be weakly
referenced is a ``TypeError`` at ``track`` time; an exception from the block itself propagates
unchanged.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


# --8<-- [start:solution]
class StillAlive(AssertionError):
    """Objects tracked in an ``expect_released`` block were alive when it ended."""


class ReleaseTracker:
    """Call it on an object to watch it; it holds weak references only."""

    def __init__(self) -> None:
        self._watched: list[tuple[str, weakref.ref[Any]]] = []

    def __call__(self, obj: T, label: str | None = None) -> T:
        try:
            ref = weakref.ref(obj)
        except TypeError:
            raise TypeError(
                f"cannot track a {type(obj).__name__!r}: it does not support weak references "
                "(list, dict, int, str and tuple do not; a class with __slots__ needs "
                "'__weakref__' among them)"
            ) from None
        self._watched.append((label or type(obj).__name__, ref))
        return obj

    def alive(self) -> list[str]:
        return [label for label, ref in self._watched if ref() is not None]


@contextmanager
def expect_released(collect: bool = False) -> Iterator[ReleaseTracker]:
    """Fail with StillAlive if an object tracked in the block outlives it."""
    tracker = ReleaseTracker()
    yield tracker  # an exception from the block propagates from here, unchecked and unchanged
    if collect:
        gc.collect()  # objects in reference cycles wait for the cyclic collector (Module 6)
    alive = tracker.alive()
    if alive:
        raise StillAlive(f"{len(alive)} tracked object(s) still alive: {', '.join(alive)}")
        # --8<-- [end:solution]


class Session:
    """Stands in for anything per-request: a session, a parsed document, a buffer."""

    def __init__(self) -> None:
        self.peer: Session | None = None


if __name__ == "__main__":
    # --8<-- [start:demo]
    with expect_released() as track:
        session = track(Session())
        del session  # the last reference: freed at once
    print("released")
    #> released

    cache = []
    try:
        with expect_released() as track:
            session = track(Session(), "request 42 session")
            cache.append(session)  # a forgotten reference: the leak this helper exists for
            del session
    except StillAlive as exc:
        print(exc)
        #> 1 tracked object(s) still alive: request 42 session

    with expect_released(collect=True) as track:
        first, second = track(Session()), track(Session())
        first.peer, second.peer = second, first  # a cycle: reference counts never reach 0
        del first, second
    print("cycle released by gc.collect()")
    #> cycle released by gc.collect()
    # --8<-- [end:demo]
