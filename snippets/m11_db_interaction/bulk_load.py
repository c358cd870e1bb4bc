# test: databases
# test: output=per-database
# test: timeout=120
"""Eight ways to load the same rows, from a commit per row to COPY, on both databases.

The demo counts what the *database* ran for each way (``coursecode.server_statements``: a
statement trigger on PostgreSQL, the sqlite3 trace callback on SQLite); ``measure()`` times them.
``execute_batch``, ``execute_values`` and ``COPY`` are psycopg2 and PostgreSQL features: on SQLite
the demo says what SQLite uses instead, and ``measure()`` leaves them out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import datetime
from typing import Any

from psycopg2.extras import execute_batch, execute_values
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from coursecode import shop
from coursecode.db import backend, get_engine
from coursecode.dbapi import adapt, shared_database
from coursecode.measure import best_of
from coursecode.server_statements import server_statements
from coursecode.shop import Base, Customer

Row = tuple[str, str, str, datetime]  # name, email, country, created_at
INSERT = "INSERT INTO customers (name, email, country, created_at) VALUES (?, ?, ?, ?)"
PAGE = 1000  # rows per statement or message for the batching helpers; SQLAlchemy's default too


# --8<-- [start:dbapi]
@contextmanager
def driver_cursor(engine: Engine) -> Iterator[tuple[Any, Any]]:
    """(driver connection, cursor) from the engine's pool: how an SQLAlchemy application reaches
    psycopg2's own features (execute_values, COPY). Returned to the pool afterwards."""
    with closing(engine.raw_connection()) as pooled:
        dbapi = pooled.dbapi_connection
        with closing(dbapi.cursor()) as cursor:
            yield dbapi, cursor


def as_text(rows: Sequence[Row]) -> list[tuple[str, str, str, str]]:
    """Timestamps as ISO text, which both drivers pass through and both databases parse."""
    return [(name, email, country, at.isoformat(" ")) for name, email, country, at in rows]


def row_by_row_commit(engine: Engine, rows: Sequence[Row]) -> None:
    """The baseline: one INSERT and one COMMIT per row (a round trip and a durable write each)."""
    with driver_cursor(engine) as (dbapi, cur):
        sql = adapt(dbapi, INSERT)
        for row in as_text(rows):
            cur.execute(sql, row)
            dbapi.commit()


def executemany(engine: Engine, rows: Sequence[Row]) -> None:
    """One call, one transaction. psycopg2 still runs execute() once per row."""
    with driver_cursor(engine) as (dbapi, cur):
        cur.executemany(adapt(dbapi, INSERT), as_text(rows))
        dbapi.commit()


def psycopg2_execute_batch(engine: Engine, rows: Sequence[Row]) -> None:
    """PostgreSQL: PAGE single-row INSERTs joined into one message, one message per page."""
    with driver_cursor(engine) as (dbapi, cur):
        execute_batch(cur, adapt(dbapi, INSERT), as_text(rows), page_size=PAGE)
        dbapi.commit()


def psycopg2_execute_values(engine: Engine, rows: Sequence[Row]) -> None:
    """PostgreSQL: one INSERT ... VALUES (...), (...), ... statement per PAGE rows."""
    sql = "INSERT INTO customers (name, email, country, created_at) VALUES %s"
    with driver_cursor(engine) as (dbapi, cur):
        execute_values(cur, sql, as_text(rows), page_size=PAGE)
        dbapi.commit()


def postgres_copy(engine: Engine, rows: Sequence[Row]) -> None:
    """PostgreSQL: COPY streams every row in one statement, with no per-row SQL to parse."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(as_text(rows))  # CSV quoting copes with commas and quotes
    buffer.seek(0)
    with driver_cursor(engine) as (dbapi, cur):
        cur.copy_expert(
            "COPY customers (name, email, country, created_at) FROM STDIN WITH (FORMAT csv)",
            buffer,
        )
        dbapi.commit()
        # --8<-- [end:dbapi]


# --8<-- [start:sqlalchemy]
def as_dicts(rows: Sequence[Row]) -> list[dict[str, object]]:
    return [dict(zip(("name", "email", "country", "created_at"), row, strict=True)) for row in rows]


def core_insert(engine: Engine, rows: Sequence[Row]) -> None:
    """Core insert() with a list of dicts: "insertmanyvalues" batches on PostgreSQL; on SQLite,
    with no RETURNING needed, the driver's executemany()."""
    with engine.begin() as conn:
        conn.execute(insert(Customer.__table__), as_dicts(rows))


def orm_bulk_insert(engine: Engine, rows: Sequence[Row]) -> None:
    """ORM bulk INSERT: the Session sends the dicts as one batched statement, no objects."""
    with Session(engine) as session, session.begin():
        session.execute(insert(Customer), as_dicts(rows))


def orm_add_all(engine: Engine, rows: Sequence[Row]) -> None:
    """The unit of work: objects, whose new primary keys the Session must read back."""
    with Session(engine) as session, session.begin():
        session.add_all(Customer(**values) for values in as_dicts(rows))
        # --8<-- [end:sqlalchemy]


Method = Callable[[Engine, Sequence[Row]], None]
METHODS: dict[str, Method] = {
    "row_by_row_commit": row_by_row_commit,
    "executemany": executemany,
    "execute_batch": psycopg2_execute_batch,
    "execute_values": psycopg2_execute_values,
    "copy": postgres_copy,
    "core_insert": core_insert,
    "orm_bulk_insert": orm_bulk_insert,
    "orm_add_all": orm_add_all,
}
POSTGRES_ONLY = {"execute_batch", "execute_values", "copy"}
ON_SQLITE = "psycopg2/PostgreSQL only; SQLite's bulk path is executemany in one transaction"


def methods_for(engine: Engine) -> dict[str, Method]:
    """The load methods that exist on this engine's database."""
    if backend(engine) == "postgresql":
        return METHODS
    return {name: method for name, method in METHODS.items() if name not in POSTGRES_ONLY}


def rows_to_load(count: int) -> list[Row]:
    """``count`` realistic customers from the sample shop, without their ids."""
    return [row[1:] for row in shop.generate(count).customers]


def create_table(engine: Engine) -> None:
    Base.metadata.drop_all(engine)
    Customer.__table__.create(engine)


def empty_table(engine: Engine) -> None:
    sql = {
        "postgresql": "TRUNCATE customers RESTART IDENTITY",
        "sqlite": "DELETE FROM customers",
    }[backend(engine)]
    with engine.begin() as conn:
        conn.execute(text(sql))


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM customers")).scalar_one()


def check_stored(engine: Engine, method: str, expected: int) -> None:
    """A load that loses rows is a bug, however fast: refuse to report its time."""
    if (found := stored(engine)) != expected:
        raise RuntimeError(f"{method} stored {found} of {expected} rows")


SIZES = {"test": 300, "bench": 20_000}


def measure(size: str) -> dict[str, float]:
    """Seconds to load the same rows each way into an empty table, and speed-ups over a commit
    per row. SQLite runs in a file (shared_database): in memory nothing would be made durable."""
    rows = rows_to_load(SIZES[size])
    best: dict[str, float] = {}
    with shared_database() as url:
        engine = get_engine(url)
        create_table(engine)
        methods = methods_for(engine)
        # Take turns, emptying the table (untimed) before each run. A commit per row costs a
        # durable write per row, so the baseline runs once; the others keep the best of three.
        for round_ in range(3):
            for name, method in methods.items():
                if name == "row_by_row_commit" and round_ > 0:
                    continue
                empty_table(engine)
                seconds = best_of(lambda method=method: method(engine, rows), repeat=1)
                best[name] = min(best.get(name, seconds), seconds)
                check_stored(engine, name, len(rows))
        engine.dispose()
    figures = {f"{name}_s": seconds for name, seconds in best.items()}
    for name, seconds in best.items():
        if name != "row_by_row_commit":
            figures[f"{name}_speedup_x"] = best["row_by_row_commit"] / seconds
    figures["rows_n"] = len(rows)
    return figures


if __name__ == "__main__":
    with shared_database() as url:
        engine = get_engine(url)  # DATABASE_URL, else a SQLite file in a temporary folder
        # --8<-- [start:demo]
        create_table(engine)
        rows = rows_to_load(1_100)  # PAGE is 1,000: two pages for the batching methods
        available = methods_for(engine)
        print(f"{len(rows):,} customers loaded each way on {backend(engine)}:")
        with server_statements(engine, "customers", "INSERT") as counter:
            for name, method in METHODS.items():
                if name not in available:
                    print(f"  {name:<18} {ON_SQLITE}")
                    continue
                empty_table(engine)
                counter.take()  # start from zero
                method(engine, rows)
                seen = counter.take()
                sent = "in-process" if seen.messages is None else f"messages: {seen.messages:,}"
                counts = f"rows: {stored(engine):,}  INSERTs: {seen.statements:,}"
                print(f"  {name:<18} {counts}  {sent}")
        # --8<-- [end:demo]
        engine.dispose()
