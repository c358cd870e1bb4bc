# test: pythons
"""Why ``counter += 1`` is not atomic: it is a read, an add and a write, and a thread switch can
fall between any two of them. The GIL protects the interpreter's own state, not your invariants.
"""

from __future__ import annotations

import dis
import sys
from collections.abc import Callable

counter = 0


# --8<-- [start:increment]
def increment() -> None:
    global counter
    counter += 1
    # --8<-- [end:increment]


# Opcode names differ by version (3.10: INPLACE_ADD; 3.11+: BINARY_OP), the shape does not.
ROLES = {
    "LOAD_GLOBAL": "read counter",
    "INPLACE_ADD": "add",
    "BINARY_OP": "add",
    "STORE_GLOBAL": "write counter",
}


# --8<-- [start:steps]
def steps(func: Callable[[], None]) -> list[str]:
    """The instructions of ``func`` that touch ``counter`` or do the addition, in order."""
    return [ROLES[ins.opname] for ins in dis.get_instructions(func) if ins.opname in ROLES]
    # --8<-- [end:steps]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(steps(increment))
    #> ['read counter', 'add', 'write counter']
    increment()
    print(counter)
    #> 1
    # A running thread is asked to drop the GIL after this many seconds (default 5 ms):
    print(sys.getswitchinterval())
    #> 0.005
    # --8<-- [end:demo]
