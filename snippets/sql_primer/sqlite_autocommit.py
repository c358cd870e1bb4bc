# test: output=per-python
"""sqlite3's transaction handling, version by version: ``with conn:`` never closes the connection;
Python 3.12 adds ``autocommit``, which changes what ``with`` and SAVEPOINT do; Python 3.13 warns
about a connection that was never closed."""

from __future__ import annotations

import gc
import sqlite3
import sys
import warnings
from contextlib import closing


def fresh(**kwargs: object) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", **kwargs)
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.commit()
    return conn


def rows(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM t").fetchone()[0]


def savepoint_first(**kwargs: object) -> int:
    """SAVEPOINT before any INSERT, RELEASE it, then roll back: how many rows survive?"""
    with closing(fresh(**kwargs)) as conn:
        conn.execute("SAVEPOINT s")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.execute("RELEASE SAVEPOINT s")
        conn.rollback()
        return rows(conn)


print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
print("Connection.autocommit exists:", hasattr(sqlite3.Connection, "autocommit"))

# --8<-- [start:legacy]
# The default on every version: "legacy transaction control" (isolation_level="").
with fresh() as legacy:  # `with` on a connection: a transaction, not a close
    legacy.execute("INSERT INTO t VALUES (1)")
print("default: transaction open after `with`:", legacy.in_transaction)
print("default: rows kept after SAVEPOINT, RELEASE, rollback():", savepoint_first())
# --8<-- [end:legacy]

# --8<-- [start:autocommit]
if sys.version_info >= (3, 12):  # pragma: no cover - 3.12+ only; coverage is measured on 3.11
    # PEP 249 behaviour: a transaction is always open, commit() and rollback() start the next.
    pep249 = fresh(autocommit=False)
    with pep249:
        pep249.execute("INSERT INTO t VALUES (1)")
    print("autocommit=False: transaction open after `with`:", pep249.in_transaction)
    kept = savepoint_first(autocommit=False)
    print("autocommit=False: rows kept after SAVEPOINT, RELEASE, rollback():", kept)
    # SQLite's own autocommit: every statement commits at once, and `with` does nothing.
    auto = fresh(autocommit=True)
    try:
        with auto:
            auto.execute("INSERT INTO t VALUES (1)")
            raise RuntimeError("roll back, please")
    except RuntimeError:
        pass
    print("autocommit=True: rows kept after an exception in `with`:", rows(auto))
    for conn in (pep249, auto):
        conn.close()
# --8<-- [end:autocommit]

# --8<-- [start:warning]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    forgotten = sqlite3.connect(":memory:")
    del forgotten  # the last reference: the connection is freed here, never closed
    gc.collect()
warned = any(issubclass(w.category, ResourceWarning) for w in caught)
print("ResourceWarning for a connection never closed:", warned)
# --8<-- [end:warning]
legacy.close()
