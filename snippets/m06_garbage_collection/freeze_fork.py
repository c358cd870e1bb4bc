"""``gc.freeze()`` before ``fork``: what it keeps shared with the child, and what it cannot.

A forked child shares the parent's memory pages until either process writes to one; then the
kernel copies that page (copy-on-write). A full collection in the child writes into the header of
every object it examines, so it copies nearly every page the parent's objects live on.
``gc.freeze()`` (3.7+) moves every tracked object into a permanent generation the collector
never examines, so the child's collections leave those pages alone. Reading the objects still
writes their reference counts, and that copies the pages all the same.

Linux only: the copied pages are read from ``/proc/self/smaps_rollup`` (``Private_Dirty``).
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from coursecode.measure import best_of

SMAPS = Path("/proc/self/smaps_rollup")


def supported() -> bool:
    return SMAPS.exists() and "fork" in multiprocessing.get_all_start_methods()


def private_dirty_mib() -> float:
    """Memory this process has written to and owns alone (shared pages it copied included)."""
    fields = dict(line.split(":", 1) for line in SMAPS.read_text().splitlines())
    return int(fields["Private_Dirty"].split()[0]) / 1024  # the file counts in KiB


class Record:
    def __init__(self, i: int) -> None:
        self.id = i
        self.tags = [f"tag-{i}", i]


# --8<-- [start:child]
def child(action: str, records: list[Record], results: Connection) -> None:
    """Runs in the forked child: do one thing and report how many MiB it copied."""
    before = private_dirty_mib()
    if action == "collect":
        gc.collect()  # a full collection: the child's own allocations trigger one sooner or later
    elif action == "read":
        total = 0
        for record in records:  # reading is enough: every record's reference count is written
            total += record.id
    results.send(private_dirty_mib() - before)
    results.close()


def copied_by_child(action: str, records: list[Record], freeze: bool) -> float:
    gc.collect()
    if freeze:
        gc.freeze()  # parent: everything tracked so far goes to the permanent generation
    try:
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        process = multiprocessing.get_context("fork").Process(
            target=child, args=(action, records, send)
        )
        process.start()
        send.close()
        try:
            if not receive.poll(60):
                raise TimeoutError("the child did not report within 60 s")
            return receive.recv()
        finally:
            process.join(timeout=60)
            process.kill()  # does nothing if the child has exited
    finally:
        if freeze:
            gc.unfreeze()
    # --8<-- [end:child]


def collect_pause_s(frozen: bool) -> float:
    """How long a full collection takes in this process, with its objects frozen or not."""
    gc.collect()
    if frozen:
        gc.freeze()
    try:
        return best_of(gc.collect, repeat=5)
    finally:
        if frozen:
            gc.unfreeze()


RECORDS = {"test": 100_000, "bench": 400_000}


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    if not supported():
        raise RuntimeError("needs Linux (/proc/self/smaps_rollup) and the fork start method")
    records = [Record(i) for i in range(RECORDS[size])]
    return {
        "records_n": len(records),
        "collect_copied_mib": copied_by_child("collect", records, freeze=False),
        "frozen_collect_copied_mib": copied_by_child("collect", records, freeze=True),
        "frozen_read_copied_mib": copied_by_child("read", records, freeze=True),
        "collect_s": collect_pause_s(frozen=False),
        "frozen_collect_s": collect_pause_s(frozen=True),
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    if not supported():  # pragma: no cover - only off Linux, where the project's CI never runs
        raise SystemExit("this example needs Linux and the fork start method")
    # --8<-- [start:demo]
    records = [Record(i) for i in range(100_000)]
    unfrozen = copied_by_child("collect", records, freeze=False)
    frozen = copied_by_child("collect", records, freeze=True)
    read = copied_by_child("read", records, freeze=True)
    print("a full collection in the child copied over 10 MiB:", unfrozen > 10)
    #> a full collection in the child copied over 10 MiB: True
    print("...unless the parent froze its objects first:", frozen < unfrozen / 10)
    #> ...unless the parent froze its objects first: True
    # At least the records' own bytes: how much more depends on the version's object layout.
    records_mib = len(records) * sys.getsizeof(records[0]) / 2**20
    print("reading frozen objects still copies their pages:", read > records_mib)
    #> reading frozen objects still copies their pages: True
    skips = collect_pause_s(frozen=True) < collect_pause_s(frozen=False) / 10
    print("a full collection skips frozen objects:", skips)
    #> a full collection skips frozen objects: True
    # --8<-- [end:demo]
