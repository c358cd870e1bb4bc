# test: databases
# test: output=per-database
"""A deadlock: two transactions, each holding a lock the other one waits for.

PostgreSQL: two transfers between the same two products, on two threads, lock the rows in
opposite orders. Each waits for the other; after ``deadlock_timeout`` (1 s by default, 100 ms here
where the role may change it) PostgreSQL looks for a cycle, finds one and aborts one of the two
with SQLSTATE 40P01 (``deadlock_detected``). The other one then commits. The fix is to take locks
in one global order (lowest key first), or to retry the victim (``tx_serialization.py``'s
``run_transaction`` treats 40P01 as retryable).

SQLite has one write lock for the whole database, so two writers cannot lock each other's rows.
Its version of the problem: two deferred transactions that read first and then write. The first
to write takes the lock; the second can never write on its out-of-date snapshot, so it fails
with "database is locked". ``BEGIN IMMEDIATE`` (take the write lock before reading) avoids it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import DBAPIError
from tx_serialization import sqlstate

from coursecode.dbapi import shared_database
from coursecode.inventory import STOCK, create_stock, transactional_engine

DEADLINE = 20.0  # seconds; every wait below is bounded by it


# --8<-- [start:transfer]
def add(conn: Connection, product_id: int, n: int) -> None:
    """UPDATE takes the row's lock (PostgreSQL) or the database's write lock (SQLite)."""
    conn.execute(
        update(STOCK)
        .where(STOCK.c.product_id == product_id)
        .values(quantity=STOCK.c.quantity + n)
    )


def transfer(conn: Connection, source: int, target: int, meet: Callable[[], object]) -> None:
    """Move one unit from source to target, locking source first; ``meet()`` runs in between."""
    add(conn, source, -1)  # lock 1
    meet()  # both transactions now hold their first lock
    add(conn, target, +1)  # lock 2: held by the other transaction
    conn.commit()


# --8<-- [end:transfer]


# --8<-- [start:deadlock-timeout]
def lower_deadlock_timeout(conn: Connection) -> None:
    """Check for deadlocks after 100 ms instead of 1 s, for this transaction only (SET LOCAL).

    The setting is reserved to superusers and roles granted SET on it (PostgreSQL 15+); without
    that right the default applies, which only makes the example slower.
    """
    try:
        conn.exec_driver_sql("SET LOCAL deadlock_timeout = '100ms'")
    except DBAPIError:
        conn.rollback()  # the failed SET aborted the transaction; start a fresh one


# --8<-- [end:deadlock-timeout]


def outcome(exc: DBAPIError | None) -> str:
    if exc is None:
        return "committed"
    code = sqlstate(exc)
    return f"{type(exc.orig).__name__} {code}" if code else f"{type(exc.orig).__name__}: {exc.orig}"


def side_by_side(*jobs: Callable[[], None], deadline: float = DEADLINE) -> list[str]:
    """Run each job on its own thread; the outcomes, sorted (which thread loses is chance)."""
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], None]) -> None:
        try:
            job()
            result = outcome(None)
        except DBAPIError as exc:
            result = outcome(exc)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline)
    if len(outcomes) != len(jobs):
        raise TimeoutError(f"a transaction was still running after {deadline:g} s")
    return sorted(outcomes)


def total(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.sum(STOCK.c.quantity)))


def postgresql_demo(engine: Engine) -> None:
    # --8<-- [start:postgresql]
    meeting = threading.Barrier(2, timeout=DEADLINE)

    def one_way(source: int, target: int) -> Callable[[], None]:
        def job() -> None:
            with engine.connect() as conn:
                lower_deadlock_timeout(conn)
                transfer(conn, source, target, meeting.wait)

        return job

    print("opposite orders:", side_by_side(one_way(1, 2), one_way(2, 1)))
    print("total stock:", total(engine))

    def lowest_first(source: int, target: int) -> Callable[[], None]:
        def job() -> None:
            with engine.connect() as conn:
                first, second = sorted((source, target))  # one global order for every lock
                add(conn, first, -1 if first == source else +1)
                add(conn, second, -1 if second == source else +1)
                conn.commit()

        return job

    print("lowest key first:", side_by_side(lowest_first(1, 2), lowest_first(2, 1)))
    print("total stock:", total(engine))
    # --8<-- [end:postgresql]


def sqlite_demo(engine: Engine, patient: Engine) -> None:
    # --8<-- [start:sqlite]
    meeting = threading.Barrier(2, timeout=DEADLINE)

    def read_then_write(source: int, target: int) -> Callable[[], None]:
        def job() -> None:
            with engine.connect() as conn:  # BEGIN DEFERRED: no lock until the first write
                conn.scalar(select(func.sum(STOCK.c.quantity)))  # the snapshot starts here
                meeting.wait()  # both have read; now both write
                transfer(conn, source, target, lambda: None)

        return job

    print("read, then write:", side_by_side(read_then_write(1, 2), read_then_write(2, 1)))
    print("total stock:", total(engine))

    def immediate(source: int, target: int) -> Callable[[], None]:
        def job() -> None:
            # BEGIN IMMEDIATE: wait (up to the busy timeout) for the write lock, then read.
            with patient.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
                conn.scalar(select(func.sum(STOCK.c.quantity)))
                transfer(conn, source, target, lambda: None)

        return job

    print("BEGIN IMMEDIATE:", side_by_side(immediate(1, 2), immediate(2, 1)))
    print("total stock:", total(engine))
    # --8<-- [end:sqlite]


if __name__ == "__main__":
    with shared_database() as url:
        engine = transactional_engine(url)
        create_stock(engine, {1: 10, 2: 10})
        if engine.dialect.name == "postgresql":
            postgresql_demo(engine)
        else:
            # waits up to DEADLINE seconds for the write lock instead of 0.1
            patient = transactional_engine(url, connect_args={"timeout": DEADLINE})
            sqlite_demo(engine, patient)
            patient.dispose()
        engine.dispose()
