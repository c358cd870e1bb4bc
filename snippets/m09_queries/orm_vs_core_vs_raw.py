# test: databases
# test: output=per-database
# test: timeout=120
"""One query four ways: raw DB-API cursor, SQLAlchemy Core, ORM entities, ORM columns.

The demo prints what each returns, how many statements SQLAlchemy saw, and the SQL it sent;
measure() times each way on the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from coursecode.db import get_engine
from coursecode.measure import best_of, count_queries
from coursecode.shop import Customer, Order, load

# --8<-- [start:raw]
# The DB-API leaves the placeholder style to the driver: sqlite3 uses ?, psycopg2 uses %s.
RAW_SQL = {
    "sqlite": (
        "SELECT o.id, o.created_at, c.name FROM orders o"
        " JOIN customers c ON c.id = o.customer_id WHERE o.status = ? ORDER BY o.id"
    ),
    "postgresql": (
        "SELECT o.id, o.created_at, c.name FROM orders o"
        " JOIN customers c ON c.id = o.customer_id WHERE o.status = %s ORDER BY o.id"
    ),
}


def with_raw_cursor(engine: Engine, status: str) -> list[tuple[Any, ...]]:
    connection = engine.raw_connection()  # the driver's own connection, from the pool
    try:
        cursor = connection.cursor()
        cursor.execute(RAW_SQL[engine.dialect.name], (status,))
        rows = cursor.fetchall()
        cursor.close()
        return rows
    finally:
        connection.close()  # back to the pool


# --8<-- [end:raw]


# --8<-- [start:core]
def with_core(engine: Engine, status: str) -> list[tuple[int, datetime, str]]:
    stmt = (
        select(Order.id, Order.created_at, Customer.name)
        .join(Order.customer)
        .where(Order.status == status)
        .order_by(Order.id)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(stmt)]


# --8<-- [end:core]


# --8<-- [start:orm]
def with_orm_entities(engine: Engine, status: str) -> list[tuple[int, datetime, str]]:
    # Whole objects: every column of both tables, identity map, change tracking.
    stmt = (
        select(Order, Customer)
        .join(Order.customer)
        .where(Order.status == status)
        .order_by(Order.id)
    )
    with Session(engine) as session:
        return [(o.id, o.created_at, c.name) for o, c in session.execute(stmt)]


def with_orm_columns(engine: Engine, status: str) -> list[tuple[int, datetime, str]]:
    # The same ORM query asking only for the columns it uses: plain rows, no objects.
    stmt = (
        select(Order.id, Order.created_at, Customer.name)
        .join(Order.customer)
        .where(Order.status == status)
        .order_by(Order.id)
    )
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(stmt)]


# --8<-- [end:orm]

WAYS: dict[str, Callable[[Engine, str], list[tuple[Any, ...]]]] = {
    "raw": with_raw_cursor,
    "core": with_core,
    "orm_entities": with_orm_entities,
    "orm_columns": with_orm_columns,
}


def measure(size: str) -> dict[str, float]:
    """Seconds to fetch every delivered order with its customer's name, four ways."""
    engine = get_engine()
    load(engine, {"test": "small", "bench": "medium"}[size])
    figures = {
        f"{name}_s": best_of(lambda way=way: way(engine, "delivered"), repeat=5)
        for name, way in WAYS.items()
    }
    for name in ("core", "orm_entities", "orm_columns"):
        figures[f"{name}_vs_raw_x"] = figures[f"{name}_s"] / figures["raw_s"]
    return figures


def demo(engine: Engine) -> None:
    for name, way in WAYS.items():
        with count_queries(engine) as log:
            rows = way(engine, "cancelled")
        print(f"== {name}: {len(rows)} rows; first: {rows[0]}")
        print(f"statements SQLAlchemy saw: {log.count}")
        for sql in log.sql():
            print(f"  {sql}")


if __name__ == "__main__":
    engine = get_engine()
    load(engine, "small")
    demo(engine)
