# test: databases
# test: output=per-database
"""Where the rows live: SQLite's rowid B-trees and WITHOUT ROWID tables, PostgreSQL's heap.

Run it on in-memory SQLite with ``python snippets/m10_indexing/storage.py`` and on PostgreSQL with
``DATABASE_URL=postgresql://USER@HOST/DB python snippets/m10_indexing/storage.py``.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, insert, text

from coursecode.db import get_engine
from coursecode.indexes import show_plan, structures, vacuum_analyze
from coursecode.shop import load

SKUS = 20_000
SKU = {"sku": "SKU-00004242"}


# --8<-- [start:lookups]
EMAIL = {"email": "customer42@example.com"}
LOOKUPS = (
    ("SELECT status FROM orders WHERE id = :id", {"id": 42}),
    ("SELECT name FROM customers WHERE email = :email", EMAIL),
    ("SELECT id FROM customers WHERE email = :email", EMAIL),
)


def show_lookups(conn: Connection, titles: tuple[str, str, str]) -> None:
    """The plans of LOOKUPS: by primary key, by a secondary index, the same for the id only."""
    for title, (sql, params) in zip(titles, LOOKUPS, strict=True):
        show_plan(conn, title, sql, params, echo=True)


# --8<-- [end:lookups]


def show_structures(conn: Connection, table: str) -> None:
    for name, kind, size in structures(conn, table):
        print(f"  {kind:5}  {name:28} {size // 1024:6} KiB")


# --8<-- [start:stock]
def create_stock(engine: Engine, clustered: bool = False) -> str:
    """A stock table keyed by a text SKU. ``clustered=True`` (SQLite only) stores the rows in the
    primary key's own B-tree: ``WITHOUT ROWID``."""
    name = "stock_clustered" if clustered else "stock"
    stock = Table(
        name,
        MetaData(),
        Column("sku", String(20), primary_key=True),
        Column("warehouse", String(10)),
        Column("quantity", Integer),
        sqlite_with_rowid=not clustered,  # SQLAlchemy adds WITHOUT ROWID on SQLite
    )
    stock.create(engine)
    rows = [
        {"sku": f"SKU-{n:08d}", "warehouse": f"WH-{n % 7}", "quantity": n % 50}
        for n in range(1, SKUS + 1)
    ]
    with engine.begin() as conn:
        conn.execute(insert(stock), rows)
    return name


# --8<-- [end:stock]


def sqlite_storage(engine: Engine) -> None:
    # --8<-- [start:rowid]
    with engine.connect() as conn:
        rowid, order_id = conn.execute(text("SELECT rowid, id FROM orders WHERE id = 42")).one()
        print(f"orders: rowid {rowid} is id {order_id} (INTEGER PRIMARY KEY is the rowid)")
        print()
        show_lookups(conn, (
            "by primary key: one search of the table's own B-tree",
            "by a secondary index: search the index, then the table by rowid",
            "the index entry holds (email, rowid): id comes free",
        ))
    # --8<-- [end:rowid]
    # --8<-- [start:without-rowid]
    tables = [create_stock(engine), create_stock(engine, clustered=True)]
    vacuum_analyze(engine)
    with engine.connect() as conn:
        for table in tables:
            print(f"{table}: B-trees in the database file")
            show_structures(conn, table)
            print()
        for table in tables:
            lookup = f"SELECT quantity FROM {table} WHERE sku = :sku"  # noqa: S608 - our names
            show_plan(conn, f"look up one SKU in {table}", lookup, SKU, echo=True)
    # --8<-- [end:without-rowid]


def postgres_storage(engine: Engine) -> None:
    # --8<-- [start:heap]
    with engine.connect() as conn:
        first = conn.execute(text("SELECT ctid::text, id FROM orders ORDER BY id LIMIT 3")).all()
        print("orders: rows sit in heap pages, addressed by ctid (page, item):", first)
        # The page number is the first half of the ctid.
        rows, pages = conn.execute(
            text("SELECT count(*), count(DISTINCT (ctid::text::point)[0]) FROM orders")
        ).one()
        print(f"orders: {rows} rows on {pages} heap pages, about {rows // pages} per page")
        print()
        show_lookups(conn, (
            "by primary key: the orders_pkey B-tree gives a ctid, then the heap page",
            "by a secondary index: the same two steps",
            "index entries hold (email, ctid): id needs the heap",
        ))
    # --8<-- [end:heap]
    # --8<-- [start:update]
    # An UPDATE writes a new row version at a new ctid; run it in a transaction we roll back.
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            where = "FROM orders WHERE id = 42"
            before = conn.execute(text(f"SELECT ctid::text {where}")).scalar_one()
            conn.execute(text("UPDATE orders SET status = 'shipped' WHERE id = 42"))
            after = conn.execute(text(f"SELECT ctid::text {where}")).scalar_one()
            print(f"order 42 before UPDATE at {before}, after at {after}: a new row version")
        finally:
            transaction.rollback()
    print()
    # --8<-- [end:update]
    table = create_stock(engine)
    vacuum_analyze(engine)
    with engine.connect() as conn:
        print(f"{table}: a heap and one B-tree, the primary key")
        show_structures(conn, table)
        print()
        lookup = f"SELECT quantity FROM {table} WHERE sku = :sku"  # noqa: S608 - our name
        show_plan(conn, f"look up one SKU in {table}", lookup, SKU, echo=True)


engine = get_engine()
load(engine, "small")  # 1,000 customers, 5,000 orders
if engine.dialect.name == "postgresql":
    postgres_storage(engine)
else:
    sqlite_storage(engine)
