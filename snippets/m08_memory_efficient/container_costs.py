# test: output=per-python
"""What one element costs in each container, measured on the running interpreter.

``sys.getsizeof(container)`` is shallow: for a list it counts the array of pointers (8 bytes per
element on a 64-bit build, plus spare capacity), not the float objects they point to, which live
elsewhere on the heap. tracemalloc sees every allocation made while the container is built, so
dividing what it saw by the number of elements gives the full cost of one element.

The output differs by Python version (dict internals, object headers), so it is captured per
version and the page shows the versions side by side.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable

import numpy as np

from coursecode.tracemem import traced

N = 100_000


# --8<-- [start:containers]
def containers(n: int) -> dict[str, Callable[[], object]]:
    """Ways to hold n floats (the dict maps n ints to n floats). Each builds a fresh container."""
    return {
        "list": lambda: [float(i) for i in range(n)],
        "tuple": lambda: tuple(float(i) for i in range(n)),
        "array('d')": lambda: array("d", (float(i) for i in range(n))),
        "numpy float64": lambda: np.arange(n, dtype=np.float64),
        "numpy float32": lambda: np.arange(n, dtype=np.float32),
        "set": lambda: {float(i) for i in range(n)},
        "dict int->float": lambda: {i: float(i) for i in range(n)},
    }


def per_element(build: Callable[[], object], n: int) -> tuple[float, float]:
    """(container alone, container with its elements), in bytes per element."""
    build()  # warm-up: one-off allocations (caches, a tracer's bookkeeping) are not the container
    run = traced(build)
    return sys.getsizeof(run.result) / n, run.retained / n
    # --8<-- [end:containers]


if __name__ == "__main__":
    # --8<-- [start:demo]
    major, minor = sys.version_info[:2]
    print(f"Python {major}.{minor}, {N:,} elements, bytes per element")
    print(f"{'container':<16}{'getsizeof':>10}{'traced':>10}")
    for name, build in containers(N).items():
        shallow, deep = per_element(build, N)
        print(f"{name:<16}{shallow:>10.1f}{deep:>10.1f}")
    print(f"one float: {sys.getsizeof(1.5)} bytes, one int: {sys.getsizeof(10**6)} bytes")
    print(f"empty: list {sys.getsizeof([])}, tuple {sys.getsizeof(())}, dict {sys.getsizeof({})}, "
          f"set {sys.getsizeof(set())} bytes")
    # --8<-- [end:demo]
