# test: databases
# test: timeout=120
"""Savepoints in the ORM: ``Session.begin_nested()`` lets one row fail without losing the batch.

A batch of sign-ups contains an email that is already taken. Without savepoints the
IntegrityError ends the whole transaction: the session must be rolled back, and every sign-up
in the batch with it. With a SAVEPOINT around each row, only the failing row is undone.

A savepoint per row costs two more statements per row and gives up batching, though.
When the failure is expected (duplicates), ``INSERT ... ON CONFLICT DO NOTHING`` lets the
database skip them, with no savepoints and no flush per row, on both databases (PostgreSQL 9.5+,
SQLite 3.24+); ``measure()`` compares the two.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coursecode.dbapi import shared_database
from coursecode.inventory import transactional_engine
from coursecode.measure import count_queries
from coursecode.shop import Customer, create_schema

JOINED = datetime(2025, 1, 6, 9, 30)


def sign_ups(n: int, taken_every: int = 0) -> list[dict[str, Any]]:
    """n sign-ups; every ``taken_every``-th one reuses customer 1's email (0: none does)."""
    return [
        {
            "name": f"Customer {i}",
            "email": "customer1@example.com"
            if taken_every and i % taken_every == 0
            else f"new{i}@example.com",
            "country": "GB",
            "created_at": JOINED,
        }
        for i in range(1, n + 1)
    ]


def fresh_shop(engine: Engine) -> None:
    """An empty customers table but for customer 1."""
    create_schema(engine)
    with Session(engine) as session, session.begin():
        session.add(
            Customer(name="Customer 1", email="customer1@example.com", country="GB",
                     created_at=JOINED)
        )


# --8<-- [start:all-or-nothing]
def import_all_or_nothing(engine: Engine, rows: list[dict[str, Any]]) -> str:
    with Session(engine) as session:
        session.add_all([Customer(**row) for row in rows])
        try:
            session.commit()
        except IntegrityError as exc:
            session.rollback()  # required: until then the session refuses to do anything
            return f"{type(exc).__name__}; whole batch rolled back"
        return "imported"


# --8<-- [end:all-or-nothing]


# --8<-- [start:savepoints]
def import_with_savepoints(engine: Engine, rows: list[dict[str, Any]]) -> list[str]:
    """Insert each row inside its own SAVEPOINT; returns the emails that were skipped."""
    skipped = []
    with Session(engine) as session:
        for row in rows:
            try:
                with session.begin_nested():  # SAVEPOINT; RELEASE on success
                    session.add(Customer(**row))  # flushed when the block ends
            except IntegrityError:  # ROLLBACK TO SAVEPOINT: this row only
                skipped.append(row["email"])
        session.commit()  # everything else
    return skipped


# --8<-- [end:savepoints]


# --8<-- [start:on-conflict]
def import_on_conflict(engine: Engine, rows: list[dict[str, Any]]) -> int:
    """One INSERT, executed for every row in one call; the database skips taken emails."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[engine.dialect.name]
    stmt = dialect.insert(Customer).on_conflict_do_nothing(index_elements=["email"])
    with engine.begin() as conn:
        return conn.execute(stmt, rows).rowcount  # rows inserted


# --8<-- [end:on-conflict]


def customer_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Customer))


def timed_import(engine: Engine, run: Callable[[Engine, list], object], rows: list) -> float:
    """Seconds ``run`` takes to import ``rows`` into a fresh table (not timed), best of 3."""
    best = float("inf")
    for _ in range(3):
        fresh_shop(engine)
        start = time.perf_counter()
        run(engine, rows)
        best = min(best, time.perf_counter() - start)
    expected = 1 + sum(1 for row in rows if row["email"] != "customer1@example.com")
    if customer_count(engine) != expected:
        raise RuntimeError(f"{run.__name__} imported the wrong number of rows")
    return best


def measure(size: str) -> dict[str, float]:
    """Seconds to import n sign-ups (one in 50 a duplicate) with a savepoint per row and with
    one INSERT ... ON CONFLICT DO NOTHING; the ratio."""
    n = {"test": 200, "bench": 5_000}[size]
    rows = sign_ups(n, taken_every=50)
    with shared_database() as url:
        engine = transactional_engine(url)
        savepoints = timed_import(engine, import_with_savepoints, rows)
        on_conflict = timed_import(engine, import_on_conflict, rows)
        engine.dispose()
    return {
        "rows_n": n,
        "savepoints_s": savepoints,
        "on_conflict_s": on_conflict,
        "on_conflict_speedup_x": savepoints / on_conflict,
    }


if __name__ == "__main__":
    with shared_database() as url:
        engine = transactional_engine(url)  # on SQLite, savepoints need SQLAlchemy's BEGIN
        batch = sign_ups(5, taken_every=3)  # the third sign-up reuses a taken email
        # --8<-- [start:demo]
        fresh_shop(engine)
        print("without savepoints:", import_all_or_nothing(engine, batch))
        #> without savepoints: IntegrityError; whole batch rolled back
        print("customers:", customer_count(engine))
        #> customers: 1

        fresh_shop(engine)
        with count_queries(engine) as log:
            skipped = import_with_savepoints(engine, batch)
        print("with savepoints, skipped:", skipped)
        #> with savepoints, skipped: ['customer1@example.com']
        print("customers:", customer_count(engine))
        #> customers: 5
        print(*[sql for sql in log.sql() if "SAVEPOINT" in sql], sep="\n")
        '''
        SAVEPOINT sa_savepoint_1

        RELEASE SAVEPOINT sa_savepoint_1

        SAVEPOINT sa_savepoint_2

        RELEASE SAVEPOINT sa_savepoint_2

        SAVEPOINT sa_savepoint_3

        ROLLBACK TO SAVEPOINT sa_savepoint_3

        SAVEPOINT sa_savepoint_4

        RELEASE SAVEPOINT sa_savepoint_4

        SAVEPOINT sa_savepoint_5

        RELEASE SAVEPOINT sa_savepoint_5
        '''
        # --8<-- [end:demo]

        fresh_shop(engine)
        print("ON CONFLICT DO NOTHING inserted", import_on_conflict(engine, batch), "rows")
        #> ON CONFLICT DO NOTHING inserted 4 rows
        print("customers:", customer_count(engine))
        #> customers: 5
        engine.dispose()
