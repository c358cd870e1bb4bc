# test: databases
# test: output=per-database
"""The third fix for the lost update: lock before you read.

PostgreSQL: ``SELECT ... FOR UPDATE`` locks the rows it returns until the transaction ends. A
second ``FOR UPDATE`` of the same row waits, then reads the committed result of the first
transaction, so read-modify-write becomes safe. ``NOWAIT`` fails at once instead of waiting;
``SKIP LOCKED`` passes over locked rows (the pattern for job queues).

SQLite has no row locks and no ``FOR UPDATE``: SQLAlchemy's ``with_for_update()`` compiles to a
plain ``SELECT`` there. Its equivalent is ``BEGIN IMMEDIATE``, which takes the database's single
write lock at the start of the transaction: a second ``BEGIN IMMEDIATE`` waits for it (up to the
busy timeout, 0.1 s here) and then fails with "database is locked".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import OperationalError
from tx_lost_update import IN_STOCK, PRODUCT, SALE, write_quantity

from coursecode.dbapi import shared_database
from coursecode.inventory import STOCK, create_stock, quantity_of, transactional_engine

OTHER = 2  # a second product, for SKIP LOCKED
DEADLINE = 10.0  # seconds any wait in this example may take before it counts as a failure


# --8<-- [start:locked]
def read_for_update(conn: Connection, product_id: int) -> int:
    # FOR UPDATE on PostgreSQL; nothing on SQLite (see sell_immediately below)
    stmt = select(STOCK.c.quantity).where(STOCK.c.product_id == product_id).with_for_update()
    return conn.scalar(stmt)


def sell_locked(conn: Connection, product_id: int, n: int) -> int:
    """Lock the row, read it, write it back; returns the quantity read. Commits."""
    seen = read_for_update(conn, product_id)  # waits here while another transaction holds it
    write_quantity(conn, product_id, seen - n)
    conn.commit()  # releases the lock
    return seen


# --8<-- [end:locked]


def waiting_for_lock(watcher: Connection, pid: int) -> bool:
    """Whether the PostgreSQL backend ``pid`` is waiting for a lock, as pg_stat_activity says."""
    stmt = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    state = watcher.scalar(stmt, {"pid": pid})
    watcher.rollback()  # a fresh snapshot of pg_stat_activity on the next call
    return state == "Lock"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:g} s waiting until {what}")
        time.sleep(0.01)


def postgresql_demo(engine: Engine) -> None:
    # --8<-- [start:postgresql]
    with engine.connect() as a, engine.connect() as b, engine.connect() as watcher:
        b_pid = b.scalar(text("SELECT pg_backend_pid()"))
        b.rollback()
        seen_by_a = read_for_update(a, PRODUCT)  # A now holds the row lock
        print("A read", seen_by_a, "and holds the row lock")

        seen_by_b: list[int] = []
        clerk_b = threading.Thread(
            target=lambda: seen_by_b.append(sell_locked(b, PRODUCT, SALE)), daemon=True
        )
        clerk_b.start()
        wait_until(lambda: waiting_for_lock(watcher, b_pid), "B waits for the lock")
        print("B is waiting for A's lock:", waiting_for_lock(watcher, b_pid))

        try:
            watcher.execute(select(STOCK.c.quantity).with_for_update(nowait=True))
        except OperationalError as exc:
            print("NOWAIT:", type(exc.orig).__name__, exc.orig.pgcode)
        watcher.rollback()
        skip = select(STOCK.c.product_id).order_by(STOCK.c.product_id)
        unlocked = watcher.scalars(skip.with_for_update(skip_locked=True)).all()
        print("SKIP LOCKED returns products", unlocked)
        watcher.rollback()

        write_quantity(a, PRODUCT, seen_by_a - SALE)
        a.commit()  # releases the lock: B's SELECT ... FOR UPDATE returns now
        clerk_b.join(DEADLINE)
        print("B read", seen_by_b[0], "after A committed")
        print("left:", quantity_of(a, PRODUCT))
    # --8<-- [end:postgresql]


# --8<-- [start:immediate]
def sell_immediately(engine: Engine, product_id: int, n: int) -> int:
    """SQLite: take the write lock first (BEGIN IMMEDIATE), then read and write. Commits."""
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        seen = quantity_of(conn, product_id)  # BEGIN IMMEDIATE is sent before this SELECT
        write_quantity(conn, product_id, seen - n)
        conn.commit()
        return seen


# --8<-- [end:immediate]


def sqlite_demo(engine: Engine) -> None:
    # --8<-- [start:sqlite]
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as a:
        seen_by_a = quantity_of(a, PRODUCT)  # A holds the database's write lock from here
        print("A read", seen_by_a, "and holds the write lock")
        try:
            sell_immediately(engine, PRODUCT, SALE)
        except OperationalError as exc:
            print("B, 0.1 s later:", exc.orig)
        write_quantity(a, PRODUCT, seen_by_a - SALE)
        a.commit()  # releases the write lock
    print("B, after A committed, read", sell_immediately(engine, PRODUCT, SALE))
    with engine.connect() as conn:
        print("left:", quantity_of(conn, PRODUCT))
    # --8<-- [end:sqlite]


if __name__ == "__main__":
    with shared_database() as url:
        engine = transactional_engine(url)
        create_stock(engine, {PRODUCT: IN_STOCK, OTHER: IN_STOCK})
        stmt = select(STOCK.c.quantity).where(STOCK.c.product_id == PRODUCT).with_for_update()
        print(engine.dialect.name, "compiles with_for_update() to:")
        print(" ", " ".join(str(stmt.compile(engine)).split()))
        if engine.dialect.name == "postgresql":
            postgresql_demo(engine)
        else:
            sqlite_demo(engine)
        engine.dispose()
