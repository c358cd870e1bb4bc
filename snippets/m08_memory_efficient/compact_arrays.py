"""Numbers stored as raw machine values: ``array.array`` (standard library) and NumPy.

A list of a million floats is a million pointers to a million float objects of 24 bytes each.
An ``array('d')`` or a float64 NumPy array stores the same values as 8-byte C doubles in one
block. The catch: such a value becomes a Python object again every time Python code touches it,
so the saving holds only while the work stays inside the array (NumPy's vectorised operations,
``array.tobytes()``, ``sum`` over an array that is read once).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

import numpy as np

from coursecode.measure import best_of
from coursecode.tracemem import traced


# --8<-- [start:readings]
def readings(n: int) -> Iterator[float]:
    """A stream of sensor values, as a file or a socket would deliver them."""
    for i in range(n):
        yield (i % 1000) * 0.25


def as_list(n: int) -> list[float]:
    return list(readings(n))


def as_array(n: int) -> array:
    return array("d", readings(n))  # grows like a list, but stores 8-byte doubles


def via_list_to_numpy(n: int) -> np.ndarray:
    return np.array(list(readings(n)))  # the whole list exists first, then the copy


def straight_to_numpy(n: int) -> np.ndarray:
    return np.fromiter(readings(n), dtype=np.float64, count=n)  # one block, no list
    # --8<-- [end:readings]


# --8<-- [start:dtypes]
def narrowest_unsigned(largest: int) -> np.dtype:
    """The smallest unsigned integer dtype that holds 0..largest."""
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        if largest <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    raise OverflowError(f"{largest} does not fit in 64 bits")
    # --8<-- [end:dtypes]


SIZES = {"test": 100_000, "bench": 2_000_000}


def measure(size: str) -> dict[str, float]:
    n = SIZES[size]
    figures: dict[str, float] = {"values_n": n}
    for name, build in (
        ("list", as_list),
        ("array", as_array),
        ("numpy_via_list", via_list_to_numpy),
        ("numpy_fromiter", straight_to_numpy),
    ):
        run = traced(lambda build=build: build(n))
        figures[f"{name}_peak_mib"] = run.peak_mib
        figures[f"{name}_kept_mib"] = run.retained_mib
    list_peak, fromiter_peak = figures["list_peak_mib"], figures["numpy_fromiter_peak_mib"]
    figures["fromiter_vs_list_peak_x"] = list_peak / fromiter_peak
    # Sum of squares: a Python loop unboxes every value; NumPy runs one C loop over the block.
    values, vector = as_list(n), straight_to_numpy(n)
    figures["python_sum_s"] = best_of(lambda: sum(v * v for v in values))
    figures["numpy_sum_s"] = best_of(lambda: float((vector * vector).sum()))
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    values = straight_to_numpy(1_000)
    print(values.dtype, values.itemsize, values.nbytes)
    #> float64 8 8000
    print(array("d").itemsize, array("i").itemsize, array("b").itemsize)
    #> 8 4 1
    print(values.astype(np.float32).nbytes, narrowest_unsigned(1_000).name)
    #> 4000 uint16

    # The same sum, three ways; NumPy computes it in C without making a float object per value.
    print(sum(as_list(1_000)), sum(as_array(1_000)), float(values.sum()))
    #> 124875.0 124875.0 124875.0

    # Each access boxes the raw value in a new object (a Python float, a NumPy scalar): a Python
    # loop over a compact array allocates as it goes.
    compact = as_array(3)
    print(compact[1] is compact[1], type(compact[1]).__name__, type(values[1]).__name__)
    #> False float float64

    # Fixed-width integers wrap around silently instead of growing like Python ints.
    small = np.array([250, 5], dtype=np.uint8)
    print(small + np.uint8(10))
    #> [ 4 15]
    # dtype=object stores pointers to Python objects: no saving at all.
    print(np.array([1.5, 2.5], dtype=object).itemsize)
    #> 8
    # --8<-- [end:demo]
