"""Producer-consumer with ``queue.Queue``: a bounded queue for back-pressure, several consumers,
one sentinel per consumer to stop them, ``task_done()`` for every ``get()`` so ``join()`` works,
and a shutdown that still happens when the producer fails halfway.

The measured work is I/O-bound, simulated with ``time.sleep``: like a socket read it releases
the GIL, and unlike a real server it costs the same every time, so the figures show the
pipeline's scaling, not the noise of a network or of a server competing for the same cores.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive

from coursecode.measure import best_of_interleaved

# --8<-- [start:pipeline]
STOP = object()  # the sentinel: a unique object no real item can be equal to
log = logging.getLogger("pipeline")


@dataclass
class Report:
    results: list[Any] = field(default_factory=list)
    errors: list[tuple[Any, Exception]] = field(default_factory=list)
    high_water: int = 0  # the longest the queue ever was, seen by the producer


def consumer(work: queue.Queue[Any], handle: Callable[[Any], Any], report: Report) -> None:
    while True:
        item = work.get()
        try:
            if item is STOP:
                return  # finally still runs: the sentinel is marked done too
            report.results.append(handle(item))  # list.append: safe from several threads
        except Exception as exc:  # one bad item must not kill the consumer
            report.errors.append((item, exc))
        finally:
            work.task_done()  # exactly one per get(), or work.join() never returns


def stop_consumers(work: queue.Queue[Any], threads: list[threading.Thread], timeout: float) -> None:
    """One sentinel per consumer, after the real items (FIFO), then a bounded, checked join."""
    for _ in threads:
        work.put(STOP, timeout=timeout)  # queue.Full if the consumers are stuck and it stays full
    join_all(threads, timeout)  # RuntimeError naming any consumer still running


@contextmanager
def stopping(stop: Callable[[], None]) -> Iterator[None]:
    """Call ``stop()`` when the block ends, however it ends.

    If the block raised, its exception is the one the caller gets: an error from ``stop()`` is
    then logged, not raised in its place (it would hide why the producer failed).
    """
    try:
        yield
    except BaseException:
        try:
            stop()
        except Exception:
            log.exception("could not stop the consumers after the producer failed")
        raise  # the producer's exception, unchanged
    stop()


def process_all(
    items: Iterable[Any],
    handle: Callable[[Any], Any],
    consumers: int,
    maxsize: int,
    timeout: float = 30.0,
) -> Report:
    work: queue.Queue[Any] = queue.Queue(maxsize=maxsize)  # bounded: back-pressure
    report = Report()
    threads = [
        threading.Thread(target=consumer, args=(work, handle, report), name=f"consumer-{i}")
        for i in range(consumers)
    ]
    for thread in threads:
        thread.start()
    with stopping(lambda: stop_consumers(work, threads, timeout)):
        for item in items:  # if the producer raises, the consumers are still stopped
            work.put(item, timeout=timeout)  # blocks while the queue is full
            report.high_water = max(report.high_water, work.qsize())
        # Every item taken AND marked done; consumers keep running. join() has no timeout: it
        # relies on one task_done() per get() and on handle() returning (give its I/O timeouts).
        work.join()
    return report
    # --8<-- [end:pipeline]


# --8<-- [start:work]
def lookup(order_id: int) -> tuple[int, str]:
    """Simulated I/O: a 10 ms wait, as for a call to a remote service."""
    if order_id < 0:
        raise ValueError(f"bad order id {order_id}")
    time.sleep(0.01)
    return order_id, f"order-{order_id}"
    # --8<-- [end:work]


# --8<-- [start:measure]
# What a service answers: a JSON list of 400 records, about 30 kB.
RESPONSE = json.dumps(
    [{"id": i, "name": f"item-{i}", "tags": ["a", "b"], "price": i * 1.5} for i in range(400)]
)


def fetch_and_parse(delay: float) -> Callable[[int], int]:
    """The work per item: wait ``delay`` seconds for the answer, then parse it."""

    def handle(item: int) -> int:
        time.sleep(delay)  # waiting on the service: the GIL is released
        return len(json.loads(RESPONSE))  # parsing: holds the GIL, one thread at a time

    return handle


CONSUMERS = (1, 2, 4, 8, 16, 32, 64)
# (items, seconds of simulated I/O per item) per size.
SIZES = {"test": (64, 0.005), "bench": (256, 0.01)}


def measure(size: str) -> dict[str, float]:
    items, delay = SIZES[size]
    handle = fetch_and_parse(delay)
    runs = {
        str(n): lambda n=n: process_all(range(items), handle, consumers=n, maxsize=2 * n)
        for n in CONSUMERS
    }
    # The same pipeline without the waits: what is left (parsing, queue operations) holds the
    # GIL and runs one thread at a time. No number of consumers can go faster than that.
    no_wait = fetch_and_parse(0.0)
    runs["parse_only"] = lambda: process_all(range(items), no_wait, consumers=1, maxsize=2)
    best = best_of_interleaved(runs)
    figures: dict[str, float] = {
        "items_n": items,
        "parse_only_s": best["parse_only"],
        "gil_ceiling_x": best["1"] / best["parse_only"],
    }
    for n in CONSUMERS:
        figures[f"consumers_{n:02d}_s"] = best[str(n)]
        if n > 1:
            figures[f"consumers_{n:02d}_speedup_x"] = best["1"] / best[str(n)]
    return figures
    # --8<-- [end:measure]


def failing_producer(count: int, fail_at: int) -> Iterable[int]:
    for item in range(count):
        if item == fail_at:
            raise ConnectionError("source went away")
        yield item


if __name__ == "__main__":
    # --8<-- [start:demo]
    report = process_all([3, 1, -7, 2], lookup, consumers=3, maxsize=2)
    print(sorted(report.results))
    #> [(1, 'order-1'), (2, 'order-2'), (3, 'order-3')]
    print([(item, type(exc).__name__) for item, exc in report.errors])
    #> [(-7, 'ValueError')]

    report = process_all(range(40), lookup, consumers=4, maxsize=4)
    print(len(report.results), f"queue never longer than 4: {report.high_water <= 4}")
    #> 40 queue never longer than 4: True

    try:
        process_all(failing_producer(10, fail_at=5), lookup, consumers=2, maxsize=2)
    except ConnectionError as exc:
        # The consumers finished the 5 items already queued, then stopped:
        left = [t.name for t in threading.enumerate() if t.name.startswith("consumer-")]
        print(f"producer failed ({exc}); consumer threads left: {left}")
        #> producer failed (source went away); consumer threads left: []

    full: queue.Queue[int] = queue.Queue(maxsize=1)
    full.put(1)
    try:
        full.put(2, timeout=0.05)  # no consumer: back-pressure becomes an error, not a hang
    except queue.Full:
        print("queue.Full after 0.05 s")
        #> queue.Full after 0.05 s
    # --8<-- [end:demo]
