"""What a finalizer costs: creating and freeing objects with ``__del__``, a weakref callback, or
``weakref.finalize``, against a plain object.

Freeing a plain object is a few C operations. ``__del__`` adds a Python call to every
deallocation; a weak reference with a callback adds an object to create and a call at death;
``weakref.finalize`` also registers the object in a module-level registry (so that it can run
at interpreter exit too). Worth knowing before putting one on a class with millions of
instances.
"""

from __future__ import annotations

import weakref

from coursecode.measure import best_of_interleaved


# --8<-- [start:classes]
class Plain:
    __slots__ = ("__weakref__", "value")

    def __init__(self, value: int) -> None:
        self.value = value


class WithDel(Plain):
    __slots__ = ()

    def __del__(self) -> None:
        pass  # the cost of the call itself, with no work in it


def nothing(*args: object) -> None:
    pass


def plain(count: int) -> None:
    for n in range(count):
        Plain(n)  # created and freed at once: its only reference is a temporary


def with_del(count: int) -> None:
    for n in range(count):
        WithDel(n)


def with_weakref_callback(count: int) -> None:
    for n in range(count):
        obj = Plain(n)
        probe = weakref.ref(obj, nothing)  # noqa: F841  (alive until the object dies)
        del obj


def with_finalize(count: int) -> None:
    for n in range(count):
        weakref.finalize(Plain(n), nothing)
        # --8<-- [end:classes]


COUNTS = {"test": 50_000, "bench": 300_000}


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    count = COUNTS[size]
    best = best_of_interleaved(
        {
            "plain": lambda: plain(count),
            "del": lambda: with_del(count),
            "weakref": lambda: with_weakref_callback(count),
            "finalize": lambda: with_finalize(count),
        }
    )
    return {
        "plain_s": best["plain"],
        "del_s": best["del"],
        "weakref_callback_s": best["weakref"],
        "finalize_s": best["finalize"],
        "del_cost_x": best["del"] / best["plain"],
        "weakref_callback_cost_x": best["weakref"] / best["plain"],
        "finalize_cost_x": best["finalize"] / best["plain"],
        "objects_n": count,
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    calls: list[str] = []
    # The object's only reference is a temporary: it dies, and the finalizer runs, at once.
    done = weakref.finalize(Plain(1), calls.append, "finalized")
    print(calls, done.alive)
    #> ['finalized'] False
    # --8<-- [end:demo]
