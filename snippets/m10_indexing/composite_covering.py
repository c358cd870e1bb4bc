# test: databases
# test: output=per-database
# test: timeout=120
"""Composite indexes (column order, a skipped leading column) and covering / index-only scans.

Each index is created alone, so the plan shows what that one index can do. measure() times the
column orders and covering against plain on a bigger shop.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, TextClause, text

from coursecode.db import get_engine
from coursecode.indexes import buffers_touched, explain, show_plan, vacuum_analyze
from coursecode.measure import best_of_interleaved
from coursecode.shop import load

# --8<-- [start:queries]
CUSTOMER_QUARTER = (
    "SELECT id, created_at FROM orders"
    " WHERE customer_id = :customer AND created_at >= :start AND created_at < :end"
)
LATEST = (
    "SELECT id, created_at FROM orders WHERE customer_id = :customer"
    " ORDER BY created_at DESC LIMIT 5"
)
ONE_WEEK = "SELECT id FROM orders WHERE created_at >= :start AND created_at < :end"
REPORT = (
    "SELECT count(*), max(created_at) FROM orders"
    " WHERE customer_id BETWEEN :low AND :high AND status <> 'cancelled'"
)

QUARTER = {"customer": 1, "start": datetime(2024, 4, 1), "end": datetime(2024, 7, 1)}
WEEK = {"start": datetime(2024, 3, 4), "end": datetime(2024, 3, 11)}
CUSTOMERS = {"low": 100, "high": 299}
# --8<-- [end:queries]


def only_index(engine: Engine, ddl: str) -> None:
    """Drop this example's indexes, create the one in ``ddl``, refresh statistics."""
    with engine.begin() as conn:
        for name in ("ix_eq_first", "ix_range_first", "ix_status_created", "ix_history",
                     "ix_history_covering"):
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        conn.execute(text(ddl))
    vacuum_analyze(engine)


def show(conn: Connection, title: str, sql: str, params: dict[str, object]) -> None:
    """The plan; on PostgreSQL with ANALYZE, for its buffer counts and index searches."""
    show_plan(conn, title, sql, params, analyze=conn.dialect.name == "postgresql")


# --8<-- [start:covering-ddl]
def covering_ddl(dialect: str) -> str:
    """An index that answers REPORT alone. PostgreSQL (11+) can carry payload columns with
    INCLUDE; SQLite has no INCLUDE, so they become trailing key columns."""
    if dialect == "postgresql":
        columns = "(customer_id) INCLUDE (created_at, status)"
    else:
        columns = "(customer_id, created_at, status)"
    return f"CREATE INDEX ix_history_covering ON orders {columns}"


# --8<-- [end:covering-ddl]


def demo(engine: Engine) -> None:
    load(engine, "small")  # 1,000 customers, 5,000 orders; customer 1 has the most orders
    # --8<-- [start:order]
    only_index(engine, "CREATE INDEX ix_eq_first ON orders (customer_id, created_at)")
    with engine.connect() as conn:
        show(conn, "(customer_id, created_at): equality column first", CUSTOMER_QUARTER, QUARTER)
        show(conn, "(customer_id, created_at): newest first, no sort step", LATEST, {"customer": 1})
        show(conn, "(customer_id, created_at): only created_at constrained", ONE_WEEK, WEEK)
    only_index(engine, "CREATE INDEX ix_range_first ON orders (created_at, customer_id)")
    with engine.connect() as conn:
        show(conn, "(created_at, customer_id): range column first", CUSTOMER_QUARTER, QUARTER)
    # --8<-- [end:order]
    # --8<-- [start:skip]
    only_index(engine, "CREATE INDEX ix_status_created ON orders (status, created_at)")
    with engine.connect() as conn:
        show(conn, "(status, created_at): leading column has 4 values", ONE_WEEK, WEEK)
    # --8<-- [end:skip]
    # --8<-- [start:covering]
    only_index(engine, "CREATE INDEX ix_history ON orders (customer_id)")
    with engine.connect() as conn:
        show(conn, "(customer_id): every match visits the table", REPORT, CUSTOMERS)
    only_index(engine, covering_ddl(engine.dialect.name))
    with engine.connect() as conn:
        show(conn, "covering: the index alone answers", REPORT, CUSTOMERS)
        if conn.dialect.name == "postgresql":
            # Writes clear the visibility map's all-visible bits until VACUUM sets them again.
            conn.execute(
                text("UPDATE orders SET status = 'shipped' WHERE customer_id BETWEEN 100 AND 299")
            )
            plan = explain(conn, REPORT, CUSTOMERS, analyze=True)
            conn.rollback()
            fetches = int(plan.split("Heap Fetches: ")[1].split()[0])
            print("== covering, after an UPDATE and before VACUUM ==")
            scan = next(line for line in plan.splitlines() if "Index Only Scan" in line)
            scan = scan.split("  (")[0].strip().removeprefix("->").strip()
            print(f"{scan}, heap fetches > 0: {fetches > 0}")
    # --8<-- [end:covering]


# --8<-- [start:measure]
def copy_with_index(engine: Engine, name: str, ddl: str) -> str:
    """A copy of orders, ``orders_<name>``, with the one index ``ddl`` creates on orders."""
    table = f"orders_{name}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        conn.execute(
            text(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,"
                " status VARCHAR(12) NOT NULL, created_at TIMESTAMP NOT NULL)"
            )
        )
        columns = "id, customer_id, status, created_at"
        conn.execute(text(f"INSERT INTO {table} SELECT {columns} FROM orders"))  # noqa: S608
        index = ddl.replace(" ON orders ", f" ON {table} ").replace(" ix_", f" ix_{name}_")
        conn.execute(text(index))
    return table


def timed(
    engine: Engine,
    sql: str,
    params: list[dict[str, object]],
    variants: dict[str, str],
    index_pages: bool = False,
) -> dict[str, float]:
    """Seconds to run ``sql`` once per params dict on a copy of orders with each variant's
    index, the copies timed in turns; on PostgreSQL also the pages the first run touched (in
    the index's plan node only, with ``index_pages``). The variants must return the same rows."""
    tables = {name: copy_with_index(engine, name, ddl) for name, ddl in variants.items()}
    vacuum_analyze(engine)
    figures: dict[str, float] = {}
    runs = {}
    with engine.connect() as conn:
        for name, table in tables.items():
            statement = text(sql.replace("FROM orders", f"FROM {table}"))

            def run(statement: TextClause = statement) -> list[list[tuple[object, ...]]]:
                # Sorted: without ORDER BY, each index may return the rows in its own order.
                return [sorted(map(tuple, conn.execute(statement, p))) for p in params]

            runs[name] = run
            if conn.dialect.name == "postgresql":
                plan = explain(conn, str(statement), params[0], analyze=True)
                index = f"ix_{name}_" if index_pages else ""
                figures[f"{name}_pages_n"] = buffers_touched(plan, index)
        answers = [run() for run in runs.values()]
        if any(answer != answers[0] for answer in answers):
            raise RuntimeError("the variants returned different rows")
        for name, seconds in best_of_interleaved(runs, rounds=7).items():
            figures[f"{name}_s"] = seconds
    return figures


def measure(size: str) -> dict[str, float]:
    engine = get_engine()
    load(engine, {"test": 3_000, "bench": "medium"}[size])  # customers
    quarters = [dict(QUARTER, customer=c) for c in range(1, 201)]  # the busiest 200
    figures = timed(engine, CUSTOMER_QUARTER, quarters, {
        "equality_first": "CREATE INDEX ix_eq_first ON orders (customer_id, created_at)",
        "range_first": "CREATE INDEX ix_range_first ON orders (created_at, customer_id)",
    }, index_pages=True)
    ranges = [{"low": low, "high": low + 199} for low in range(1_000, 2_000, 20)]
    figures |= timed(engine, REPORT, ranges, {
        "plain": "CREATE INDEX ix_history ON orders (customer_id)",
        "covering": covering_ddl(engine.dialect.name),
    })
    figures["equality_first_speedup_x"] = figures["range_first_s"] / figures["equality_first_s"]
    figures["covering_speedup_x"] = figures["plain_s"] / figures["covering_s"]
    if engine.dialect.name == "postgresql":
        figures["equality_first_pages_x"] = (
            figures["range_first_pages_n"] / figures["equality_first_pages_n"]
        )
        figures["covering_pages_x"] = figures["plain_pages_n"] / figures["covering_pages_n"]
    return figures


# --8<-- [end:measure]


if __name__ == "__main__":
    demo(get_engine())
