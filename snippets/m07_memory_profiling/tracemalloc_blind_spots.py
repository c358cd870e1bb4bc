# test: pythons
"""What tracemalloc cannot see: memory that C code allocates without Python's allocators.

tracemalloc hooks Python's allocators (``PyMem_*``, ``PyObject_*``), so it sees every Python
object. A C library that calls ``malloc`` itself is invisible to it, unless the extension
reports its blocks (NumPy does, under its own "domain"). SQLite, which the ``sqlite3`` module
embeds, keeps its pages in memory it allocates itself.
"""

from __future__ import annotations

import sqlite3
import tracemalloc

import numpy as np


# --8<-- [start:sqlite]
def load_events(rows: int) -> sqlite3.Connection:
    """An in-memory SQLite database of ``rows`` events with a 200-character payload each."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    payloads = ((f"{n:0200d}",) for n in range(rows))
    con.executemany("INSERT INTO events (payload) VALUES (?)", payloads)
    con.commit()
    return con


def database_bytes(con: sqlite3.Connection) -> int:
    """Pages x page size: the memory an in-memory database occupies for its data."""
    (pages,) = con.execute("PRAGMA page_count").fetchone()
    (page_size,) = con.execute("PRAGMA page_size").fetchone()
    return pages * page_size
    # --8<-- [end:sqlite]


def traced() -> int:
    return tracemalloc.get_traced_memory()[0]


if __name__ == "__main__":
    # --8<-- [start:demo]
    tracemalloc.start()

    start = traced()
    con = load_events(100_000)
    held, seen = database_bytes(con), traced() - start
    print(f"SQLite holds over 20 MiB: {held > 20 * 2**20}")
    #> SQLite holds over 20 MiB: True
    print(f"tracemalloc saw under 1% of it: {seen < 0.01 * held}")
    #> tracemalloc saw under 1% of it: True

    start = traced()
    array = np.ones(2_000_000)  # 16 MB of float64, allocated by NumPy's C code
    seen = traced() - start
    print(f"tracemalloc saw the NumPy buffer: {seen >= array.nbytes}")
    #> tracemalloc saw the NumPy buffer: True
    # NumPy reports its buffers under its own domain: filter on it to see only those.
    numpy_only = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)]
    )
    print(sum(stat.size for stat in numpy_only.statistics("lineno")) >= array.nbytes)
    #> True
    tracemalloc.stop()
    # --8<-- [end:demo]
