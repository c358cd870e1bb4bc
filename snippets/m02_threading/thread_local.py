"""Thread-local data: one attribute name, a separate value in every thread.

The classic use is a resource that must not be shared between threads. A ``sqlite3`` connection
refuses to be used from a thread other than the one that created it (``check_same_thread``,
on by default), so each worker thread gets, and keeps, its own.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from pathlib import Path

from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive
from thread_errors import outcome_in_thread  # runs a call in another thread, reports the outcome


# --8<-- [start:local]
class ConnectionPerThread:
    """Hands every thread its own connection to one database file, created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # attributes set on it are seen only by the setting thread
        self._opened = 0
        self._count_lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:  # this thread's first call
            conn = sqlite3.connect(self.path, timeout=5.0)
            self._local.conn = conn
            with self._count_lock:
                self._opened += 1
        return conn

    def close(self) -> None:
        """Close the calling thread's connection: only its own thread may close it."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            del self._local.conn

    @property
    def opened(self) -> int:
        return self._opened
        # --8<-- [end:local]


# --8<-- [start:worker]
def count_rows(db: ConnectionPerThread, results: dict[str, tuple[int, bool]]) -> None:
    try:
        first = db.get()
        (rows,) = first.execute("SELECT count(*) FROM orders").fetchone()
        reused = db.get() is first  # the same thread asks again: same connection
        results[threading.current_thread().name] = (rows, reused)
    finally:
        db.close()  # in the thread that opened it


def run_workers(db: ConnectionPerThread, count: int) -> dict[str, tuple[int, bool]]:
    results: dict[str, tuple[int, bool]] = {}
    threads = [
        threading.Thread(target=count_rows, args=(db, results), name=f"worker-{i}")
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    join_all(threads, timeout=10)
    return dict(sorted(results.items()))
    # --8<-- [end:worker]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shop.db"
        setup = sqlite3.connect(path)
        with setup:  # commits at the end of the block (it does not close the connection)
            setup.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
            setup.executemany("INSERT INTO orders VALUES (?)", [(1,), (2,), (3,)])
        setup.close()

        # A connection created in this thread, used from another one:
        shared = sqlite3.connect(path)
        print(outcome_in_thread(lambda: shared.execute("SELECT 1")))
        #> ProgrammingError
        shared.close()

        db = ConnectionPerThread(path)
        print(run_workers(db, 3))
        #> {'worker-0': (3, True), 'worker-1': (3, True), 'worker-2': (3, True)}
        print(f"connections opened: {db.opened}")
        #> connections opened: 3

    # Thread-local values are invisible to other threads:
    local = threading.local()
    local.user = "alice"
    seen: list[bool] = []
    other = threading.Thread(target=lambda: seen.append(hasattr(local, "user")))
    other.start()
    other.join()
    print(f"main sees {local.user!r}; another thread sees a user: {seen[0]}")
    #> main sees 'alice'; another thread sees a user: False
    # --8<-- [end:demo]
