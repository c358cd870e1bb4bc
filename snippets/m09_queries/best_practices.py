# test: databases
"""Habits of efficient, safe SQL from Python: bind parameters, ask for the columns and rows you
need, send many rows in one call, stream big results in batches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, text

from coursecode.db import get_engine
from coursecode.measure import count_queries
from coursecode.shop import Customer, Order, load


# --8<-- [start:injection]
def find_customers_unsafe(conn: Connection, name: str) -> int:
    """WHAT NOT TO DO: the input becomes part of the SQL text."""
    sql = f"SELECT count(*) FROM customers WHERE name = '{name}'"  # noqa: S608 - the injection demo
    return conn.execute(text(sql)).scalar_one()


def find_customers(conn: Connection, name: str) -> int:
    """Bind parameter: the input travels as a value and is never parsed as SQL."""
    sql = text("SELECT count(*) FROM customers WHERE name = :name")
    return conn.execute(sql, {"name": name}).scalar_one()


# --8<-- [end:injection]


# --8<-- [start:columns]
def latest_orders(conn: Connection, customer_id: int, limit: int = 3) -> list[tuple[int, str]]:
    # Only the columns the caller uses, only the rows it shows, newest first.
    stmt = (
        select(Order.id, Order.status)
        .where(Order.customer_id == customer_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    )
    return [(row.id, row.status) for row in conn.execute(stmt)]


# --8<-- [end:columns]


# --8<-- [start:batch]
def add_customers(conn: Connection, rows: list[dict[str, object]]) -> None:
    # One execute() with a list of dicts: SQLAlchemy batches the rows (executemany or
    # "insertmanyvalues"), instead of one round trip per row.
    conn.execute(insert(Customer), rows)


def stream_customers(engine: Engine, batch: int = 250) -> tuple[int, int]:
    # yield_per streams a big result in fixed-size batches instead of loading it all at once
    # (a server-side cursor on PostgreSQL); memory stays flat whatever the table size.
    batches = rows = 0
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(
            select(Customer.id, Customer.country).order_by(Customer.id)
        )
        for partition in result.partitions():
            batches += 1
            rows += len(partition)
    return batches, rows


# --8<-- [end:batch]


engine = get_engine()
load(engine, "tiny")  # 100 customers
with engine.connect() as conn:
    # --8<-- [start:injection-demo]
    hostile = "x' OR '1'='1"
    print("unsafe:", find_customers_unsafe(conn, hostile), "customers matched")
    #> unsafe: 100 customers matched
    print("bound: ", find_customers(conn, hostile), "customers matched")
    #> bound:  0 customers matched
    # --8<-- [end:injection-demo]
    print(latest_orders(conn, customer_id=1))
    #> [(356, 'delivered'), (257, 'delivered'), (15, 'delivered')]
joined = datetime(2025, 1, 1)
new: list[dict[str, object]] = [
    {"name": f"New {i}", "email": f"new{i}@example.com", "country": "GB", "created_at": joined}
    for i in range(200)
]
with count_queries(engine) as log, engine.begin() as conn:
    add_customers(conn, new)
print(f"200 rows inserted with {log.count} statement(s)")
#> 200 rows inserted with 1 statement(s)
print("batches, rows:", stream_customers(engine))
#> batches, rows: (2, 300)
