"""CPU-bound pure-Python work: one thread vs a thread pool vs a process pool.

Threads share one interpreter and, on a GIL build, take turns running bytecode, so they cannot
speed this up. Processes each have their own interpreter (and their own GIL), so they can.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from coursecode.measure import best_of_interleaved


# --8<-- [start:workload]
def is_prime(n: int) -> bool:
    """Trial division: deliberately pure Python, so every step needs the interpreter."""
    if n < 2:
        return False
    divisor = 2
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 1
    return True


def count_primes(bounds: tuple[int, int]) -> int:
    """Primes in ``range(start, stop)``. Module level, so a process pool can pickle it by name."""
    start, stop = bounds
    return sum(1 for n in range(start, stop) if is_prime(n))


def split(limit: int, parts: int) -> list[tuple[int, int]]:
    """Cut ``range(limit)`` into ``parts`` contiguous chunks (the last one takes the remainder)."""
    step = limit // parts
    return [(i * step, limit if i == parts - 1 else (i + 1) * step) for i in range(parts)]
    # --8<-- [end:workload]


# --8<-- [start:runners]
def run_sequential(chunks: list[tuple[int, int]]) -> int:
    return sum(map(count_primes, chunks))


def run_threads(chunks: list[tuple[int, int]], workers: int) -> int:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(count_primes, chunks))


def run_processes(chunks: list[tuple[int, int]], workers: int) -> int:
    # Each task ships only two ints in and one int back: the IPC cost is tiny next to the work.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(count_primes, chunks))
    # --8<-- [end:runners]


# How far to count: "test" keeps the test suite quick, "bench" is the published figure.
LIMITS = {"test": 200_000, "bench": 1_000_000}


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    workers = min(os.cpu_count() or 1, 4)
    # More chunks than workers: higher numbers cost more to test, so small chunks even out the load.
    chunks = split(LIMITS[size], workers * 4)
    runs = {
        "sequential": lambda: run_sequential(chunks),
        "threads": lambda: run_threads(chunks, workers),
        "processes": lambda: run_processes(chunks, workers),  # pool start-up included: you pay it
    }
    # Take turns and keep each variant's fastest run: a burst of background load then hits every
    # variant alike instead of skewing whichever happened to be running.
    best = best_of_interleaved(runs)
    return {
        "sequential_s": best["sequential"],
        "threads_s": best["threads"],
        "processes_s": best["processes"],
        "threads_speedup_x": best["sequential"] / best["threads"],
        "processes_speedup_x": best["sequential"] / best["processes"],
        "workers_n": workers,
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    chunks = split(20_000, 8)
    expected = run_sequential(chunks)
    print(expected)
    #> 2262
    # Same answer whichever way the work is spread:
    print(run_threads(chunks, workers=2) == expected, run_processes(chunks, workers=2) == expected)
    #> True True
    # --8<-- [end:demo]
