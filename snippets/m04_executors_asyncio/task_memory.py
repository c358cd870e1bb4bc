"""What one waiting task costs: a thread blocked on an Event against a suspended coroutine.

Each count is taken in a fresh interpreter (a spawned child process), so nothing the parent did
earlier is in it. Two measures, because they see different things:

* RSS growth (resident set size, from psutil): the memory the operating system has actually
  given the process. A thread's stack is reserved as *virtual* memory (8 MiB by default on
  Linux), but only the pages the thread touches become resident, so RSS shows a few pages per
  thread, not the reservation; the virtual size (VMS) growth shows the reservation.
* tracemalloc: only memory allocated through Python's allocators (the Thread object, the frame,
  the coroutine and Task objects). It does not see thread stacks or the kernel's thread state.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import mmap
import multiprocessing
import threading
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psutil

TIMEOUT = 120.0


@dataclass(frozen=True)
class Footprint:
    tasks: int
    rss_bytes: int  # resident memory growth while all tasks wait
    vms_bytes: int  # virtual memory growth
    traced_bytes: int  # growth seen by tracemalloc (0 when not tracing)
    start_s: float  # time to get every task started and waiting


# --8<-- [start:threads]
def waiting_threads(count: int, trace: bool = False) -> Footprint:
    release, started = threading.Event(), threading.Semaphore(0)

    def wait() -> None:
        started.release()
        release.wait(TIMEOUT)  # blocked in the kernel, holding no GIL

    threads = [threading.Thread(target=wait) for _ in range(count)]
    with _Growth(count, trace) as measured:
        for thread in threads:
            thread.start()
        for _ in threads:
            started.acquire(timeout=TIMEOUT)  # every thread is running and waiting
    release.set()
    for thread in threads:
        thread.join(TIMEOUT)
    return measured.result
    # --8<-- [end:threads]


# --8<-- [start:coroutines]
def waiting_coroutines(count: int, trace: bool = False) -> Footprint:
    async def main() -> Footprint:
        release = asyncio.Event()
        tasks = []
        with _Growth(count, trace) as measured:
            tasks = [asyncio.create_task(release.wait()) for _ in range(count)]
            await asyncio.sleep(0)  # every task has started and is suspended on the Event
        release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
        return measured.result

    return asyncio.run(main())
    # --8<-- [end:coroutines]


class _Growth:
    """Memory and time growth across the ``with`` block."""

    def __init__(self, tasks: int, trace: bool) -> None:
        self.tasks, self.trace = tasks, trace
        self.process = psutil.Process()

    def __enter__(self) -> _Growth:
        gc.collect()
        if self.trace:
            tracemalloc.start()
        self.before = self.process.memory_info()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        elapsed = time.perf_counter() - self.started
        after = self.process.memory_info()
        traced = tracemalloc.get_traced_memory()[0] if self.trace else 0
        tracemalloc.stop()
        self.result = Footprint(
            self.tasks, after.rss - self.before.rss, after.vms - self.before.vms, traced, elapsed
        )


# --8<-- [start:child]
def in_fresh_process(kind: str, count: int, trace: bool = False) -> Footprint:
    """Measure in a new interpreter: ``spawn`` inherits none of this process's memory."""
    # The child finds the function, and we find its Footprint class, by module name. When this
    # file runs as a script its name is __main__, which means another module in the child: so
    # import it under its file name.
    this = importlib.import_module(Path(__file__).stem)
    measure_one = {"threads": this.waiting_threads, "coroutines": this.waiting_coroutines}[kind]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(measure_one, count, trace).result(timeout=TIMEOUT)
    # --8<-- [end:child]


TASKS = {"test": 500, "bench": 5_000}


def rss_per_task(growth_bytes: int, tasks: int) -> float:
    """RSS grows in whole pages, and a few small tasks may fit in pages the process already had
    (growth 0, or below 0 if something was freed meanwhile): count at least one page, so the
    figure is never 0 or negative and the ratio below never divides by zero."""
    return max(growth_bytes, mmap.PAGESIZE) / tasks


def measure(size: str) -> dict[str, float]:
    count = TASKS[size]
    figures: dict[str, float] = {"tasks_n": count}
    for kind in ("threads", "coroutines"):
        plain = in_fresh_process(kind, count)
        traced = in_fresh_process(kind, count, trace=True)
        figures[f"{kind}_rss_mib"] = plain.rss_bytes / 2**20
        figures[f"{kind}_rss_per_task_bytes_n"] = rss_per_task(plain.rss_bytes, count)
        figures[f"{kind}_vms_per_task_mib"] = plain.vms_bytes / count / 2**20
        figures[f"{kind}_traced_per_task_bytes_n"] = traced.traced_bytes / count
        figures[f"{kind}_start_s"] = plain.start_s
    figures["rss_threads_vs_coroutines_x"] = (
        figures["threads_rss_per_task_bytes_n"] / figures["coroutines_rss_per_task_bytes_n"]
    )
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    threads = in_fresh_process("threads", 200)
    coroutines = in_fresh_process("coroutines", 200)
    print(threads.tasks, coroutines.tasks, threads.traced_bytes, coroutines.traced_bytes)
    #> 200 200 0 0
    # Every thread reserved a stack: at least 64 KiB of address space each (8 MiB on Linux).
    print(threads.vms_bytes / 200 > 64 * 1024, coroutines.vms_bytes / 200 > 64 * 1024)
    #> True False
    # threading.stack_size() is 0 until you set it: "the platform's default".
    print(threading.stack_size())
    #> 0
    # --8<-- [end:demo]
