"""A shared ``Value`` has a lock, but ``counter.value += 1`` does not take it for you.

Reading ``.value`` takes the lock and releases it; writing takes it again. Between the two,
another process can read the same old value, and one of the two updates is lost. A barrier
forces exactly that interleaving here (the scheduler may choose it any time); holding
``get_lock()`` around the whole read-modify-write fixes it.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Barrier

CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")


# --8<-- [start:counter]
def unsafe_increment(counter: Synchronized, both_read: Barrier) -> None:
    current = counter.value  # locked read...
    both_read.wait(timeout=30)  # (the other process reads the same value meanwhile)
    counter.value = current + 1  # ...locked write: but the pair is not one locked step


def safe_increments(counter: Synchronized, times: int) -> None:
    for _ in range(times):
        with counter.get_lock():  # one lock around read, add and write
            counter.value += 1
    # --8<-- [end:counter]


def run_processes(target: Callable[..., None], count: int, *args: object) -> None:
    processes = [CTX.Process(target=target, args=args) for _ in range(count)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        if process.exitcode != 0:
            raise RuntimeError(f"{process.name} ended with exit code {process.exitcode}")


if __name__ == "__main__":
    # --8<-- [start:demo]
    counter = CTX.Value("q", 0)  # a 64-bit integer in shared memory, with a lock
    run_processes(unsafe_increment, 2, counter, CTX.Barrier(2))
    print(counter.value)
    #> 1
    counter = CTX.Value("q", 0)
    run_processes(safe_increments, 2, counter, 1_000)
    print(counter.value)
    #> 2000
    # --8<-- [end:demo]
