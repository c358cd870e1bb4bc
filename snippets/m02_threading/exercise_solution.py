"""Exercise solution: ``SingleFlight``, one computation per key however many threads ask at once.

The production problem: a popular cache entry expires and fifty request threads miss it in the
same instant; all fifty run the same slow query (a "cache stampede"). With ``SingleFlight`` the
first caller for a key runs the query and the others wait for its result.

Requirements (from the exercise): concurrent callers of one key share one call of ``fn`` and get
its result; different keys never wait for each other; an exception reaches the caller and every
waiter and is not remembered (the next call tries again); waiters can give up after a timeout;
``waiting(key)`` says how many callers are waiting on a key's call in flight.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# --8<-- [start:solution]
class _Flight(Generic[V]):
    """One call in progress: its outcome, and an Event set when the outcome is known."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: V | None = None
        self.error: BaseException | None = None
        self.waiters = 0


class SingleFlight(Generic[K, V]):
    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards _flights only; never held while fn runs
        self._flights: dict[K, _Flight[V]] = {}

    def do(self, key: K, fn: Callable[[], V], timeout: float | None = None) -> V:
        """``fn()``, or the result of the call of it already running for ``key``.

        ``timeout`` bounds how long a waiter waits; the caller that runs ``fn`` is bounded by
        ``fn`` itself (give its I/O a timeout).
        """
        with self._lock:  # check-then-act on the dict: one step, under the lock
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
            else:
                flight.waiters += 1
        if leader:
            try:
                flight.value = fn()  # outside the lock: other keys proceed meanwhile
            except BaseException as exc:  # every waiter must hear about it, whatever it is
                flight.error = exc
            finally:
                with self._lock:
                    del self._flights[key]  # results are shared, not cached: the next call runs fn
                flight.done.set()
        elif not flight.done.wait(timeout):
            with self._lock:
                flight.waiters -= 1
            raise TimeoutError(f"{key!r}: no result within {timeout} s")
        if flight.error is not None:
            raise flight.error
        return flight.value  # type: ignore[return-value]

    def waiting(self, key: K) -> int:
        """Callers waiting on ``key``'s call in flight (0 if none): for metrics and tests."""
        with self._lock:
            flight = self._flights.get(key)
            return 0 if flight is None else flight.waiters
            # --8<-- [end:solution]


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``condition`` until it holds; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        time.sleep(0.001)


# --8<-- [start:stampede]
def stampede(requests: int) -> tuple[list[str], int]:
    """``requests`` threads ask for one expired cache entry at the same time."""
    flight: SingleFlight[str, str] = SingleFlight()
    queries: list[str] = []
    everyone_has_asked = threading.Event()

    def slow_query() -> str:
        queries.append("SELECT ... WHERE id = 42")
        everyone_has_asked.wait(timeout=10)  # the query is slow: the others arrive meanwhile
        return "product 42"

    answers: list[str] = []
    threads = [
        threading.Thread(target=lambda: answers.append(flight.do("product:42", slow_query, 10)))
        for _ in range(requests)
    ]
    for thread in threads:
        thread.start()
    wait_until(lambda: flight.waiting("product:42") == requests - 1)
    everyone_has_asked.set()
    for thread in threads:
        thread.join(timeout=10)
    return answers, len(queries)
    # --8<-- [end:stampede]


if __name__ == "__main__":
    # --8<-- [start:demo]
    answers, queries = stampede(requests=8)
    print(f"{len(answers)} answers, all {set(answers)}, from {queries} query")
    #> 8 answers, all {'product 42'}, from 1 query
    # --8<-- [end:demo]
