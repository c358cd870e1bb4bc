"""Stopping consumers with ``Queue.shutdown()``, new in Python 3.13, and the sentinel version
that gives the same result on Python 3.10 to 3.12.

After ``shutdown()``, ``put()`` raises ``queue.ShutDown`` and ``get()`` raises it once the queue
is empty: one call stops any number of consumers, and a producer that keeps going is told too.
This file prints the same output on every supported Python: on 3.13+ it uses ``shutdown()``,
before that it falls back to one sentinel per consumer (``producer_consumer.process_all``). Both
return a ``Report``: an item whose handling fails is recorded with its exception, and the
consumer carries on with the next one.
"""

# test: pythons

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from producer_consumer import Report, process_all, stopping
from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive

HAS_SHUTDOWN = sys.version_info >= (3, 13)


# --8<-- [start:shutdown]
# Excluded from coverage, which is measured on Python 3.11. On 3.13 `nox -s pythons` runs it through
# the demo below and checks the output; test_queues.py tests it when the suite runs on 3.13.
def process_all_shutdown(  # pragma: no cover - Python 3.13+ only, see above
    items: Iterable[Any],
    handle: Callable[[Any], Any],
    consumers: int,
    maxsize: int,
    timeout: float = 30.0,
) -> Report:
    work: queue.Queue[Any] = queue.Queue(maxsize=maxsize)
    report = Report()

    def consume() -> None:
        while True:
            try:
                item = work.get()
            except queue.ShutDown:  # shut down and empty: nothing more will come
                return
            try:
                report.results.append(handle(item))
            except Exception as exc:  # one bad item must not kill the consumer
                report.errors.append((item, exc))
            finally:
                work.task_done()

    def stop() -> None:
        work.shutdown()  # one call for all consumers; they drain the queue first, then stop
        join_all(threads, timeout)

    threads = [threading.Thread(target=consume, name=f"consumer-{i}") for i in range(consumers)]
    for thread in threads:
        thread.start()
    with stopping(stop):  # as in process_all: a failing stop never hides the producer's error
        for item in items:
            work.put(item, timeout=timeout)
            report.high_water = max(report.high_water, work.qsize())
    return report
    # --8<-- [end:shutdown]


def process_all_sentinels(
    items: Iterable[Any],
    handle: Callable[[Any], Any],
    consumers: int,
    maxsize: int,
    timeout: float = 30.0,
) -> Report:
    """Python 3.10 to 3.12: the sentinel pipeline of producer_consumer.py."""
    return process_all(items, handle, consumers, maxsize, timeout)


# A conditional expression, not an if statement: one line, whichever Python runs it.
process = process_all_shutdown if HAS_SHUTDOWN else process_all_sentinels

if __name__ == "__main__":
    # --8<-- [start:demo]
    fruit = ["pear", "fig", None, "apple", "kiwi"]  # None: an item that fails
    report = process(fruit, str.upper, consumers=3, maxsize=2)
    print(sorted(report.results), [(item, type(exc).__name__) for item, exc in report.errors])
    #> ['APPLE', 'FIG', 'KIWI', 'PEAR'] [(None, 'TypeError')]
    left = [t.name for t in threading.enumerate() if t.name.startswith("consumer-")]
    print(f"consumer threads left: {left}")
    #> consumer threads left: []
    # --8<-- [end:demo]
