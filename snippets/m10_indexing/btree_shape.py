# test: databases
# test: output=per-database
# test: timeout=120
"""Real B-tree numbers: depth, pages and fan-out, read from each database's own pages.

SQLite: the ``dbstat`` virtual table. PostgreSQL: the index pages themselves (see
``coursecode.indexes.btree_shape``). measure() times point lookups on a small and a large table.
"""

from __future__ import annotations

import random

from sqlalchemy import Connection, Engine, text

from coursecode.db import get_engine
from coursecode.indexes import BtreeShape, btree_shape, dbstat_available, vacuum_analyze
from coursecode.measure import best_of
from coursecode.shop import load

# --8<-- [start:keys]
PREFIX = "https://shop.example.com/catalogue/product/"
SUFFIX = "?utm_source=newsletter&utm_campaign=spring"


def url(n: int) -> str:
    return f"{PREFIX}{n}{SUFFIX}"


def fill_keys(engine: Engine, rows: int) -> None:
    """A table of ``rows`` integers and their ``url(n)``s (about 90 characters), each column
    with its own index."""
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS keys"))
        conn.execute(text("CREATE TABLE keys (n BIGINT NOT NULL, url VARCHAR(200) NOT NULL)"))
        conn.execute(
            text(  # a recursive CTE counts 1..rows on both databases
                "INSERT INTO keys (n, url) WITH RECURSIVE s(n) AS"
                " (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :rows)"
                " SELECT n, :prefix || n || :suffix FROM s"  # the same strings as url(n)
            ),
            {"rows": rows, "prefix": PREFIX, "suffix": SUFFIX},
        )
        conn.execute(text("CREATE INDEX ix_keys_n ON keys (n)"))
        conn.execute(text("CREATE INDEX ix_keys_url ON keys (url)"))
    vacuum_analyze(engine)


# --8<-- [end:keys]


def how_we_read(conn: Connection) -> str:
    if conn.dialect.name == "sqlite":
        return f"SQLite dbstat virtual table compiled in: {dbstat_available(conn)}"
    pageinspect = conn.execute(
        text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pageinspect'")
    ).scalar_one()
    return (
        f"PostgreSQL pageinspect extension available: {bool(pageinspect)}; "
        "reading the index pages with pg_read_binary_file instead"
    )


def row(shape: BtreeShape) -> str:
    return (
        f"{shape.name:30} {shape.leaf_entries:>8} {shape.pages:>6} {shape.levels:>6}"
        f" {shape.fanout:>7.0f} {shape.entries_per_leaf:>8.0f}"
    )


HEADER = f"{'B-tree':30} {'entries':>8} {'pages':>6} {'levels':>6} {'fan-out':>7} {'per leaf':>8}"


def shop_trees(engine: Engine) -> list[str]:
    """The shop's B-trees: primary keys, the unique email index, one secondary index."""
    if engine.dialect.name == "sqlite":
        # A rowid table IS a B-tree (keyed by id); the UNIQUE constraint is an automatic index.
        return ["orders", "order_items", "sqlite_autoindex_customers_1", "ix_orders_customer_id"]
    return ["orders_pkey", "order_items_pkey", "customers_email_key", "ix_orders_customer_id"]


def demo(engine: Engine) -> None:
    # --8<-- [start:shop]
    load(engine, "small")  # 1,000 customers, 5,000 orders, about 15,000 order items
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_orders_customer_id ON orders (customer_id)"))
    with engine.connect() as conn:
        print(how_we_read(conn))
        print(HEADER)
        for name in shop_trees(engine):
            print(row(btree_shape(conn, name)))
    # --8<-- [end:shop]
    print()
    # --8<-- [start:growth]
    print(f"{'rows':>8} {'integer key levels':>18} {'URL key levels':>14}")
    for rows in (1_000, 10_000, 100_000):
        fill_keys(engine, rows)
        with engine.connect() as conn:
            number, by_url = btree_shape(conn, "ix_keys_n"), btree_shape(conn, "ix_keys_url")
        print(f"{rows:>8} {number.levels:>18} {by_url.levels:>14}")
    print()
    print(HEADER)
    for shape in (number, by_url):
        print(row(shape))
    # --8<-- [end:growth]


# --8<-- [start:measure]
def lookups(engine: Engine, rows: int, probes: int = 2_000) -> float:
    """Seconds per point lookup by URL in a table of ``rows`` rows (best of 3 rounds)."""
    fill_keys(engine, rows)
    keys = random.Random(7).sample(range(1, rows + 1), min(probes, rows))  # noqa: S311
    query = text("SELECT n FROM keys WHERE url = :url")
    with engine.connect() as conn:

        def run() -> None:
            for key in keys:
                conn.execute(query, {"url": url(key)}).one()

        return best_of(run) / len(keys)


def measure(size: str) -> dict[str, float]:
    """Levels and fan-out of an integer and a URL index on a large table; lookup time on a
    small and a large table."""
    rows = {"test": 100_000, "bench": 1_000_000}[size]
    engine = get_engine()
    small_s = lookups(engine, 1_000)
    large_s = lookups(engine, rows)  # leaves the large table in place
    with engine.connect() as conn:
        number, by_url = btree_shape(conn, "ix_keys_n"), btree_shape(conn, "ix_keys_url")
    return {
        "rows_n": rows,
        "int_levels_n": number.levels,
        "int_fanout_n": number.fanout,
        "int_per_leaf_n": number.entries_per_leaf,
        "url_levels_n": by_url.levels,
        "url_fanout_n": by_url.fanout,
        "url_per_leaf_n": by_url.entries_per_leaf,
        "lookup_small_s": small_s,
        "lookup_large_s": large_s,
        "lookup_growth_x": large_s / small_s,
    }


# --8<-- [end:measure]


if __name__ == "__main__":
    demo(get_engine())
