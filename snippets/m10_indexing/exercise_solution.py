# test: databases
# test: timeout=120
"""Module 10 exercise: index a workload within a budget of four indexes.

The shop runs four queries all day. On the bare schema (primary keys and the unique email only)
each reads a whole table, and two of them also sort. The solution adds four indexes after which
no query reads a whole table, the busiest customer's latest orders come out of the index in
order, and every query returns what it returned before.
"""

from __future__ import annotations

import random

from sqlalchemy import Engine, text

from coursecode.db import get_engine
from coursecode.indexes import explain, full_scan, sort_step, vacuum_analyze
from coursecode.measure import best_of
from coursecode.shop import load

# --8<-- [start:starter]
WORKLOAD = {
    "latest orders": (
        "SELECT id, status, created_at FROM orders WHERE customer_id = :customer"
        " ORDER BY created_at DESC, id DESC LIMIT 20",
        {"customer": 1},  # the busiest customer: hundreds of orders
    ),
    "login": (
        "SELECT id, name FROM customers WHERE lower(email) = lower(:email)",
        {"email": "Customer7@Example.com"},
    ),
    "pending queue": (
        "SELECT id, customer_id, created_at FROM orders WHERE status = 'pending'"
        " ORDER BY created_at, id LIMIT 50",
        {},
    ),
    "order lines": (
        "SELECT product_id, quantity, unit_price FROM order_items WHERE order_id = :order",
        {"order": 77},
    ),
}
TABLES = ("orders", "order_items", "customers")
BUDGET = 4


def plans(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {name: explain(conn, sql, params) for name, (sql, params) in WORKLOAD.items()}


def full_scans(engine: Engine) -> dict[str, list[str]]:
    """For each query, the tables its plan reads whole."""
    with engine.connect() as conn:
        return {
            name: [table for table in TABLES if full_scan(conn, plan, table)]
            for name, plan in plans(engine).items()
        }


def sorting(engine: Engine) -> list[str]:
    """The queries whose plans sort rows rather than read them in order from an index."""
    return [name for name, plan in plans(engine).items() if sort_step(plan)]


def run_workload(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Each query's rows: in the query's order, or sorted where it asks for no order."""
    results = {}
    with engine.connect() as conn:
        for name, (sql, params) in WORKLOAD.items():
            rows = [tuple(row) for row in conn.execute(text(sql), params)]
            results[name] = rows if "ORDER BY" in sql else sorted(rows)
    return results


# --8<-- [end:starter]


# --8<-- [start:solution]
INDEXES = (
    # Equality column first, then the ORDER BY columns: one range of the index, already in
    # order. The id tie-break must be in the key for PostgreSQL, whose index entries end with a
    # heap location; SQLite's end with the rowid (here: id) anyway.
    "CREATE INDEX ix_orders_customer_created ON orders (customer_id, created_at, id)",
    # The query compares lower(email): index exactly that expression.
    "CREATE INDEX ix_customers_email_lower ON customers (lower(email))",
    # A few percent of orders are pending: index only those, in the queue's order.
    "CREATE INDEX ix_orders_pending ON orders (created_at, id) WHERE status = 'pending'",
    # Foreign keys get no index automatically: order -> lines needs one.
    "CREATE INDEX ix_order_items_order_id ON order_items (order_id)",
)


def add_indexes(engine: Engine) -> None:
    with engine.begin() as conn:
        for ddl in INDEXES:
            conn.execute(text(ddl))
    vacuum_analyze(engine)


# --8<-- [end:solution]


def workload_runs(engine: Engine, rounds: int) -> list[tuple[str, dict[str, object]]]:
    """``rounds`` sets of the four queries with varied parameters (deterministic)."""
    rng = random.Random(10)  # noqa: S311 - reproducible sample parameters
    with engine.connect() as conn:
        customers = conn.execute(text("SELECT count(*) FROM customers")).scalar_one()
        orders = conn.execute(text("SELECT count(*) FROM orders")).scalar_one()
    runs = []
    for _ in range(rounds):
        customer = rng.randint(1, customers)
        runs += [
            (WORKLOAD["latest orders"][0], {"customer": customer}),
            (WORKLOAD["login"][0], {"email": f"CUSTOMER{customer}@example.com"}),
            (WORKLOAD["pending queue"][0], {}),
            (WORKLOAD["order lines"][0], {"order": rng.randint(1, orders)}),
        ]
    return runs


def measure(size: str) -> dict[str, float]:
    engine = get_engine()
    load(engine, {"test": "small", "bench": "medium"}[size])
    runs = workload_runs(engine, rounds=50)

    def run_all() -> None:
        with engine.connect() as conn:
            for sql, params in runs:
                conn.execute(text(sql), params).all()

    before = best_of(run_all)
    scans_before = sum(map(len, full_scans(engine).values()))
    add_indexes(engine)
    after = best_of(run_all)
    return {
        "before_s": before,
        "after_s": after,
        "speedup_x": before / after,
        "full_scans_before_n": scans_before,
        "full_scans_after_n": sum(map(len, full_scans(engine).values())),
        "indexes_n": len(INDEXES),
    }


if __name__ == "__main__":
    # --8<-- [start:check]
    engine = get_engine()
    load(engine, "small")
    for name, tables in full_scans(engine).items():
        print(f"{name}: reads all of {', '.join(tables)}")
        #> latest orders: reads all of orders
        #> login: reads all of customers
        #> pending queue: reads all of orders
        #> order lines: reads all of order_items
    print("sorting:", sorting(engine))
    #> sorting: ['latest orders', 'pending queue']
    expected = run_workload(engine)
    add_indexes(engine)
    print("indexes within budget:", len(INDEXES) <= BUDGET)
    #> indexes within budget: True
    left = {name: tables for name, tables in full_scans(engine).items() if tables}
    print("full scans left:", left)
    #> full scans left: {}
    print("latest orders still sorts:", "latest orders" in sorting(engine))
    #> latest orders still sorts: False
    print("same results:", run_workload(engine) == expected)
    #> same results: True
    # --8<-- [end:check]
