"""ProcessPoolExecutor.map with tiny tasks: chunksize=1 (the default) against batches.

With chunksize=1 every item is pickled, sent down a pipe, run, and its result sent back on its
own, so a task that takes microseconds costs a round trip each (cpython issue #55480). A
chunksize sends items in batches: the same work, a fraction of the messages.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pool_setup import CTX  # the start method, named as Module 3 does

from coursecode.measure import best_of_interleaved

# Module 1's pure-Python primality test, imported rather than copied.
sys.path.append(str(Path(__file__).resolve().parents[1] / "m01_concurrency"))
from cpu_bound import is_prime


# --8<-- [start:chunks]
def chunksize_for(items: int, workers: int, per_worker: int = 4) -> int:
    """About ``per_worker`` batches per worker: few messages, and still some load balancing."""
    return max(1, items // (workers * per_worker))


def count_primes_mapped(pool: ProcessPoolExecutor, numbers: range, chunksize: int) -> int:
    # map pickles is_prime by name and the numbers in batches of `chunksize`.
    return sum(pool.map(is_prime, numbers, chunksize=chunksize))
    # --8<-- [end:chunks]


# Small tasks: is_prime of a number just above a million takes some microseconds (tens for a
# prime), about as long as one round trip to a worker process.
FIRST = 1_000_000
TASKS = {"test": 3_000, "bench": 30_000}


def measure(size: str) -> dict[str, float]:
    workers = min(os.cpu_count() or 1, 4)
    numbers = range(FIRST, FIRST + TASKS[size])
    chunk = chunksize_for(len(numbers), workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=CTX) as pool:
        list(pool.map(abs, range(workers * 2)))  # start the workers outside the timings
        best = best_of_interleaved(
            {
                "sequential": lambda: sum(map(is_prime, numbers)),
                "chunksize_1": lambda: count_primes_mapped(pool, numbers, chunksize=1),
                "chunked": lambda: count_primes_mapped(pool, numbers, chunksize=chunk),
            }
        )
    return {
        "sequential_s": best["sequential"],
        "chunksize_1_s": best["chunksize_1"],
        "chunked_s": best["chunked"],
        "chunked_vs_chunksize_1_x": best["chunksize_1"] / best["chunked"],
        "chunksize_1_vs_sequential_x": best["chunksize_1"] / best["sequential"],
        "chunked_speedup_x": best["sequential"] / best["chunked"],
        "tasks_n": len(numbers),
        "chunksize_n": chunk,
        "workers_n": workers,
    }


if __name__ == "__main__":
    # --8<-- [start:demo]
    numbers = range(2_000)
    with ProcessPoolExecutor(max_workers=2, mp_context=CTX) as pool:
        one_by_one = count_primes_mapped(pool, numbers, chunksize=1)
        batched = count_primes_mapped(pool, numbers, chunksize=chunksize_for(len(numbers), 2))
    print(one_by_one, batched, chunksize_for(len(numbers), 2))
    #> 303 303 250
    # --8<-- [end:demo]
