"""The lost update: two threads read the same value, both write value + 1, one increment vanishes.

A scheduler switch between the read and the write is rare but allowed on every CPython, with or
without the GIL. Waiting for it would make a flaky demo, so a Barrier forces the bad interleaving
every time; the Lock version shows the fix under many threads and a tiny switch interval.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


class Counter:
    def __init__(self) -> None:
        self.value = 0


# --8<-- [start:unsafe]
def unsafe_increment(counter: Counter, both_have_read: threading.Barrier) -> None:
    current = counter.value  # read
    both_have_read.wait()  # the switch the GIL allows: the other thread reads the same value
    counter.value = current + 1  # write: overwrites the other thread's increment
    # --8<-- [end:unsafe]


# --8<-- [start:safe]
def safe_increments(counter: Counter, lock: threading.Lock, times: int) -> None:
    for _ in range(times):
        with lock:  # read-add-write happens as one step for every thread that takes the lock
            counter.value += 1
    # --8<-- [end:safe]


def run_threads(target: Callable[..., None], count: int, *args: object) -> None:
    threads = [threading.Thread(target=target, args=args) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    # --8<-- [start:demo]
    counter = Counter()
    run_threads(unsafe_increment, 2, counter, threading.Barrier(2))
    print(f"unsafe: {counter.value} (expected 2)")
    #> unsafe: 1 (expected 2)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # ask for a thread switch as often as possible
    try:
        counter = Counter()
        run_threads(safe_increments, 8, counter, threading.Lock(), 10_000)
    finally:
        sys.setswitchinterval(previous)
    print(f"with a lock: {counter.value} (expected {8 * 10_000})")
    #> with a lock: 80000 (expected 80000)
    # --8<-- [end:demo]
