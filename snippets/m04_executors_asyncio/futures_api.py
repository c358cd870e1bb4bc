"""The four ways to hand work to an executor and collect it: submit, map, as_completed, wait.

The "remote service" here is a stand-in whose answers arrive in an order the demo chooses, so
that the output is the same on every run. A real network decides the order for you, which is
exactly why as_completed and wait exist.
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait

TIMEOUT = 10.0  # no example may hang: every wait in this module is bounded


# --8<-- [start:upstream]
class Upstream:
    """A service whose answer to ``query(name)`` arrives when the demo calls ``answer(name)``."""

    def __init__(self, *names: str) -> None:
        self._started = {name: threading.Event() for name in names}
        self._answered = {name: threading.Event() for name in names}

    def query(self, name: str) -> int:
        self._started[name].set()
        if not self._answered[name].wait(TIMEOUT):
            raise TimeoutError(f"no answer for {name!r}")
        if name.startswith("bad"):
            raise LookupError(f"no such record: {name!r}")
        return len(name)

    def answer(self, *names: str) -> None:
        for name in names:
            self._answered[name].set()

    def wait_started(self, name: str) -> None:
        """Block until a worker is running ``query(name)``."""
        if not self._started[name].wait(TIMEOUT):
            raise TimeoutError(f"nobody queried {name!r}")
        # --8<-- [end:upstream]


# --8<-- [start:submit]
def submit_one(pool: ThreadPoolExecutor, upstream: Upstream) -> tuple[bool, int]:
    future = pool.submit(upstream.query, "alpha")  # returns at once, with a Future
    upstream.wait_started("alpha")
    running = future.running()
    upstream.answer("alpha")
    return running, future.result(timeout=TIMEOUT)  # blocks until the answer is there
    # --8<-- [end:submit]


# --8<-- [start:map]
def map_in_input_order(pool: ThreadPoolExecutor, upstream: Upstream, names: list[str]) -> list[int]:
    results = pool.map(upstream.query, names, timeout=TIMEOUT)  # submits every call now
    upstream.answer(*reversed(names))  # answers arrive last-asked first...
    return list(results)  # ...but map yields in the order of its input
    # --8<-- [end:map]


# --8<-- [start:as_completed]
def in_completion_order(
    pool: ThreadPoolExecutor, upstream: Upstream, order: list[str]
) -> list[str]:
    futures = {pool.submit(upstream.query, name): name for name in sorted(order)}
    upstream.answer(order[0])
    arrived = []
    for future in as_completed(futures, timeout=TIMEOUT):  # whichever finishes next
        arrived.append(futures[future])
        if len(arrived) < len(order):
            upstream.answer(order[len(arrived)])  # the next answer comes after this one
    return arrived
    # --8<-- [end:as_completed]


# --8<-- [start:wait]
def first_answer(pool: ThreadPoolExecutor, upstream: Upstream, names: list[str]) -> tuple[int, int]:
    """Ask several replicas the same question; use whichever answers first."""
    futures = [pool.submit(upstream.query, name) for name in names]
    upstream.answer(names[-1])
    done, not_done = wait(futures, timeout=TIMEOUT, return_when=FIRST_COMPLETED)
    for future in not_done:
        future.cancel()  # a no-op for calls already running: see futures_failures.py
    upstream.answer(*names)  # let the losers finish so the pool can shut down
    return len(done), len(not_done)
    # --8<-- [end:wait]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with ThreadPoolExecutor(max_workers=4) as pool:
        print(submit_one(pool, Upstream("alpha")))
        #> (True, 5)
        names = ["a", "bb", "ccc", "dddd"]
        print(map_in_input_order(pool, Upstream(*names), names))
        #> [1, 2, 3, 4]
        order = ["ccc", "a", "dddd", "bb"]
        print(in_completion_order(pool, Upstream(*order), order))
        #> ['ccc', 'a', 'dddd', 'bb']
        replicas = ["eu", "us", "asia"]
        print(first_answer(pool, Upstream(*replicas), replicas))
        #> (1, 2)
    # --8<-- [end:demo]
