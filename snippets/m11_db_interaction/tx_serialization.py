# test: databases
# test: output=per-database
"""Serialization failures: the database refuses a transaction rather than let it break isolation,
and the application runs the whole transaction again.

PostgreSQL, in REPEATABLE READ or SERIALIZABLE, fails a transaction with SQLSTATE 40001
(``serialization_failure``) when a concurrent commit makes its work impossible to order: it
updates a row someone else changed after its snapshot, or (SERIALIZABLE only) its reads and
another transaction's writes form a cycle. Its documentation ("Transaction Isolation") says
applications using these levels must be prepared to retry. psycopg2 raises
``psycopg2.errors.SerializationFailure``; SQLAlchemy wraps it in ``sqlalchemy.exc.OperationalError``
with the original in ``.orig``.

SQLite refuses the same situations with SQLITE_BUSY, "database is locked": a transaction whose
snapshot is out of date cannot start writing, and only one transaction writes at a time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DBAPIError
from tx_lost_update import IN_STOCK, PRODUCT, SALE, sell_atomic, write_quantity

from coursecode.dbapi import shared_database
from coursecode.inventory import STOCK, create_stock, quantity_of, transactional_engine

T = TypeVar("T")
# SQLite accepts SERIALIZABLE (what it always is) and READ UNCOMMITTED (shared cache only).
LEVELS = {"postgresql": ["REPEATABLE READ", "SERIALIZABLE"], "sqlite": ["SERIALIZABLE"]}

# --8<-- [start:retry]
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def sqlstate(exc: DBAPIError) -> str | None:
    """The SQLSTATE of a PostgreSQL error: psycopg2 calls it pgcode, asyncpg sqlstate."""
    return getattr(exc.orig, "pgcode", None) or getattr(exc.orig, "sqlstate", None)


def is_retryable(exc: DBAPIError) -> bool:
    code = sqlstate(exc)
    if code is not None:
        return code in RETRYABLE_SQLSTATES
    # SQLite: SQLITE_BUSY, whose message is "database is locked" (Python 3.11+ also exposes
    # exc.orig.sqlite_errorcode)
    return "database is locked" in str(exc.orig)


def run_transaction(
    engine: Engine,
    work: Callable[[Connection, int], T],
    isolation_level: str = "SERIALIZABLE",
    attempts: int = 5,
    backoff: float = 0.01,
) -> tuple[T, int]:
    """Run ``work(conn, attempt)`` in a transaction and commit; when the database refuses it
    with a retryable error, roll back and run all of it again, at most ``attempts`` times.

    Returns the result and the number of attempts it took. The pause between attempts grows
    exponentially, with jitter, so that colliding clients do not collide again in step.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    attempt = 1
    while True:
        try:
            with engine.connect().execution_options(isolation_level=isolation_level) as conn:
                result = work(conn, attempt)  # every read happens again on a retry
                conn.commit()
                return result, attempt
        except DBAPIError as exc:  # leaving the with block rolled the transaction back
            if attempt == attempts or not is_retryable(exc):
                raise
        time.sleep(backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))  # noqa: S311
        attempt += 1


# --8<-- [end:retry]


def describe(exc: DBAPIError) -> str:
    code = sqlstate(exc)
    where = f" {code}" if code else ""
    return f"{type(exc).__name__} wrapping {type(exc.orig).__name__}{where}: {first_line(exc)}"


def first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0]


# --8<-- [start:conflict]
def interfering_sale(engine: Engine) -> None:
    """Another clerk sells 3 and commits: a concurrent commit, run at the worst moment."""
    with engine.connect() as other:
        sell_atomic(other, PRODUCT, SALE)
        other.commit()


def make_sale(engine: Engine, interfere_on: set[int]) -> Callable[[Connection, int], int]:
    """A read-modify-write sale; on the attempts in ``interfere_on``, another sale commits
    between its read and its write."""

    def sale(conn: Connection, attempt: int) -> int:
        seen = quantity_of(conn, PRODUCT)  # the snapshot starts here
        if attempt in interfere_on:
            interfering_sale(engine)
        write_quantity(conn, PRODUCT, seen - SALE)  # fails if the row changed since the read
        return seen

    return sale


# --8<-- [end:conflict]


# --8<-- [start:write-skew]
def display_total(conn: Connection) -> int:
    return conn.scalar(select(func.sum(STOCK.c.quantity)))


def write_skew(engine: Engine, isolation_level: str) -> str:
    """Rule: keep at least one item on display. A and B each see two and each sell a
    different one; no row is written twice, so only SERIALIZABLE can notice."""
    create_stock(engine, {1: 1, 2: 1})
    refused: dict[str, str] = {}
    with (
        engine.connect().execution_options(isolation_level=isolation_level) as a,
        engine.connect().execution_options(isolation_level=isolation_level) as b,
    ):
        steps: list[tuple[str, str, Callable[[], object]]] = [
            ("A", "reads the total", lambda: display_total(a)),
            ("B", "reads the total", lambda: display_total(b)),
            ("A", "sells product 1", lambda: sell_atomic(a, 1, 1)),
            ("B", "sells product 2", lambda: sell_atomic(b, 2, 1)),
            ("A", "commits", a.commit),
            ("B", "commits", b.commit),
        ]
        for who, what, step in steps:
            if who in refused:
                continue  # that transaction is over; a retry would start it again
            try:
                step()
            except DBAPIError as exc:
                refused[who] = f"{who} refused when it {what}: {describe(exc)}"
    outcome = "; ".join(refused.values()) or "both committed"
    with engine.connect() as conn:
        return f"{outcome}; left on display: {display_total(conn)}"


# --8<-- [end:write-skew]


if __name__ == "__main__":
    with shared_database() as url:
        engine = transactional_engine(url)
        level = LEVELS[engine.dialect.name][0]
        # --8<-- [start:demo]
        create_stock(engine, {PRODUCT: IN_STOCK})
        try:
            run_transaction(engine, make_sale(engine, {1}), level, attempts=1)
        except DBAPIError as exc:
            print(f"{level}, no retry: {describe(exc)}")

        create_stock(engine, {PRODUCT: IN_STOCK})
        seen, attempts = run_transaction(engine, make_sale(engine, {1}), level)
        with engine.connect() as conn:
            left = quantity_of(conn, PRODUCT)
        print(f"with retries: read {seen} on attempt {attempts}; {left} left")

        create_stock(engine, {PRODUCT: 100})
        try:
            run_transaction(engine, make_sale(engine, {1, 2, 3}), level, attempts=3)
        except DBAPIError as exc:
            print("conflict on every attempt: gave up after 3, raising", type(exc).__name__)

        for isolation in LEVELS[engine.dialect.name]:
            print(f"write skew, {isolation}: {write_skew(engine, isolation)}")
        # --8<-- [end:demo]
        engine.dispose()
