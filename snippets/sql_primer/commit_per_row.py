# test: databases
# test: timeout=120
"""Commit per row or one transaction: the same rows, a very different cost, and different
leftovers when a row fails halfway. measure() also times commit-per-row with durability relaxed,
which shows where the cost goes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import closing, suppress

from shop_tables import GENERATED_ID

from coursecode import shop
from coursecode.dbapi import DBAPIConnection, adapt, backend, connect, shared_database
from coursecode.measure import best_of_interleaved

Row = tuple[object, ...]

SIGNUPS = "CREATE TABLE signups ({id}, email TEXT NOT NULL, country CHAR(2) NOT NULL)"
INSERT = "INSERT INTO signups (email, country) VALUES (?, ?)"


# --8<-- [start:variants]
def commit_each(conn: DBAPIConnection, rows: Sequence[Row]) -> None:
    """A transaction per row: each commit waits until the database has made that row durable."""
    sql = adapt(conn, INSERT)
    cur = conn.cursor()
    for row in rows:
        with conn:
            cur.execute(sql, row)


def one_transaction(conn: DBAPIConnection, rows: Sequence[Row]) -> None:
    """The same statements, one commit at the end: all the rows, or none of them."""
    sql = adapt(conn, INSERT)
    with conn:
        cur = conn.cursor()
        for row in rows:
            cur.execute(sql, row)


def executemany_once(conn: DBAPIConnection, rows: Sequence[Row]) -> None:
    """One call and one commit. psycopg2 still sends a statement per row (Module 11 batches)."""
    with conn:
        conn.cursor().executemany(adapt(conn, INSERT), rows)


# --8<-- [end:variants]


# --8<-- [start:unsynced]
def commit_each_unsynced(conn: DBAPIConnection, rows: Sequence[Row]) -> None:
    """commit_each with the wait for the disk switched off, to show what the commits cost.

    Not a fix: PostgreSQL may then lose the last transactions reported as committed if the server
    crashes; SQLite with synchronous=OFF may corrupt the database if the machine loses power.
    """
    relax, restore = {
        "sqlite": ("PRAGMA synchronous = OFF", "PRAGMA synchronous = FULL"),
        "postgresql": ("SET synchronous_commit TO off", "RESET synchronous_commit"),
    }[backend(conn)]
    with conn:
        conn.cursor().execute(relax)
    try:
        commit_each(conn, rows)
    finally:
        with conn:
            conn.cursor().execute(restore)


# --8<-- [end:unsynced]

VARIANTS: dict[str, Callable[[DBAPIConnection, Sequence[Row]], None]] = {
    "commit_each": commit_each,
    "one_transaction": one_transaction,
    "executemany_once": executemany_once,
}


def create_signups(conn: DBAPIConnection) -> None:
    with conn:
        conn.cursor().execute(SIGNUPS.format(id=GENERATED_ID[backend(conn)]))


def signup_rows(count: int) -> list[Row]:
    """``count`` realistic (email, country) rows from the course's sample shop."""
    return [(email, country) for _, _, email, country, _ in shop.generate(count).customers]


def rows_stored(conn: DBAPIConnection) -> int:
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM signups")
    (count,) = cur.fetchone()
    conn.rollback()
    return count


def empty_table(conn: DBAPIConnection) -> None:
    with conn:
        conn.cursor().execute("DELETE FROM signups")


SIZES = {"test": 40, "bench": 300}


def measure(size: str) -> dict[str, float]:
    """Seconds to insert the same rows each way, on a database that outlives the connection.

    In-memory SQLite has nothing to make durable, so it is measured in a file (shared_database).
    """
    rows = signup_rows(SIZES[size])
    runs = {**VARIANTS, "commit_each_unsynced": commit_each_unsynced}
    with shared_database() as url, closing(connect(url)) as conn:
        create_signups(conn)
        best = best_of_interleaved({name: lambda f=f: f(conn, rows) for name, f in runs.items()})
    figures = {f"{name}_s": seconds for name, seconds in best.items()}
    figures["rows_n"] = len(rows)
    for name in ("one_transaction", "executemany_once", "commit_each_unsynced"):
        figures[f"{name}_speedup_x"] = best["commit_each"] / best[name]
    return figures


if __name__ == "__main__":
    with shared_database() as url, closing(connect(url)) as conn:
        create_signups(conn)
        # --8<-- [start:demo]
        good = signup_rows(10)
        bad = [*good[:5], ("broken@example.com", None), *good[5:]]  # row 6 breaks NOT NULL
        for name, insert in VARIANTS.items():
            empty_table(conn)
            insert(conn, good)
            stored = rows_stored(conn)
            empty_table(conn)
            with suppress(conn.IntegrityError):  # the bad row raises; what did it leave behind?
                insert(conn, bad)
            print(f"{name}: {stored} of 10 rows stored; with a bad 6th row, {rows_stored(conn)}")
            #> commit_each: 10 of 10 rows stored; with a bad 6th row, 5
            #> one_transaction: 10 of 10 rows stored; with a bad 6th row, 0
            #> executemany_once: 10 of 10 rows stored; with a bad 6th row, 0
        # --8<-- [end:demo]
