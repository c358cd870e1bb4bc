"""Module 1's CPU workload under each model: sequential, threads, processes and asyncio.

Coroutines that compute never await anything, so the event loop runs them one after another:
asyncio alone cannot make CPU work faster. Handing the work to a process pool from the loop
(``loop.run_in_executor``) can, while the loop stays free for I/O.
"""

from __future__ import annotations

import asyncio
import os
import sys
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from coursecode.measure import best_of_interleaved

# Module 1's prime count and its three runners, imported rather than copied.
sys.path.append(str(Path(__file__).resolve().parents[1] / "m01_concurrency"))
from cpu_bound import count_primes, run_processes, run_sequential, run_threads, split


# --8<-- [start:asyncio]
async def in_coroutines(chunks: list[tuple[int, int]]) -> int:
    async def one(chunk: tuple[int, int]) -> int:
        return count_primes(chunk)  # no await inside: this task holds the loop until it is done

    return sum(await asyncio.gather(*(one(chunk) for chunk in chunks)))


async def from_the_loop_to_processes(chunks: list[tuple[int, int]], pool: Executor) -> int:
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(pool, count_primes, chunk) for chunk in chunks]
    return sum(await asyncio.gather(*futures))  # the loop is free while processes compute


def run_loop_with_processes(chunks: list[tuple[int, int]], workers: int) -> int:
    # The pool is created and shut down outside the event loop: leaving `with` calls
    # shutdown(wait=True), which inside `async def` would block the loop until the workers exit.
    # The platform's default start method, like Module 1's run_processes that this is compared
    # with: the two process figures then differ only by the event loop.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return asyncio.run(from_the_loop_to_processes(chunks, pool))
    # --8<-- [end:asyncio]


LIMITS = {"test": 120_000, "bench": 1_000_000}


def measure(size: str) -> dict[str, float]:
    workers = min(os.cpu_count() or 1, 4)
    chunks = split(LIMITS[size], workers * 4)
    best = best_of_interleaved(
        {
            "sequential": lambda: run_sequential(chunks),
            "threads": lambda: run_threads(chunks, workers),
            "processes": lambda: run_processes(chunks, workers),
            "asyncio": lambda: asyncio.run(in_coroutines(chunks)),
            "asyncio_processes": lambda: run_loop_with_processes(chunks, workers),
        }
    )
    figures = {f"{name}_s": seconds for name, seconds in best.items()}
    for name in ("threads", "processes", "asyncio", "asyncio_processes"):
        figures[f"{name}_speedup_x"] = best["sequential"] / best[name]
    figures["workers_n"] = workers
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    chunks = split(20_000, 8)
    expected = run_sequential(chunks)
    print(expected, asyncio.run(in_coroutines(chunks)) == expected)
    #> 2262 True
    print(run_loop_with_processes(chunks, workers=2) == expected)
    #> True
    # --8<-- [end:demo]
