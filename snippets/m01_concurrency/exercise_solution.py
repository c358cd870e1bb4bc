"""Exercise solution: ``parallel_map`` picks the executor that suits the work.

Requirements (from the exercise): results in input order; the first exception a task raises
reaches the caller; "io" work runs in threads, "cpu" work in processes with a chunksize that
keeps inter-process traffic small; any other kind is a ValueError; an empty input is fine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Kind = Literal["io", "cpu"]


# --8<-- [start:solution]
def chunksize_for(items: int, workers: int) -> int:
    """About four chunks per worker: few enough round trips, still some load balancing.

    ProcessPoolExecutor.map sends one task per message by default (chunksize=1), and for small
    tasks the pickling and pipe traffic then costs more than the work (cpython issue #55480).
    """
    return max(1, items // (workers * 4))


def parallel_map(
    func: Callable[[T], R], items: Iterable[T], kind: Kind, workers: int | None = None
) -> list[R]:
    """``list(map(func, items))``, run concurrently in the executor that suits ``kind``.

    For "cpu", ``func`` and the items must be picklable: a module-level function, not a lambda.
    """
    work = list(items)
    if kind == "io":
        # Threads mostly wait, so more of them than cores is fine; ThreadPoolExecutor's own
        # default is min(32, cpus + 4). At least 1: ThreadPoolExecutor rejects 0.
        count = workers or max(1, min(32, len(work)))
        pool: Executor = ThreadPoolExecutor(max_workers=count)
        chunksize = 1  # ignored by threads
    elif kind == "cpu":
        count = workers or os.cpu_count() or 1
        pool = ProcessPoolExecutor(max_workers=count)
        chunksize = chunksize_for(len(work), count)
    else:
        raise ValueError(f"kind must be 'io' or 'cpu', not {kind!r}")
    # The with block waits for running tasks; list() re-raises the first task's exception.
    with pool:
        return list(pool.map(func, work, chunksize=chunksize))
    # --8<-- [end:solution]


def slow_lookup(key: int) -> str:
    time.sleep(0.05)  # stands in for a network round trip
    return f"user-{key}"


def digit_sum_of_power(n: int) -> int:
    return sum(int(digit) for digit in str(7**n))


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(parallel_map(slow_lookup, range(5), kind="io"))
    #> ['user-0', 'user-1', 'user-2', 'user-3', 'user-4']
    print(parallel_map(digit_sum_of_power, [10, 100, 1000], kind="cpu", workers=2))
    #> [43, 367, 3598]
    print(chunksize_for(10_000, workers=4), chunksize_for(3, workers=4))
    #> 625 1
    # --8<-- [end:demo]
