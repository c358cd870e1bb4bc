"""Setting a pool up: per-worker state with ``initializer``, and what ``max_workers=None`` means.

A thread pool's initializer gives each worker thread its own SQLite connection (a connection
belongs to the thread that opened it); a process pool's initializer loads a lookup table once per
worker process instead of pickling it into every task.
"""

# test: pythons

from __future__ import annotations

import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.thread import BrokenThreadPool
from pathlib import Path

TIMEOUT = 10.0

# --8<-- [start:initializer]
_worker = threading.local()  # one attribute set per worker thread


def open_connection(path: str) -> None:
    """Runs once in each worker thread, before its first task."""
    _worker.db = sqlite3.connect(path)  # closed when the thread ends and _worker's slot goes


def price_of(sku: str) -> float:
    row = _worker.db.execute("SELECT price FROM product WHERE sku = ?", (sku,)).fetchone()
    if row is None:
        raise LookupError(f"unknown sku {sku!r}")
    return row[0]


def prices(path: str, skus: list[str], workers: int = 2) -> list[float]:
    with ThreadPoolExecutor(
        max_workers=workers, initializer=open_connection, initargs=(path,)
    ) as pool:
        return list(pool.map(price_of, skus, timeout=TIMEOUT))
    # --8<-- [end:initializer]


# --8<-- [start:broken]
def with_a_failing_initializer(path: str) -> str:
    """If an initializer raises, the pool is broken: every pending and later call fails."""
    with ThreadPoolExecutor(max_workers=2, initializer=open_connection, initargs=(path,)) as pool:
        future = pool.submit(price_of, "A-1")
        try:
            future.result(timeout=TIMEOUT)
        except BrokenThreadPool as exc:  # ProcessPoolExecutor raises BrokenProcessPool
            return type(exc).__name__
    return "the initializer worked"
    # --8<-- [end:broken]


# --8<-- [start:process_initializer]
# The start method named, not the platform default (Module 3): forkserver where it exists.
CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
_table: dict[str, float] = {}  # filled in each worker process by load_table


def load_table(rows: list[tuple[str, float]]) -> None:
    """Runs once per worker process, not once per task. Under spawn and forkserver (CTX) the
    rows are pickled once per worker; a fork worker would inherit them from the parent."""
    _table.update(rows)


def lookup(sku: str) -> float:
    return _table[sku]


def lookups_in_processes(rows: list[tuple[str, float]], skus: list[str]) -> list[float]:
    with ProcessPoolExecutor(
        max_workers=2, mp_context=CTX, initializer=load_table, initargs=(rows,)
    ) as pool:
        return list(pool.map(lookup, skus, timeout=TIMEOUT))
    # --8<-- [end:process_initializer]


# --8<-- [start:defaults]
def usable_cpus() -> int:
    """CPUs this process may run on: os.process_cpu_count() from 3.13, which honours CPU
    affinity; before, os.cpu_count(), which counts every CPU whatever the affinity. (On 3.13 both
    honour the PYTHON_CPU_COUNT / -X cpu_count override.)"""
    count = os.process_cpu_count() if sys.version_info >= (3, 13) else os.cpu_count()
    return count or 1


def thread_default(cpus: int) -> int:
    """ThreadPoolExecutor's max_workers=None, from 3.8: enough threads for I/O, capped at 32."""
    return min(32, cpus + 4)


def process_default(cpus: int, windows: bool = sys.platform == "win32") -> int:
    """ProcessPoolExecutor's max_workers=None: one process per CPU (at most 61 on Windows)."""
    return min(61, cpus) if windows else cpus
    # --8<-- [end:defaults]


def make_catalogue(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE product (sku TEXT PRIMARY KEY, price REAL NOT NULL)")
        db.executemany("INSERT INTO product VALUES (?, ?)", [("A-1", 9.5), ("B-2", 20.0)])
    db.close()


if __name__ == "__main__":
    # --8<-- [start:demo]
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = Path(tmp) / "catalogue.db"
        make_catalogue(catalogue)
        print(prices(str(catalogue), ["A-1", "B-2", "A-1"]))
        #> [9.5, 20.0, 9.5]
        print(with_a_failing_initializer(str(Path(tmp) / "missing-dir" / "x.db")))
        #> BrokenThreadPool
    print(lookups_in_processes([("A-1", 9.5), ("B-2", 20.0)], ["B-2", "A-1"]))
    #> [20.0, 9.5]
    # The defaults for a few machine sizes, and a check against this interpreter's own pools
    # (_max_workers is private: read here only to show the rule holds).
    print([thread_default(cpus) for cpus in (1, 2, 8, 28, 64)])
    #> [5, 6, 12, 32, 32]
    with ThreadPoolExecutor() as threads, ProcessPoolExecutor(mp_context=CTX) as processes:
        print(threads._max_workers == thread_default(usable_cpus()))
        #> True
        print(processes._max_workers == process_default(usable_cpus()))
        #> True
    # --8<-- [end:demo]
