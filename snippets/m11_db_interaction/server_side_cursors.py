# test: databases
# test: output=per-database
"""Large results: a psycopg2 named (server-side) cursor, and what SQLite does instead.

An ordinary psycopg2 cursor receives the *whole* result when ``execute()`` returns, before the
first ``fetch``; a named cursor (``DECLARE ... CURSOR`` on the server) sends ``itersize`` rows per
round trip. SQLite has no server and no named cursors: ``sqlite3`` computes each row when it is
fetched. SQLAlchemy's ``yield_per``/``stream_results`` pick the server-side cursor for you on
PostgreSQL and change nothing on SQLite.
"""

from __future__ import annotations

from contextlib import closing

import psutil
import psycopg2
from sqlalchemy import select

from coursecode.db import get_engine
from coursecode.dbapi import DBAPIConnection, backend, connect, shared_database
from coursecode.measure import best_of
from coursecode.shop import OrderItem, load

QUERY = "SELECT id, order_id, product_id, quantity, unit_price FROM order_items ORDER BY id"
BATCH = 2000


# --8<-- [start:named]
def export_named(conn: DBAPIConnection, batch: int = BATCH) -> int:
    """PostgreSQL: stream a big result ``batch`` rows per round trip; return the row count.

    A named cursor lives inside a transaction: psycopg2 opens one, and the cursor is gone after
    commit() or rollback() unless it was declared ``withhold=True``.
    """
    rows = 0
    with conn.cursor(name="order_items_export") as cur:  # the name makes it server-side
        cur.itersize = batch  # rows per FETCH when iterating; fetchmany(batch) does the same
        cur.execute(QUERY)
        while chunk := cur.fetchmany(batch):
            rows += len(chunk)  # process the chunk here; only this batch is in memory
    conn.rollback()  # end the read-only transaction: closes the cursor on the server
    return rows
    # --8<-- [end:named]


def first_row_client(conn: DBAPIConnection) -> None:
    with closing(conn.cursor()) as cur:
        cur.execute(QUERY)  # psycopg2: returns once every row has arrived
        cur.fetchone()
    conn.rollback()


def first_row_named(conn: DBAPIConnection) -> None:
    with closing(conn.cursor(name="first_row")) as cur:
        cur.execute(QUERY)
        cur.fetchmany(BATCH)
    conn.rollback()


def export_client(conn: DBAPIConnection) -> int:
    with closing(conn.cursor()) as cur:
        cur.execute(QUERY)
        rows = sum(1 for _ in cur)
    conn.rollback()
    return rows


def rss_mib() -> float:
    """This process's resident memory now: libpq's buffers included, which tracemalloc misses."""
    return psutil.Process().memory_info().rss / 2**20


def held_client(conn: DBAPIConnection) -> float:
    """MiB the process holds once an ordinary cursor's execute() has returned."""
    with closing(conn.cursor()) as cur:
        before = rss_mib()
        cur.execute(QUERY)
        held = rss_mib() - before
    conn.rollback()
    return held


def held_named(conn: DBAPIConnection) -> float:
    """MiB the process holds once a named cursor has fetched its first batch."""
    with closing(conn.cursor(name="held")) as cur:
        before = rss_mib()
        cur.execute(QUERY)
        cur.fetchmany(BATCH)
        held = rss_mib() - before
    conn.rollback()
    return held


SCALES = {"test": "small", "bench": "medium"}


def measure(size: str) -> dict[str, float]:
    """Time to the first row and to the last, client-side cursor versus named cursor (and one
    with tiny batches: a round trip per 20 rows); memory held once the first rows are in. SQLite:
    the ordinary cursor only, which already computes rows as they are fetched."""
    figures: dict[str, float] = {}
    # A database the shop's engine and a plain driver connection can both open (a SQLite file).
    with shared_database() as url, closing(connect(url)) as conn:
        engine = get_engine(url)
        load(engine, SCALES[size])
        engine.dispose()
        if backend(conn) == "postgresql":
            figures["client_held_mib"] = held_client(conn)
            figures["named_held_mib"] = held_named(conn)
            figures["named_first_row_s"] = best_of(lambda: first_row_named(conn), repeat=5)
            figures["named_all_s"] = best_of(lambda: export_named(conn))
            figures["named_tiny_batches_all_s"] = best_of(lambda: export_named(conn, batch=20))
        figures["client_first_row_s"] = best_of(lambda: first_row_client(conn), repeat=5)
        figures["client_all_s"] = best_of(lambda: export_client(conn))
    if "named_all_s" in figures:
        figures["first_row_speedup_x"] = (
            figures["client_first_row_s"] / figures["named_first_row_s"]
        )
        figures["tiny_batches_slowdown_x"] = (
            figures["named_tiny_batches_all_s"] / figures["named_all_s"]
        )
    return figures


if __name__ == "__main__":
    engine = get_engine()  # DATABASE_URL, else in-memory SQLite
    load(engine, "small")  # about 15,000 order items
    # --8<-- [start:demo]
    # On SQLite, run the raw-driver part on the engine's own connection: an in-memory database
    # exists only inside the connection that created it.
    with closing(engine.raw_connection()) as pooled:
        conn = pooled.dbapi_connection
        if backend(conn) == "postgresql":
            cur = conn.cursor()
            cur.execute(QUERY)
            print("client-side cursor, rows already received after execute():", cur.rowcount)
            cur.close()
            conn.rollback()
            print("named cursor, rows exported in batches of 2,000:", export_named(conn))
            cur = conn.cursor(name="forgotten")
            cur.execute(QUERY)
            conn.commit()  # ends the transaction, and with it the cursor
            try:
                cur.fetchmany(10)
            except psycopg2.ProgrammingError as exc:
                print("after commit():", exc)
        else:
            computed = 0

            def seen(value: int) -> int:
                global computed
                computed += 1
                return value

            conn.create_function("seen", 1, seen, deterministic=True)
            cur = conn.cursor()
            cur.execute("SELECT seen(id) FROM order_items ORDER BY id")
            first = cur.fetchmany(10)
            print("SQLite has no named cursors; it computes rows as they are fetched:")
            print(f"  fetched {len(first)} rows, computed at most 11 so far: {computed <= 11}")
            cur.close()
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(select(OrderItem.id))
        server_side = getattr(result.cursor, "name", None) is not None
        print("SQLAlchemy yield_per uses a server-side cursor:", server_side)
        print("rows streamed:", sum(len(part) for part in result.partitions()))
    # --8<-- [end:demo]
