# test: databases
# test: output=per-database
"""Isolation levels: what a transaction sees of another one's commit; and autocommit.

Transaction A reads a product's quantity twice. Between the two reads, transaction B sells 3 and
commits. Whether A's second read sees B's sale depends on the isolation level:

* PostgreSQL's default, READ COMMITTED, takes a new snapshot for every statement: the second read
  sees the sale (a "non-repeatable read"). REPEATABLE READ and SERIALIZABLE take one snapshot at
  the first statement and keep it: both reads agree.
* SQLite is serializable whatever you ask for: a read transaction keeps its snapshot (in WAL mode;
  in rollback-journal mode B could not commit while A reads). But Python's sqlite3 driver, by
  default, sends no BEGIN before a SELECT, so each read runs in a transaction of its own and A
  sees B's sale after all.

Autocommit: each statement is its own transaction. Some statements require it (VACUUM on both
databases, CREATE DATABASE and CREATE INDEX CONCURRENTLY on PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from tx_lost_update import IN_STOCK, PRODUCT, SALE, sell_atomic

from coursecode.db import get_engine
from coursecode.dbapi import shared_database
from coursecode.inventory import create_stock, quantity_of, transactional_engine

LEVELS = {
    "postgresql": ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"],
    # SQLite's only other level, READ UNCOMMITTED, applies to shared-cache connections alone.
    "sqlite": ["SERIALIZABLE"],
}


# --8<-- [start:read-twice]
def read_twice(engine: Engine, isolation_level: str) -> tuple[int, int]:
    """A reads, B sells and commits, A reads again inside the same transaction."""
    create_stock(engine, {PRODUCT: IN_STOCK})
    with (
        engine.connect().execution_options(isolation_level=isolation_level) as a,
        engine.connect() as b,
    ):
        first = quantity_of(a, PRODUCT)  # A's transaction begins here
        sell_atomic(b, PRODUCT, SALE)
        b.commit()
        second = quantity_of(a, PRODUCT)  # same transaction: does it see B's sale?
        a.rollback()
    return first, second


# --8<-- [end:read-twice]


# --8<-- [start:autocommit]
def vacuum(engine: Engine, autocommit: bool) -> str:
    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    with engine.connect().execution_options(**options) as conn:
        try:
            conn.exec_driver_sql("VACUUM")
        except DBAPIError as exc:  # OperationalError on SQLite, InternalError on psycopg2
            return f"{type(exc.orig).__name__}: {str(exc.orig).strip()}"
        return "done"


def rollback_in_autocommit(engine: Engine) -> int:
    create_stock(engine, {PRODUCT: IN_STOCK})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        sell_atomic(conn, PRODUCT, SALE)  # committed as soon as it ran
        conn.rollback()  # nothing left to roll back
        return quantity_of(conn, PRODUCT)


# --8<-- [end:autocommit]


if __name__ == "__main__":
    with shared_database() as url:
        engine = transactional_engine(url)
        # --8<-- [start:demo]
        backend = engine.dialect.name
        for level in LEVELS[backend]:
            print(f"{backend} {level}: A read {read_twice(engine, level)}")
        if backend == "sqlite":
            plain = get_engine(url)  # sqlite3's default: no BEGIN before a SELECT
            print("sqlite, driver's default transaction control: A read", end=" ")
            print(read_twice(plain, "SERIALIZABLE"))
            plain.dispose()
        print("VACUUM in a transaction:", vacuum(engine, autocommit=False))
        print("VACUUM in autocommit mode:", vacuum(engine, autocommit=True))
        print("rollback() in autocommit mode: quantity", rollback_in_autocommit(engine))
        # --8<-- [end:demo]
        engine.dispose()
