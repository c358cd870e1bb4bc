"""A bounded buffer written with Condition variables: what ``queue.Queue`` does inside.

Producers wait while it is full, consumers wait while it is empty, and ``close()`` wakes
everybody so that consumers drain what is left and then stop. Two conditions share one lock,
so a put wakes only consumers and a get wakes only producers.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive

T = TypeVar("T")


class Closed(Exception):
    """put() on a closed buffer, or get() on one that is closed and empty."""


# --8<-- [start:buffer]
class BoundedBuffer(Generic[T]):
    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: deque[T] = deque()
        self._closed = False
        self.high_water = 0  # the most items it ever held
        lock = threading.Lock()
        self._not_full = threading.Condition(lock)  # producers wait on this one
        self._not_empty = threading.Condition(lock)  # consumers wait on this one

    def put(self, item: T, timeout: float | None = None) -> None:
        with self._not_full:
            # wait_for re-checks the condition after every wake-up, in a loop: another thread
            # may have filled the gap between the notify and this thread getting the lock.
            if not self._not_full.wait_for(
                lambda: self._closed or len(self._items) < self.capacity, timeout
            ):
                raise TimeoutError(f"buffer still full after {timeout} s")
            if self._closed:
                raise Closed("put() on a closed buffer")
            self._items.append(item)
            self.high_water = max(self.high_water, len(self._items))
            self._not_empty.notify()  # one new item: wake one consumer

    def get(self, timeout: float | None = None) -> T:
        with self._not_empty:
            if not self._not_empty.wait_for(lambda: self._items or self._closed, timeout):
                raise TimeoutError(f"buffer still empty after {timeout} s")
            if not self._items:
                raise Closed("closed and drained")
            item = self._items.popleft()
            self._not_full.notify()  # one free place: wake one producer
            return item

    def close(self) -> None:
        """No more puts. Consumers get what is left, then Closed."""
        with self._not_full:  # the same lock as _not_empty
            self._closed = True
            self._not_full.notify_all()  # everyone re-checks and sees _closed
            self._not_empty.notify_all()
            # --8<-- [end:buffer]


# --8<-- [start:use]
def consume(buffer: BoundedBuffer[int], seen: list[int]) -> None:
    while True:
        try:
            item = buffer.get(timeout=10)
        except Closed:
            return  # closed and drained: a clean stop
        seen.append(item * item)


def produce_and_consume(items: int, consumers: int, capacity: int) -> tuple[list[int], int]:
    buffer: BoundedBuffer[int] = BoundedBuffer(capacity)
    seen: list[int] = []
    threads = [
        threading.Thread(target=consume, args=(buffer, seen), name=f"consumer-{i}")
        for i in range(consumers)
    ]
    for thread in threads:
        thread.start()
    for item in range(items):
        buffer.put(item, timeout=10)  # blocks while the buffer is full: back-pressure
    buffer.close()
    join_all(threads, timeout=10)
    return sorted(seen), buffer.high_water
    # --8<-- [end:use]


if __name__ == "__main__":
    # --8<-- [start:demo]
    squares, high_water = produce_and_consume(items=20, consumers=2, capacity=3)
    print(squares == [n * n for n in range(20)], f"never held more than 3: {high_water <= 3}")
    #> True never held more than 3: True

    full: BoundedBuffer[str] = BoundedBuffer(capacity=1)
    full.put("a")
    try:
        full.put("b", timeout=0.05)  # nobody consumes: a timeout instead of waiting forever
    except TimeoutError as exc:
        print(exc)
        #> buffer still full after 0.05 s
    full.close()
    print(full.get())  # closing keeps what is already inside...
    #> a
    try:
        full.get()
    except Closed as exc:
        print(f"Closed: {exc}")  # ...and then says so instead of blocking
        #> Closed: closed and drained
    # --8<-- [end:demo]
