"""Concurrency is about structure (tasks that make progress in turns); parallelism is about
execution (tasks running at the same instant on different cores).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor


# --8<-- [start:interleave]
def task(name: str, steps: int) -> Iterator[str]:
    """A task that gives control back after every step (``yield``), as a coroutine does."""
    for step in range(1, steps + 1):
        yield f"{name}:{step}"


def round_robin(*tasks: Iterator[str]) -> list[str]:
    """Run tasks concurrently on ONE thread: each gets a turn, none runs in parallel."""
    ready, log = deque(tasks), []
    while ready:
        current = ready.popleft()
        try:
            log.append(next(current))
        except StopIteration:
            continue  # finished: do not reschedule
        ready.append(current)
    return log
    # --8<-- [end:interleave]


# --8<-- [start:where]
def where_am_i(_: object = None) -> tuple[int, int]:
    """(process id, OS thread id) of whoever runs this."""
    return os.getpid(), threading.get_native_id()


def run_in_threads(count: int) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    all_started = threading.Barrier(count)  # keep every thread alive at once: ids stay distinct

    def worker() -> None:
        all_started.wait()
        seen.append(where_am_i())  # list.append is safe to call from several threads

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def run_in_processes(count: int) -> list[tuple[int, int]]:
    with ProcessPoolExecutor(max_workers=count) as pool:
        return list(pool.map(where_am_i, range(count)))
    # --8<-- [end:where]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(round_robin(task("download", 3), task("resize", 2)))
    #> ['download:1', 'resize:1', 'download:2', 'resize:2', 'download:3']
    me = os.getpid()
    in_threads = run_in_threads(2)
    print({pid for pid, _ in in_threads} == {me}, len({tid for _, tid in in_threads}))
    #> True 2
    in_processes = run_in_processes(2)
    print(me in {pid for pid, _ in in_processes})
    #> False
    # --8<-- [end:demo]
