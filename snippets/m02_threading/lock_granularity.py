"""What a lock costs, and how to pay less: take it once per batch instead of once per update.

Both versions are correct. The first takes the shared lock for every increment; the second
counts in a local variable, which no other thread can see, and takes the lock once to merge.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive

from coursecode.measure import best_of_interleaved


class Tally:
    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()


# --8<-- [start:variants]
def lock_each(tally: Tally, times: int) -> None:
    for _ in range(times):
        with tally.lock:  # acquire + release on every increment
            tally.value += 1


def merge_once(tally: Tally, times: int) -> None:
    local = 0  # a local variable belongs to this call, in this thread: no lock needed
    for _ in range(times):
        local += 1
    with tally.lock:  # one locked update per thread
        tally.value += local
        # --8<-- [end:variants]


def count_in_threads(work: Callable[[Tally, int], None], threads: int, total: int) -> int:
    tally = Tally()
    workers = [
        threading.Thread(target=work, args=(tally, total // threads)) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    join_all(workers, timeout=60)
    return tally.value


THREADS = 4
TOTALS = {"test": 100_000, "bench": 1_000_000}


def measure(size: str) -> dict[str, float]:
    total = TOTALS[size]
    best = best_of_interleaved(
        {
            "lock_each": lambda: count_in_threads(lock_each, THREADS, total),
            "merge_once": lambda: count_in_threads(merge_once, THREADS, total),
        }
    )
    return {
        "lock_each_s": best["lock_each"],
        "merge_once_s": best["merge_once"],
        "merge_speedup_x": best["lock_each"] / best["merge_once"],
        "increments_n": total,
        "threads_n": THREADS,
    }


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(count_in_threads(lock_each, 4, 40_000), count_in_threads(merge_once, 4, 40_000))
    #> 40000 40000
    # --8<-- [end:demo]
