"""``counter.value += 1`` losing updates on every run, not by luck, and the Lock that fixes it.

``+=`` on an attribute is a read (``counter.value``), an add, and a write. Module 1 split that
by hand; here the statement itself runs unchanged. The attribute is a property whose getter
calls a hook right after reading: the hook is the thread switch the interpreter may make at that
point at any time. With ``Barrier(threads).wait`` as the hook, every thread reads the same value
before any thread writes, in every round: the number of lost updates is exact.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive


# --8<-- [start:counter]
class Counter:
    """An int in an attribute, with a hook that runs between the read and the write of ``+=``."""

    def __init__(self, after_read: Callable[[], object] = lambda: None) -> None:
        self._value = 0
        self._after_read = after_read

    @property
    def value(self) -> int:
        current = self._value  # the read
        self._after_read()  # a thread switch can happen here in any real program
        return current

    @value.setter
    def value(self, new: int) -> None:
        self._value = new  # the write

    def total(self) -> int:
        """The value without the hook: for reading once the threads have finished."""
        return self._value
        # --8<-- [end:counter]


# --8<-- [start:workers]
def add_unsafely(counter: Counter, times: int) -> None:
    for _ in range(times):
        counter.value += 1  # read, (switch), add, write: another thread's write can be lost


def add_safely(counter: Counter, times: int, lock: threading.Lock) -> None:
    for _ in range(times):
        with lock:  # read, add and write happen with no other thread inside
            counter.value += 1


def run(threads: int, target: Callable[..., None], *args: object, timeout: float = 30) -> None:
    workers = [threading.Thread(target=target, args=args, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    join_all(workers, timeout)  # bounded and checked: a bug must fail the run, not hang it
    # --8<-- [end:workers]


THREADS, TIMES = 8, 100

if __name__ == "__main__":
    # --8<-- [start:demo]
    # Forced switch: all 8 threads read, then all 8 write the same value + 1, 100 times over.
    everyone_has_read = threading.Barrier(THREADS, timeout=10)
    counter = Counter(after_read=everyone_has_read.wait)
    run(THREADS, add_unsafely, counter, TIMES)
    print(f"no lock:   {counter.total()} of {THREADS * TIMES}")
    #> no lock:   100 of 800

    # The fix holds whatever the schedule, even with a switch invited inside every increment
    # (time.sleep(0) releases the GIL and lets any waiting thread run):
    counter = Counter(after_read=lambda: time.sleep(0))
    run(THREADS, add_safely, counter, TIMES, threading.Lock())
    print(f"with Lock: {counter.total()} of {THREADS * TIMES}")
    #> with Lock: 800 of 800
    # --8<-- [end:demo]
