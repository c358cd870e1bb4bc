# test: databases
# test: output=per-database
"""Read real execution plans on SQLite (EXPLAIN QUERY PLAN) and PostgreSQL (EXPLAIN [ANALYZE]).

Run it on in-memory SQLite with ``python snippets/m09_queries/plans.py`` and on PostgreSQL with
``DATABASE_URL=postgresql://USER@HOST/DB python snippets/m09_queries/plans.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, Engine, text

from coursecode.db import get_engine
from coursecode.shop import load


# --8<-- [start:explain]
def explain(conn: Connection, sql: str, params: Mapping[str, object], analyze: bool = False) -> str:
    """The plan the database chooses for ``sql``, as text, on either backend.

    ``analyze=True`` (PostgreSQL only) runs the statement and adds measured rows and timings.
    """
    if conn.dialect.name == "sqlite":
        # Rows are (id, parent, notused, detail): indent each step under its parent.
        rows = conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params).all()
        depth = {0: -1}
        lines = []
        for node_id, parent, _, detail in rows:
            depth[node_id] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node_id] + detail)
        return "\n".join(lines)
    options = "(ANALYZE, BUFFERS)" if analyze else ""
    rows = conn.execute(text(f"EXPLAIN {options} {sql}"), params).all()
    return "\n".join(row[0] for row in rows)


# --8<-- [end:explain]


def refresh_statistics(engine: Engine) -> None:
    """ANALYZE (both backends) and, on PostgreSQL, VACUUM: it sets the visibility map that
    index-only scans rely on, so plans do not change when autovacuum happens to run."""
    command = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(command))


def planner_statistics(conn: Connection) -> str:
    """What ANALYZE stored about orders.status: an average (SQLite) or a histogram (PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        # sqlite_stat1 holds "rows-in-index rows-per-distinct-value" for each index.
        stat = conn.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_orders_status'")
        ).scalar_one()
        return f"sqlite_stat1 = {stat!r} (rows, average rows per value)"
    values, frequencies = conn.execute(
        text(
            "SELECT most_common_vals::text, most_common_freqs::text FROM pg_stats"
            " WHERE tablename = 'orders' AND attname = 'status'"
        )
    ).one()
    return f"most_common_vals = {values}, most_common_freqs = {frequencies}"


def show(conn: Connection, title: str, sql: str, params: Mapping[str, object]) -> None:
    print(f"== {title} ==")
    print(f"{sql}  {dict(params)}")
    print(explain(conn, sql, params))
    print()


def demo(engine: Engine) -> None:
    postgres = engine.dialect.name == "postgresql"
    # --8<-- [start:index]
    by_customer = "SELECT id, status FROM orders WHERE customer_id = :customer_id"
    with engine.connect() as conn:
        show(conn, "one customer's orders, no index", by_customer, {"customer_id": 42})
        conn.execute(text("CREATE INDEX ix_orders_customer_id ON orders (customer_id)"))
        conn.execute(text("CREATE INDEX ix_orders_status ON orders (status)"))
        conn.commit()
    refresh_statistics(engine)
    with engine.connect() as conn:
        show(conn, "the same query, with an index", by_customer, {"customer_id": 42})
        # --8<-- [end:index]
        # --8<-- [start:covering]
        show(
            conn,
            "only indexed columns needed: a covering / index-only candidate",
            "SELECT count(*) FROM orders WHERE customer_id = :customer_id",
            {"customer_id": 42},
        )
        show(
            conn,
            "primary-key lookup",
            "SELECT id, status FROM orders WHERE id = :id",
            {"id": 4242},
        )
        # --8<-- [end:covering]
        # --8<-- [start:selectivity]
        counts = conn.execute(
            text("SELECT status, count(*) FROM orders GROUP BY status ORDER BY count(*) DESC")
        ).all()
        print("orders by status:", ", ".join(f"{status}={n}" for status, n in counts))
        print("what the planner knows about orders.status:", planner_statistics(conn))
        print()
        by_status = "SELECT id, customer_id FROM orders WHERE status = :status"
        show(conn, "low selectivity: most orders match", by_status, {"status": "delivered"})
        show(conn, "high selectivity: few orders match", by_status, {"status": "cancelled"})
        # --8<-- [end:selectivity]
        # --8<-- [start:joins]
        join = "SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id"
        one_customer = f"{join} WHERE c.id = :id"
        one_country = f"{join} WHERE c.country = :country"
        show(conn, "join, one customer", one_customer, {"id": 42})
        show(conn, "join, a whole country", one_country, {"country": "JP"})
        # --8<-- [end:joins]
        if postgres:
            # --8<-- [start:seqcost]
            pages, rows = conn.execute(
                text("SELECT relpages, reltuples FROM pg_class WHERE relname = 'orders'")
            ).one()
            seq_page_cost, cpu_tuple_cost = conn.execute(
                text(
                    "SELECT current_setting('seq_page_cost')::float,"
                    " current_setting('cpu_tuple_cost')::float"
                )
            ).one()
            estimate = pages * seq_page_cost + rows * cpu_tuple_cost
            print("== where a Seq Scan's total cost comes from ==")
            print(
                f"pages × seq_page_cost + rows × cpu_tuple_cost = {pages} × {seq_page_cost}"
                f" + {rows:.0f} × {cpu_tuple_cost} = {estimate:.2f}"
            )
            print(explain(conn, "SELECT * FROM orders", {}))
            print()
            # --8<-- [end:seqcost]
            # --8<-- [start:analyze]
            print("== EXPLAIN (ANALYZE, BUFFERS): estimates next to what really happened ==")
            print(explain(conn, one_country, {"country": "JP"}, analyze=True))
            print()
            # --8<-- [end:analyze]

    # --8<-- [start:dml]
    # EXPLAIN ANALYZE really runs the statement: run DML inside a transaction and roll it back.
    delete = "DELETE FROM order_items WHERE order_id = :order_id"
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            print("== a DELETE, explained inside a transaction that is rolled back ==")
            print(explain(conn, delete, {"order_id": 7}, analyze=postgres))
        finally:
            transaction.rollback()
        left = conn.execute(
            text("SELECT count(*) FROM order_items WHERE order_id = :order_id"), {"order_id": 7}
        ).scalar_one()
        print(f"order 7 still has {left} items after the rollback")
    # --8<-- [end:dml]


engine = get_engine()
load(engine, "small")  # 1,000 customers, 5,000 orders; load() runs ANALYZE
demo(engine)
