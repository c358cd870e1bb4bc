# test: databases
# test: output=per-database
# test: timeout=120
"""What indexes cost: the shop's order items copied into a table with 0, 1, 2, 3 and 4
secondary indexes. The demo prints the size of every structure; measure() times the inserts.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

from coursecode.db import get_engine
from coursecode.indexes import structures
from coursecode.shop import load

# --8<-- [start:indexes]
INDEXES = (
    "CREATE INDEX ix_items_order ON items (order_id)",
    "CREATE INDEX ix_items_product ON items (product_id)",
    "CREATE INDEX ix_items_price ON items (unit_price)",
    "CREATE INDEX ix_items_product_order ON items (product_id, order_id)",
)


def create_items(engine: Engine, indexes: int) -> None:
    """An empty copy of order_items with the first ``indexes`` secondary indexes."""
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS items"))
        conn.execute(
            text(
                "CREATE TABLE items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL,"
                " product_id INTEGER NOT NULL, quantity INTEGER NOT NULL,"
                " unit_price NUMERIC(10, 2) NOT NULL)"
            )
        )
        if engine.dialect.name == "postgresql":
            # So that sizes do not depend on when autovacuum happens to visit the table.
            conn.execute(text("ALTER TABLE items SET (autovacuum_enabled = false)"))
        for ddl in INDEXES[:indexes]:
            conn.execute(text(ddl))


# Named columns, not SELECT *: SQLite copies a whole table without indexes page by page when it
# can (the "transfer optimization"), which would not be a fair row-by-row comparison.
COPY_ITEMS = (
    "INSERT INTO items (id, order_id, product_id, quantity, unit_price)"
    " SELECT id, order_id, product_id, quantity, unit_price FROM order_items"
)


def insert_seconds(engine: Engine) -> float:
    """Copy every order item into ``items`` in one statement and commit; the time it took.

    INSERT ... SELECT runs inside the database, so the time is the database's work: the table
    and every index updated row by row, and the commit."""
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(COPY_ITEMS))
    return time.perf_counter() - start


# --8<-- [end:indexes]


def demo(engine: Engine) -> None:
    load(engine, "small")  # about 15,000 order items
    # --8<-- [start:demo]
    for count in range(len(INDEXES) + 1):
        create_items(engine, count)
        insert_seconds(engine)
        with engine.connect() as conn:
            parts = structures(conn, "items")
        total = sum(size for _, _, size in parts)
        print(f"{count} secondary indexes: writes per row {len(parts)}, {total // 1024} KiB in all")
        for name, kind, size in parts:
            print(f"    {kind:5} {name:24} {size // 1024:6} KiB")
    # --8<-- [end:demo]


def measure(size: str) -> dict[str, float]:
    """Seconds to insert the shop's order items with 0..4 secondary indexes (fastest of 3,
    each into a freshly created table), and the table's total size."""
    engine = get_engine()
    load(engine, {"test": "small", "bench": "medium"}[size])
    figures: dict[str, float] = {}
    for count in range(len(INDEXES) + 1):
        timings = []
        for _ in range(3):
            create_items(engine, count)
            timings.append(insert_seconds(engine))
        figures[f"insert_{count}_indexes_s"] = min(timings)
        with engine.connect() as conn:
            total = sum(size for _, _, size in structures(conn, "items"))
            figures["rows_n"] = conn.execute(text("SELECT count(*) FROM items")).scalar_one()
        figures[f"size_{count}_indexes_mib"] = total / 2**20
    most, none = f"{len(INDEXES)}_indexes", "0_indexes"
    figures["insert_slowdown_x"] = figures[f"insert_{most}_s"] / figures[f"insert_{none}_s"]
    figures["size_growth_x"] = figures[f"size_{most}_mib"] / figures[f"size_{none}_mib"]
    return figures


if __name__ == "__main__":
    demo(get_engine())
