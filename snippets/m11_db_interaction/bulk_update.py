# test: databases
# test: output=per-database
# test: timeout=120
"""Updating many rows by primary key: from an ORM object per row to one statement per page.

Every way sets the same new names on the same customers. The demo counts the UPDATE statements
and client messages the database saw (``coursecode.server_statements``); ``measure()`` times each
way. psycopg2's ``execute_batch`` (through SQLAlchemy's ``executemany_mode``), ``UPDATE ... FROM
(VALUES ...)`` with ``execute_values``, and COPY into a temporary table are shown on PostgreSQL;
on SQLite, which runs in the process with no round trips, the ORM's bulk UPDATE (``executemany``
in one transaction) is the bulk path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from contextlib import closing

from psycopg2.extras import execute_values
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from coursecode.db import backend, get_engine
from coursecode.measure import best_of
from coursecode.server_statements import server_statements
from coursecode.shop import Customer, load

Change = tuple[int, str]  # customer id, new name
PAGE = 1000


# --8<-- [start:orm]
def orm_get_each(engine: Engine, changes: Sequence[Change]) -> None:
    """An object per row: a SELECT for each get(), then an UPDATE for each dirty object."""
    with Session(engine) as session, session.begin():
        for customer_id, name in changes:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise LookupError(f"no customer {customer_id}")
            customer.name = name


def orm_bulk_by_pk(engine: Engine, changes: Sequence[Change]) -> None:
    """ORM bulk UPDATE by primary key: a list of dicts, each with the key, one executemany()."""
    with Session(engine) as session, session.begin():
        session.execute(update(Customer), [{"id": i, "name": name} for i, name in changes])
        # --8<-- [end:orm]


# --8<-- [start:postgres]
def batched_engine(engine: Engine) -> Engine:
    """The same database through psycopg2's execute_batch() for executemany UPDATEs (PostgreSQL:
    SQLAlchemy's executemany_mode="values_plus_batch"; pages of PAGE statements per message)."""
    return get_engine(
        engine.url.render_as_string(hide_password=False),
        executemany_mode="values_plus_batch",
        executemany_batch_page_size=PAGE,
    )


def update_from_values(engine: Engine, changes: Sequence[Change]) -> None:
    """One UPDATE ... FROM (VALUES ...) statement per PAGE rows, with psycopg2's execute_values."""
    sql = (
        "UPDATE customers AS c SET name = v.name "
        "FROM (VALUES %s) AS v (id, name) WHERE c.id = v.id"
    )
    with closing(engine.raw_connection()) as pooled:
        dbapi = pooled.dbapi_connection
        with closing(dbapi.cursor()) as cur:
            execute_values(cur, sql, list(changes), page_size=PAGE)
        dbapi.commit()


def copy_then_update(engine: Engine, changes: Sequence[Change]) -> None:
    """COPY the changes into a temporary table, then one UPDATE joins it: for very large sets."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(changes)
    buffer.seek(0)
    with closing(engine.raw_connection()) as pooled:
        dbapi = pooled.dbapi_connection
        with closing(dbapi.cursor()) as cur:
            cur.execute(
                "CREATE TEMPORARY TABLE customer_changes (id integer PRIMARY KEY, name text)"
                " ON COMMIT DROP"
            )
            cur.copy_expert("COPY customer_changes (id, name) FROM STDIN WITH (FORMAT csv)", buffer)
            cur.execute(
                "UPDATE customers AS c SET name = n.name "
                "FROM customer_changes AS n WHERE c.id = n.id"
            )
        dbapi.commit()
        # --8<-- [end:postgres]


Method = Callable[[Engine, Sequence[Change]], None]


def methods_for(engine: Engine) -> dict[str, Method]:
    """The ways that exist on this engine's database (the batched engine is made here once)."""
    methods: dict[str, Method] = {"orm_get_each": orm_get_each, "orm_bulk_by_pk": orm_bulk_by_pk}
    if backend(engine) == "postgresql":
        batched = batched_engine(engine)
        methods["orm_bulk_execute_batch"] = lambda _, changes: orm_bulk_by_pk(batched, changes)
        methods["update_from_values"] = update_from_values
        methods["copy_then_update"] = copy_then_update
    return methods


def changes_for(count: int, version: int) -> list[Change]:
    """New names for customers 1..count; ``version`` makes every run change every row (the ORM
    sends no UPDATE for an attribute set to the value it already has)."""
    return [(i, f"Customer {i} v{version}") for i in range(1, count + 1)]


def names(engine: Engine, count: int) -> list[str]:
    with engine.connect() as conn:
        stmt = select(Customer.name).where(Customer.id <= count).order_by(Customer.id)
        return list(conn.scalars(stmt))


def applied(engine: Engine, changes: Sequence[Change]) -> bool:
    """Whether customers 1..len(changes) carry exactly the new names."""
    return names(engine, len(changes)) == [name for _, name in changes]


def check_applied(engine: Engine, method: str, changes: Sequence[Change]) -> None:
    """An update that misses rows is a bug, however fast: refuse to report its time."""
    if not applied(engine, changes):
        raise RuntimeError(f"{method} did not apply every change")


SIZES = {"test": 300, "bench": 10_000}


def measure(size: str) -> dict[str, float]:
    """Seconds to rename every customer each way, and speed-ups over an ORM object per row."""
    count = SIZES[size]
    engine = get_engine()
    load(engine, count)
    methods = methods_for(engine)
    best: dict[str, float] = {}
    version = 0
    for _ in range(3):  # take turns: background noise hits every way alike
        for name, method in methods.items():
            version += 1
            changes = changes_for(count, version)
            seconds = best_of(lambda m=method, c=changes: m(engine, c), repeat=1)
            best[name] = min(best.get(name, seconds), seconds)
            check_applied(engine, name, changes)
    figures = {f"{name}_s": seconds for name, seconds in best.items()}
    for name, seconds in best.items():
        if name != "orm_get_each":
            figures[f"{name}_speedup_x"] = best["orm_get_each"] / seconds
    figures["rows_n"] = count
    engine.dispose()
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    engine = get_engine()  # DATABASE_URL, else in-memory SQLite
    load(engine, 1_500)  # the sample shop with 1,500 customers
    print(f"renaming 1,500 customers each way on {backend(engine)}:")
    with server_statements(engine, "customers", "UPDATE") as counter:
        for version, (name, method) in enumerate(methods_for(engine).items()):
            changes = changes_for(1_500, version)
            counter.take()  # start from zero
            method(engine, changes)
            seen = counter.take()
            done = applied(engine, changes)
            sent = "in-process" if seen.messages is None else f"messages: {seen.messages:,}"
            print(f"  {name:<23} all renamed: {done}  UPDATEs: {seen.statements:,}  {sent}")
    # --8<-- [end:demo]
