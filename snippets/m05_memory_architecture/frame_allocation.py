# test: output=per-python
"""Where call frames live: one heap object per call up to 3.10, the thread's own stack from 3.11.

Up to Python 3.10 every call allocated a frame object from pymalloc. Python 3.11 keeps frames in
a per-thread stack of plain C structs and builds a frame *object* only when something asks for
one: ``sys._getframe()``, ``inspect.currentframe()``, a traceback, or a tracer such as a
debugger or coverage tool (What's New in Python 3.11, "Cheaper, lazy Python frames").
``sys.getallocatedblocks()`` counts the blocks the object allocator has handed out, so it shows
the difference.
Python 3.13 also changed what ``frame.f_locals`` returns inside a function (PEP 667).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


# --8<-- [start:untraced]
def call_untraced(func: Callable[[], T]) -> T:
    """``func()`` with ``sys.settrace`` off: a tracer makes 3.11+ build frame objects."""
    saved = sys.gettrace()
    sys.settrace(None)
    # The two clauses below run while tracing is off, so a coverage tool that traces (as this
    # project's does) cannot see them run: hence the pragmas.
    try:  # pragma: no cover
        return func()
    finally:  # pragma: no cover
        sys.settrace(saved)
        # --8<-- [end:untraced]


# --8<-- [start:blocks]
def nest(depth: int, want_frame: bool) -> int:
    """Recurse ``depth`` calls deep and report pymalloc's block count at the bottom."""
    if want_frame:
        sys._getframe()  # asking for the frame object makes 3.11+ create it
    if depth == 0:
        return sys.getallocatedblocks()
    return nest(depth - 1, want_frame)


def blocks_per_call(want_frame: bool = False, depth: int = 200) -> float:
    """pymalloc blocks each nested call keeps allocated while it runs.

    ``depth`` stays below 257 so that every depth value is a cached small int, not a new object.
    """
    # A full collection empties the free lists: up to 3.10, up to 200 dead frame objects were
    # kept for reuse, and a reused frame is not a new block.
    gc.collect()
    shallow, deep = call_untraced(lambda: (nest(0, want_frame), nest(depth, want_frame)))
    return (deep - shallow) / depth
    # --8<-- [end:blocks]


def locals_type() -> str:
    """The type of ``frame.f_locals`` for a function's frame: a dict, or (3.13+) a proxy."""
    visits = 1  # noqa: F841  (a local for f_locals to show)
    return type(sys._getframe().f_locals).__name__


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
    print(f"heap blocks per nested call: {blocks_per_call():.1f}")
    print(f"...when each call asks for its frame object: {blocks_per_call(want_frame=True):.1f}")
    print(f"frame.f_locals inside a function: {locals_type()}")
    # --8<-- [end:demo]
