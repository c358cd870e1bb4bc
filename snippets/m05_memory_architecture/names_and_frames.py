# test: pythons
"""Stack versus heap, in CPython's terms: names live in frames, objects live on the heap.

Each function call gets a frame: the call's names (arguments and local variables) and the
interpreter's working stack. A name is only a reference. The object it refers to lives on the
heap, belongs to no frame, and stays alive for as long as anything refers to it, which can be
long after the frame that created it has gone.
"""

from __future__ import annotations

import sys
import weakref
from types import FrameType


# --8<-- [start:names]
def share_and_rebind() -> tuple[list[int], list[int], bool]:
    first = [1, 2]
    second = first  # a second name for the same list: nothing is copied
    second.append(3)  # change the object through one name, see it through the other
    same = second is first
    second = [9]  # rebinding moves the name to another object; the list is untouched
    return first, second, same


def add_item(cart: list[str], item: str) -> None:
    cart.append(item)  # the parameter names the caller's list: the caller sees the change


def replace_cart(cart: list[str]) -> None:
    cart = ["replacement"]  # noqa: F841  (only this frame's name moves; the caller sees nothing)
    # --8<-- [end:names]


# --8<-- [start:frames]
def call_stack() -> list[str]:
    """Function names of the frames from this call out to module level, innermost first."""
    names = []
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        names.append(frame.f_code.co_name)
        if frame.f_code.co_name == "<module>":
            break  # (whatever ran this module, such as runpy, has frames further out)
        frame = frame.f_back
    return names


def outer() -> list[str]:
    return inner()


def inner() -> list[str]:
    return call_stack()
    # --8<-- [end:frames]


# --8<-- [start:outlive]
class Report:
    """A plain class: its instances accept weak references."""


def build_report(keep: bool) -> tuple[weakref.ref[Report], Report | None]:
    report = Report()  # the object goes on the heap; 'report' is a name in this frame
    probe = weakref.ref(report)  # watches the object without keeping it alive
    return probe, (report if keep else None)
    # --8<-- [end:outlive]


def nest(depth: int) -> int:
    """Recurse ``depth`` calls deep; each call needs a frame."""
    return 0 if depth == 0 else 1 + nest(depth - 1)


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(share_and_rebind())
    #> ([1, 2, 3], [9], True)
    cart = ["apple"]
    add_item(cart, "pear")
    replace_cart(cart)
    print(cart)
    #> ['apple', 'pear']
    # One frame per active call, linked to its caller:
    print(outer())
    #> ['call_stack', 'inner', 'outer', '<module>']
    # The object outlives the frame that made it, as long as someone holds a reference...
    probe, kept = build_report(keep=True)
    print(probe() is kept)
    #> True
    # ...and is freed as soon as nobody does: here, when build_report's frame ended.
    probe, _ = build_report(keep=False)
    print(probe() is None)
    #> True
    # Frames nest up to a limit (1000 by default), then RecursionError:
    print(sys.getrecursionlimit(), nest(500))
    #> 1000 500
    try:
        nest(5_000)
    except RecursionError as exc:
        print(type(exc).__name__)
        #> RecursionError
    # --8<-- [end:demo]
