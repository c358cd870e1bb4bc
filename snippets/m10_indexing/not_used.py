# test: databases
# test: output=per-database
"""When an index exists and is not used: low selectivity, a function or a cast on the column,
LIKE with a leading wildcard, and LIKE with a prefix under the wrong collation.

measure() times the low-selectivity query and the prefix LIKE (once the index that suits it
exists) with an index and with a full scan, forcing whichever plan the planner would not pick.
"""

from __future__ import annotations

import random

from sqlalchemy import Connection, Engine, text

from coursecode.db import get_engine
from coursecode.indexes import buffers_touched, explain, show_plan, vacuum_analyze
from coursecode.measure import best_of_interleaved
from coursecode.shop import load

# --8<-- [start:queries]
MOST_ITEMS = "SELECT sum(quantity * unit_price) FROM order_items WHERE quantity >= :q"
BY_EMAIL_LOWER = "SELECT id FROM customers WHERE lower(email) = :email"
BY_CUSTOMER = "SELECT id FROM orders WHERE customer_id = :customer"
EMAIL_LIKE = "SELECT id FROM customers WHERE email LIKE :pattern"
# --8<-- [end:queries]


# --8<-- [start:like-index]
def like_index(dialect: str) -> str:
    """An index that LIKE 'prefix%' can use.

    SQLite's LIKE ignores ASCII case, so the index must too (COLLATE NOCASE). PostgreSQL
    compares text by the database's collation, and a prefix range is only valid under the "C"
    collation: elsewhere the index needs the pattern operator class.
    """
    if dialect == "postgresql":
        return "CREATE INDEX ix_customers_email_like ON customers (email varchar_pattern_ops)"
    return "CREATE INDEX ix_customers_email_like ON customers (email COLLATE NOCASE)"


# --8<-- [end:like-index]


def setup(engine: Engine, scale: str) -> None:
    load(engine, scale)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_order_items_quantity ON order_items (quantity)"))
        conn.execute(text("CREATE INDEX ix_orders_customer_id ON orders (customer_id)"))
        if engine.dialect.name == "postgresql":
            conn.execute(text("CREATE INDEX ix_customers_email ON customers (email)"))
    vacuum_analyze(engine)


def show(conn: Connection, title: str, sql: str, params: dict[str, object]) -> None:
    show_plan(conn, title, sql, params, echo=True)  # with the SQL and its parameters


def collation(conn: Connection) -> str:
    if conn.dialect.name == "sqlite":
        return "SQLite: LIKE ignores ASCII case; indexes compare with BINARY unless told otherwise"
    value = conn.execute(
        text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
    ).scalar_one()
    return f"PostgreSQL database collation: {value}"


def demo(engine: Engine) -> None:
    setup(engine, "small")
    with engine.connect() as conn:
        # --8<-- [start:selectivity]
        share = conn.execute(
            text("SELECT avg(CASE WHEN quantity >= 2 THEN 1.0 ELSE 0 END) FROM order_items")
        ).scalar_one()
        print(f"order items with quantity >= 2: {float(share):.0%}")
        show(conn, "low selectivity: most rows match", MOST_ITEMS, {"q": 2})
        # --8<-- [end:selectivity]
        # --8<-- [start:function]
        show(conn, "a function on the column", BY_EMAIL_LOWER, {"email": "customer42@example.com"})
        show(conn, "an integer column, an integer parameter", BY_CUSTOMER, {"customer": 42})
        show(conn, "the same column, a float parameter", BY_CUSTOMER, {"customer": 42.0})
        # --8<-- [end:function]
        # --8<-- [start:like]
        print(collation(conn))
        print()
        show(conn, "LIKE with a leading wildcard", EMAIL_LIKE, {"pattern": "%42@example.com"})
        show(conn, "LIKE with a prefix", EMAIL_LIKE, {"pattern": "customer42%"})
    with engine.begin() as conn:
        conn.execute(text(like_index(engine.dialect.name)))
    vacuum_analyze(engine)
    with engine.connect() as conn:
        show(conn, "LIKE with a prefix, suitable index", EMAIL_LIKE, {"pattern": "customer42%"})
        show(conn, "leading wildcard, suitable index", EMAIL_LIKE, {"pattern": "%42@example.com"})
        # --8<-- [end:like]


# --8<-- [start:measure]
def forced(conn: Connection, sql: str, table: str, use_index: bool) -> str:
    """``sql`` as ``conn`` will run it with an index (``use_index``) or with a full scan, whatever
    the planner would prefer: SQLite's NOT INDEXED, or PostgreSQL's enable_* settings for this
    connection. Forcing both sides lets the plan the planner rejected be timed too."""
    if conn.dialect.name == "sqlite":
        return sql if use_index else sql.replace(f"FROM {table}", f"FROM {table} NOT INDEXED")
    off = ("seqscan", "bitmapscan") if use_index else ("indexscan", "indexonlyscan", "bitmapscan")
    for setting in off:
        conn.execute(text(f"SET enable_{setting} = off"))
    return sql


def index_against_scan(
    engine: Engine, sql: str, table: str, params: list[dict[str, object]]
) -> tuple[float, float, str, str]:
    """Seconds for ``sql`` once per params dict with an index and with a full scan, timed in
    turns, and the two plans (on PostgreSQL with the pages each touched)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as indexed, engine.connect() as scanning:
        runs, plans = {}, []
        for conn, use_index in ((indexed, True), (scanning, False)):
            statement = forced(conn, sql, table, use_index)
            plans.append(explain(conn, statement, params[0], analyze=postgres))

            def run(conn: Connection = conn, statement: str = statement) -> None:
                for p in params:
                    conn.execute(text(statement), p).all()

            runs["index" if use_index else "scan"] = run
        times = best_of_interleaved(runs, rounds=5)
    return times["index"], times["scan"], plans[0], plans[1]


def measure(size: str) -> dict[str, float]:
    engine = get_engine()
    setup(engine, {"test": 3_000, "bench": "medium"}[size])  # customers
    index_s, scan_s, index_plan, scan_plan = index_against_scan(
        engine, MOST_ITEMS, "order_items", [{"q": 2}]
    )
    figures = {
        "low_selectivity_index_s": index_s,
        "low_selectivity_scan_s": scan_s,
        "low_selectivity_index_vs_scan_x": index_s / scan_s,
    }
    if engine.dialect.name == "postgresql":
        pages = buffers_touched(index_plan) / buffers_touched(scan_plan)
        figures["low_selectivity_pages_x"] = pages
    with engine.begin() as conn:
        conn.execute(text(like_index(engine.dialect.name)))
    vacuum_analyze(engine)
    customers = random.Random(11).sample(range(1, 1_000), 100)  # noqa: S311
    patterns: list[dict[str, object]] = [{"pattern": f"customer{n}%"} for n in customers]
    index_s, scan_s, index_plan, scan_plan = index_against_scan(
        engine, EMAIL_LIKE, "customers", patterns
    )
    if engine.dialect.name == "postgresql":
        figures["like_prefix_pages_x"] = buffers_touched(scan_plan) / buffers_touched(index_plan)
    figures["like_prefix_indexed_s"] = index_s / len(patterns)
    figures["like_prefix_scan_s"] = scan_s / len(patterns)
    figures["like_prefix_speedup_x"] = scan_s / index_s
    return figures


# --8<-- [end:measure]


if __name__ == "__main__":
    demo(get_engine())
