# test: databases
# test: output=per-database
"""Hash indexes: PostgreSQL has them (equality only), SQLite does not (every index is a B-tree).

On PostgreSQL the same long keys are indexed once with a B-tree and once with a hash index, in two
identical tables; on SQLite the hash index is refused and only the B-tree exists. measure()
compares sizes and lookup speed.
"""

from __future__ import annotations

import random

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from coursecode.db import get_engine
from coursecode.indexes import relation_bytes, show_plan, vacuum_analyze
from coursecode.measure import best_of_interleaved

PREFIX = "https://shop.example.com/checkout/session/"
SUFFIX = "/confirm?utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale-2024"


def url(n: int) -> str:
    """A key of about 120 characters, like the URLs, tokens or paths people index."""
    return f"{PREFIX}{n}{SUFFIX}"


# --8<-- [start:create]
def fill(engine: Engine, table: str, rows: int) -> None:
    """``table`` gets ``rows`` rows of (n, url(n)): the URLs built in SQL, like url() does."""
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        conn.execute(text(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, url VARCHAR(200))"))
        conn.execute(
            text(
                f"INSERT INTO {table} (id, url)"  # noqa: S608 - our own table names
                " WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :rows)"
                " SELECT n, :prefix || n || :suffix FROM s"
            ),
            {"rows": rows, "prefix": PREFIX, "suffix": SUFFIX},
        )


def create_indexes(engine: Engine, rows: int) -> list[str]:
    """A B-tree on links_btree.url everywhere; a hash index on links_hash.url where one exists.

    Returns the tables that got an index."""
    fill(engine, "links_btree", rows)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_links_btree ON links_btree (url)"))
    if engine.dialect.name != "postgresql":
        return ["links_btree"]
    fill(engine, "links_hash", rows)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_links_hash ON links_hash USING hash (url)"))
    return ["links_btree", "links_hash"]


# --8<-- [end:create]


def refused(engine: Engine, ddl: str) -> str:
    """The database's own first line of error for ``ddl``, or "accepted"."""
    try:
        with engine.begin() as conn:
            conn.execute(text(ddl))
    except DBAPIError as exc:
        return str(exc.orig).strip().splitlines()[0]
    return "accepted"


def questions(table: str) -> list[tuple[str, str, dict[str, object]]]:
    """Three things to ask of an index on ``table.url``: (title, SQL, parameters)."""
    return [
        ("equality", f"SELECT id FROM {table} WHERE url = :url", {"url": url(4242)}),  # noqa: S608
        ("range", f"SELECT id FROM {table} WHERE url >= :low AND url < :high",  # noqa: S608
         {"low": url(4000), "high": url(4010)}),
        ("ORDER BY the key", f"SELECT url FROM {table} ORDER BY url LIMIT 3", {}),  # noqa: S608
    ]


def demo(engine: Engine) -> None:
    # --8<-- [start:demo]
    tables = create_indexes(engine, 20_000)
    vacuum_analyze(engine)
    with engine.connect() as conn:
        print(f"key length: {len(url(1))} characters, 20,000 rows")
        for table, index in (("links_btree", "ix_links_btree"), ("links_hash", "ix_links_hash")):
            if table in tables:
                size = relation_bytes(conn, index)
                print(f"{index}: {size // 1024} KiB ({size / 20_000:.1f} bytes per row)")
        print()
        for table in tables:
            for title, sql, params in questions(table):
                show_plan(conn, f"{table}: {title}", sql, params)
    # --8<-- [end:demo]
    # --8<-- [start:limits]
    if engine.dialect.name == "sqlite":
        ddl = "CREATE INDEX ix_h ON links_btree USING hash (url)"
        print("SQLite, USING hash:", refused(engine, ddl))
    else:
        for what, ddl in (
            ("one column", "CREATE INDEX ix_id ON links_hash USING hash (id)"),
            ("unique", "CREATE UNIQUE INDEX ix_u ON links_hash USING hash (url)"),
            ("two columns", "CREATE INDEX ix_m ON links_hash USING hash (url, id)"),
        ):
            print(f"hash index, {what}:", refused(engine, ddl))
    # --8<-- [end:limits]


# --8<-- [start:measure]
LOOKUP = "SELECT count((SELECT l.id FROM {table} l WHERE l.url = p.url)) FROM probes p"


def measure(size: str) -> dict[str, float]:
    """Index sizes and seconds per lookup; one statement runs all the lookups (a correlated
    subquery per probe row), so the time is the database's, not the round trips'. It counts
    the probes it found: every one of them should be."""
    rows, probes = {"test": 20_000, "bench": 300_000}[size], 20_000
    engine = get_engine()
    tables = create_indexes(engine, rows)
    picked = random.Random(3).sample(range(1, rows + 1), probes)  # noqa: S311
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probes (url VARCHAR(200))"))
        rows_to_probe = [{"url": url(n)} for n in picked]
        conn.execute(text("INSERT INTO probes (url) VALUES (:url)"), rows_to_probe)
    vacuum_analyze(engine)
    figures: dict[str, float] = {"rows_n": rows}
    with engine.connect() as conn:
        runs = {}
        for table in tables:
            kind = table.removeprefix("links_")
            figures[f"{kind}_mib"] = relation_bytes(conn, f"ix_{table}") / 2**20
            statement = text(LOOKUP.format(table=table))
            figures[f"{kind}_found_n"] = conn.execute(statement).scalar_one()
            runs[kind] = lambda statement=statement: conn.execute(statement).scalar_one()
        for kind, seconds in best_of_interleaved(runs).items():
            figures[f"{kind}_lookup_s"] = seconds / probes
    if "hash_mib" in figures:
        figures["hash_smaller_x"] = figures["btree_mib"] / figures["hash_mib"]
        figures["hash_lookup_speedup_x"] = figures["btree_lookup_s"] / figures["hash_lookup_s"]
    return figures


# --8<-- [end:measure]


if __name__ == "__main__":
    demo(get_engine())
