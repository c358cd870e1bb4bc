"""Reference counting frees most objects at once; objects in a reference cycle wait for the GC.

A weak reference (``weakref.ref``) is the probe throughout: it tells whether an object still
exists without keeping it alive. The automatic collector is paused where the demo needs to show
what happens *before* it runs, so the output does not depend on when it would have run.
"""
# test: pythons

from __future__ import annotations

import gc
import weakref

from coursecode.gcwatch import collector_paused


class Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.partner: Node | None = None


# --8<-- [start:refcount]
def freed_by_refcounting() -> bool:
    node = Node("alone")
    probe = weakref.ref(node)  # does not keep the node alive
    del node  # the last strong reference goes: the node is freed on this line
    return probe() is None
    # --8<-- [end:refcount]


# --8<-- [start:cycle]
def cycle_needs_the_collector() -> tuple[bool, bool]:
    """(alive after del, freed by gc.collect)"""
    with collector_paused():
        a, b = Node("a"), Node("b")
        a.partner, b.partner = b, a  # a -> b -> a: each keeps the other's count above zero
        probe = weakref.ref(a)
        del a, b  # unreachable now, but no reference count reached zero
        alive_after_del = probe() is not None
        gc.collect()  # finds the unreachable cycle and frees it
        return alive_after_del, probe() is None
    # --8<-- [end:cycle]


# --8<-- [start:pile_up]
def cycles_alive(pairs: int) -> tuple[int, int]:
    """How many of ``pairs`` discarded cycles exist before and after a collection."""
    with collector_paused():
        probes = []
        for i in range(pairs):
            a, b = Node(f"a{i}"), Node(f"b{i}")
            a.partner, b.partner = b, a
            probes.append(weakref.ref(a))
        del a, b  # the loop variables would keep the last pair alive
        before = sum(probe() is not None for probe in probes)
        gc.collect()
        return before, sum(probe() is not None for probe in probes)
    # --8<-- [end:pile_up]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print("acyclic object freed by reference counting:", freed_by_refcounting())
    #> acyclic object freed by reference counting: True
    alive, freed = cycle_needs_the_collector()
    print(f"cycle alive after del: {alive}; freed by gc.collect(): {freed}")
    #> cycle alive after del: True; freed by gc.collect(): True
    print("discarded cycles alive (before, after a collection):", cycles_alive(1000))
    #> discarded cycles alive (before, after a collection): (1000, 0)

    # Only containers can form cycles, so only they are tracked by the collector.
    print("tracked: int", gc.is_tracked(42), "| str", gc.is_tracked("text"))
    #> tracked: int False | str False
    print("tracked: list", gc.is_tracked([]), "| instance", gc.is_tracked(Node("n")))
    #> tracked: list True | instance True
    print("tracked: dict of ints", gc.is_tracked({"a": 1}), "| of lists", gc.is_tracked({"a": []}))
    #> tracked: dict of ints False | of lists True
    # --8<-- [end:demo]
