# test: databases
# test: timeout=120
"""The Module 11 exercise: a nightly job that imports orders, updates prices and builds a report.

The starter commits once per imported order, fetches each product before changing its price and
lazy-loads every customer's orders. The solution does the same work in one transaction with an
ORM bulk INSERT, an ORM bulk UPDATE by primary key and a selectinload, with raiseload guarding
against any lazy load that slips back in. On PostgreSQL a third version loads the orders with
COPY inside the same Session transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session, raiseload, selectinload

from coursecode.db import backend, get_engine
from coursecode.measure import best_of, count_queries
from coursecode.shop import Customer, Order, Product, load

Report = dict[str, list[int]]  # customer name -> ids of their pending orders
IMPORTED_AT = datetime(2025, 6, 1, 2, 0)
COUNTRY = "FR"


def new_orders(count: int, customers: int) -> list[dict[str, object]]:
    """``count`` pending orders spread over the shop's customers, a minute apart."""
    return [
        {
            "customer_id": (i * 7) % customers + 1,
            "status": "pending",
            "created_at": IMPORTED_AT + timedelta(minutes=i),
        }
        for i in range(count)
    ]


def price_changes(products: int) -> list[tuple[int, Decimal]]:
    """A new price for every product."""
    return [(i, Decimal(100 + i) / 4) for i in range(1, products + 1)]


# --8<-- [start:starter]
def nightly_job_slow(
    engine: Engine,
    orders: Sequence[dict[str, object]],
    prices: Sequence[tuple[int, Decimal]],
    country: str,
) -> Report:
    with Session(engine) as session:
        for values in orders:
            session.add(Order(**values))
            session.commit()  # a transaction per imported order
        for product_id, price in prices:
            product = session.get(Product, product_id)  # a SELECT per product
            if product is None:
                raise LookupError(f"no product {product_id}")
            product.price = price
        session.commit()
        customers = session.scalars(
            select(Customer).where(Customer.country == country).order_by(Customer.id)
        )
        return {  # each c.orders is a lazy load: a SELECT per customer
            c.name: sorted(o.id for o in c.orders if o.status == "pending") for c in customers
        }
        # --8<-- [end:starter]


# --8<-- [start:solution]
def nightly_job_fast(
    engine: Engine,
    orders: Sequence[dict[str, object]],
    prices: Sequence[tuple[int, Decimal]],
    country: str,
    load_orders: Callable[[Session, Sequence[dict[str, object]]], None] | None = None,
) -> Report:
    with Session(engine) as session:
        with session.begin():  # one transaction: the whole import, or none of it
            (load_orders or bulk_insert_orders)(session, orders)
            session.execute(  # ORM bulk UPDATE by primary key: no SELECTs, no objects
                update(Product), [{"id": pid, "price": price} for pid, price in prices]
            )
        stmt = (
            select(Customer)
            .where(Customer.country == country)
            .order_by(Customer.id)
            .options(selectinload(Customer.orders), raiseload("*"))  # anything else: raise
        )
        return {
            c.name: sorted(o.id for o in c.orders if o.status == "pending")
            for c in session.scalars(stmt)
        }


def bulk_insert_orders(session: Session, orders: Sequence[dict[str, object]]) -> None:
    """ORM bulk INSERT: insertmanyvalues on PostgreSQL, executemany on SQLite."""
    session.execute(insert(Order), list(orders))
    # --8<-- [end:solution]


# --8<-- [start:copy]
def copy_orders(session: Session, orders: Sequence[dict[str, object]]) -> None:
    """PostgreSQL: COPY on the Session's own connection, so it commits or rolls back with the
    rest of the Session's transaction."""
    if backend(session.get_bind()) != "postgresql":
        raise ValueError("COPY is a PostgreSQL command: use bulk_insert_orders on this database")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        (row["customer_id"], row["status"], row["created_at"]) for row in orders
    )
    buffer.seek(0)
    dbapi_connection = session.connection().connection.dbapi_connection
    with closing(dbapi_connection.cursor()) as cur:
        cur.copy_expert(
            "COPY orders (customer_id, status, created_at) FROM STDIN WITH (FORMAT csv)", buffer
        )
        # --8<-- [end:copy]


def state(engine: Engine) -> tuple[int, list[Decimal]]:
    """What the job leaves behind: the number of orders and every product's price."""
    with engine.connect() as conn:
        orders = conn.scalar(select(func.count()).select_from(Order))
        prices = conn.scalars(select(Product.price).order_by(Product.id))
        return orders, [round(Decimal(p), 2) for p in prices]  # SQLite NUMERIC is a float


def check_same(slow: Report, fast: Report) -> None:
    """A rewrite that changes the report is a bug, however fast: refuse to time it."""
    if slow != fast:
        raise RuntimeError("the solution's report differs from the starter's")


SIZES = {"test": ("tiny", 200), "bench": ("small", 2_000)}


def measure(size: str) -> dict[str, float]:
    """Seconds and statements for the starter and the solution, each on a freshly loaded shop."""
    scale, count = SIZES[size]
    engine = get_engine()
    data = load(engine, scale)
    orders = new_orders(count, len(data.customers))
    prices = price_changes(len(data.products))
    figures: dict[str, float] = {}
    reports = {}
    for name, job in (("slow", nightly_job_slow), ("fast", nightly_job_fast)):
        load(engine, scale)
        with count_queries(engine) as log:
            reports[name] = job(engine, orders, prices, COUNTRY)
        figures[f"{name}_queries_n"] = log.count
        timings = []
        for _ in range(1 if name == "slow" else 3):
            load(engine, scale)  # the job inserts rows: start each run from the same shop
            timings.append(best_of(lambda job=job: job(engine, orders, prices, COUNTRY), 1))
        figures[f"{name}_s"] = min(timings)
    check_same(reports["slow"], reports["fast"])
    figures["speedup_x"] = figures["slow_s"] / figures["fast_s"]
    engine.dispose()
    return figures


if __name__ == "__main__":
    # --8<-- [start:check]
    engine = get_engine()  # DATABASE_URL, else in-memory SQLite
    data = load(engine, "tiny")
    orders = new_orders(200, len(data.customers))
    prices = price_changes(len(data.products))
    with count_queries(engine) as slow_log:
        slow = nightly_job_slow(engine, orders, prices, COUNTRY)
    slow_state = state(engine)
    load(engine, "tiny")  # the same shop again
    with count_queries(engine) as fast_log:
        fast = nightly_job_fast(engine, orders, prices, COUNTRY)
    print("same report:", fast == slow, "| same orders and prices:", state(engine) == slow_state)
    #> same report: True | same orders and prices: True
    print(f"statements: starter {slow_log.count}, solution at most 5: {fast_log.count <= 5}")
    #> statements: starter 251, solution at most 5: True
    # --8<-- [end:check]
