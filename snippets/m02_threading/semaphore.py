"""A semaphore limits how many threads use a scarce resource at once: connections to a database,
concurrent calls an upstream API allows, licences. ``BoundedSemaphore`` also catches the bug
of releasing more often than acquiring.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive


# --8<-- [start:limit]
class ConcurrencyLimit:
    """At most ``limit`` threads inside ``slot()`` at a time; the rest wait, up to a timeout."""

    def __init__(self, limit: int, name: str) -> None:
        self.name = name
        self._slots = threading.BoundedSemaphore(limit)
        self._count_lock = threading.Lock()
        self.in_use = 0
        self.peak = 0  # the most slots ever held at once

    @contextmanager
    def slot(self, timeout: float) -> Iterator[None]:
        if not self._slots.acquire(timeout=timeout):
            raise TimeoutError(f"no free {self.name} slot within {timeout} s")
        try:
            with self._count_lock:
                self.in_use += 1
                self.peak = max(self.peak, self.in_use)
            yield
        finally:
            with self._count_lock:
                self.in_use -= 1
            self._slots.release()  # in finally: an error inside the block must not leak a slot
            # --8<-- [end:limit]


# --8<-- [start:use]
def call_upstream(
    limit: ConcurrencyLimit, results: list[int], request: int, timeout: float = 10.0
) -> None:
    with limit.slot(timeout):
        time.sleep(0.02)  # the call itself: I/O, the GIL is released
        results.append(request)


def serve(requests: int, limit: ConcurrencyLimit) -> list[int]:
    results: list[int] = []  # list.append is a single operation: safe from many threads
    threads = [
        threading.Thread(target=call_upstream, args=(limit, results, i)) for i in range(requests)
    ]
    for thread in threads:
        thread.start()
    join_all(threads, timeout=30)
    return sorted(results)
    # --8<-- [end:use]


if __name__ == "__main__":
    # --8<-- [start:demo]
    api = ConcurrencyLimit(3, name="upstream API")
    print(serve(10, api), "never more than 3 at once:", api.peak <= 3)
    #> [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] never more than 3 at once: True

    with ExitStack() as held:  # this thread takes all three slots...
        for _ in range(3):
            held.enter_context(api.slot(timeout=1))
        try:  # ...so a fourth request times out instead of waiting for ever
            call_upstream(api, [], 10, timeout=0.05)
        except TimeoutError as exc:
            print(exc)
            #> no free upstream API slot within 0.05 s

    bounded = threading.BoundedSemaphore(1)
    try:
        bounded.release()  # one release too many: a bug, and BoundedSemaphore says so
    except ValueError as exc:
        print(f"BoundedSemaphore: ValueError({exc})")
        #> BoundedSemaphore: ValueError(Semaphore released too many times)
    plain = threading.Semaphore(1)
    plain.release()  # silently raises the limit to 2
    print("Semaphore(1) after an extra release:", plain.acquire(False), plain.acquire(False))
    #> Semaphore(1) after an extra release: True True
    # --8<-- [end:demo]
