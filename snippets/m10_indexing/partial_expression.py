# test: databases
# test: output=per-database
"""Partial indexes (only the rows a query asks for) and expression indexes (lower(email)).

measure() compares a partial index's size with a full one's, and times a case-insensitive email
lookup with and without the expression index.
"""

from __future__ import annotations

import random

from sqlalchemy import Connection, Engine, text

from coursecode.db import get_engine
from coursecode.indexes import btree_shape, explain, relation_bytes, show_plan, vacuum_analyze
from coursecode.measure import best_of
from coursecode.shop import load

# --8<-- [start:partial]
PARTIAL = "CREATE INDEX ix_orders_pending ON orders (created_at) WHERE status = 'pending'"
FULL = "CREATE INDEX ix_orders_created_at ON orders (created_at)"
OLDEST_PENDING = (
    "SELECT id, created_at FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 10"
)
OLDEST_DELIVERED = (
    "SELECT id, created_at FROM orders WHERE status = 'delivered' ORDER BY created_at LIMIT 10"
)
OLDEST_BOUND = (
    "SELECT id, created_at FROM orders WHERE status = :status ORDER BY created_at LIMIT 10"
)
# --8<-- [end:partial]
# --8<-- [start:expression]
EXPRESSION = "CREATE INDEX ix_customers_email_lower ON customers (lower(email))"
BY_EMAIL = "SELECT id, name FROM customers WHERE lower(email) = lower(:email)"
# --8<-- [end:expression]


def execute(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    vacuum_analyze(engine)


def entries_and_size(conn: Connection, index: str) -> str:
    shape = btree_shape(conn, index)
    return f"{index}: {shape.leaf_entries} entries, {relation_bytes(conn, index) // 1024} KiB"


# --8<-- [start:generic]
def generic_plan(conn: Connection) -> str:
    """PostgreSQL: the plan of a prepared statement planned once for any parameter value."""
    conn.execute(
        text(
            "PREPARE oldest(text) AS SELECT id, created_at FROM orders"
            " WHERE status = $1 ORDER BY created_at LIMIT 10"
        )
    )
    conn.execute(text("SET plan_cache_mode = force_generic_plan"))
    plan = explain(conn, "EXECUTE oldest('pending')")
    conn.execute(text("RESET plan_cache_mode"))
    conn.execute(text("DEALLOCATE oldest"))
    return plan


# --8<-- [end:generic]


def demo(engine: Engine) -> None:
    load(engine, "small")  # 5,000 orders: about 3% pending
    # --8<-- [start:partial-demo]
    execute(engine, PARTIAL, FULL)
    with engine.connect() as conn:
        print(entries_and_size(conn, "ix_orders_pending"))
        print(entries_and_size(conn, "ix_orders_created_at"))
        print()
    execute(engine, "DROP INDEX ix_orders_created_at")
    with engine.connect() as conn:
        show_plan(conn, "the query matches the index's WHERE", OLDEST_PENDING)
        show_plan(conn, "a status the partial index does not hold", OLDEST_DELIVERED)
        show_plan(conn, "the status as a bound parameter", OLDEST_BOUND, {"status": "pending"})
        if conn.dialect.name == "postgresql":
            print("== the same query as a generic prepared plan ($1 unknown when planning) ==")
            print(generic_plan(conn))
            print()
    # --8<-- [end:partial-demo]
    # --8<-- [start:expression-demo]
    email = {"email": "Customer42@Example.COM"}
    with engine.connect() as conn:
        show_plan(conn, "lower(email) without an index on it", BY_EMAIL, email)
    execute(engine, EXPRESSION)
    with engine.connect() as conn:
        show_plan(conn, "lower(email) with an expression index", BY_EMAIL, email)
        print("found:", conn.execute(text(BY_EMAIL), email).all())
    # --8<-- [end:expression-demo]


def measure(size: str) -> dict[str, float]:
    engine = get_engine()
    load(engine, {"test": "small", "bench": "medium"}[size])
    execute(engine, PARTIAL, FULL)
    with engine.connect() as conn:
        partial = relation_bytes(conn, "ix_orders_pending")
        full = relation_bytes(conn, "ix_orders_created_at")
        customers = conn.execute(text("SELECT count(*) FROM customers")).scalar_one()
    emails = [
        {"email": f"Customer{n}@Example.com"}
        for n in random.Random(5).sample(range(1, customers + 1), 200)  # noqa: S311
    ]

    def lookups() -> None:
        with engine.connect() as conn:
            for email in emails:
                conn.execute(text(BY_EMAIL), email).one()

    scan_s = best_of(lookups) / len(emails)
    execute(engine, EXPRESSION)
    indexed_s = best_of(lookups) / len(emails)
    return {
        "partial_mib": partial / 2**20,
        "full_mib": full / 2**20,
        "partial_smaller_x": full / partial,
        "email_scan_s": scan_s,
        "email_indexed_s": indexed_s,
        "expression_speedup_x": scan_s / indexed_s,
    }


if __name__ == "__main__":
    demo(get_engine())
