# test: databases
# test: output=per-database
# test: timeout=120
"""Loading strategies, counted: lazy (N+1), selectinload in batches of 500 keys, joinedload's
row multiplication, many-to-one through the identity map, and raiseload.

Every statement is caught with ``coursecode.measure.count_queries`` and printed as the ORM sent
it (long ``IN (...)`` lists shortened, with their number of values). The output differs between
the databases only in the drivers' placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import Engine, Select, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session, joinedload, raiseload, selectinload

from coursecode.db import get_engine
from coursecode.measure import QueryLog, best_of, count_queries
from coursecode.shop import Customer, Order, load

PLACEHOLDER = r"(?:\?|%\(\w+\)s)"
IN_LIST = re.compile(rf"IN \(({PLACEHOLDER})((?:, {PLACEHOLDER})*)\)")


def shorten(sql: str) -> str:
    """``IN (?, ?, ?)`` becomes ``IN (?, ... 3 values)``: the statement, minus the repetition."""

    def fold(match: re.Match[str]) -> str:
        values = 1 + match.group(2).count(",")
        return f"IN ({match.group(1)}, ... {values} values)"

    return IN_LIST.sub(fold, sql)


def customers(first: int, last: int) -> Select[tuple[Customer]]:
    return select(Customer).where(Customer.id.between(first, last)).order_by(Customer.id)


# --8<-- [start:strategies]
def order_counts_lazy(engine: Engine, first: int, last: int) -> dict[int, int]:
    """Each ``c.orders`` is a lazy load: one SELECT per customer (N+1)."""
    with Session(engine) as session:
        return {c.id: len(c.orders) for c in session.scalars(customers(first, last))}


def order_counts_selectin(engine: Engine, first: int, last: int) -> dict[int, int]:
    """One more SELECT ... WHERE customer_id IN (...) per 500 customers."""
    stmt = customers(first, last).options(selectinload(Customer.orders))
    with Session(engine) as session:
        return {c.id: len(c.orders) for c in session.scalars(stmt)}


def order_counts_joined(engine: Engine, first: int, last: int) -> dict[int, int]:
    """One SELECT with a LEFT OUTER JOIN: a row per order, each repeating its customer."""
    stmt = customers(first, last).options(joinedload(Customer.orders))
    with Session(engine) as session:
        # unique(): fold the repeated customer rows back into one object each.
        return {c.id: len(c.orders) for c in session.scalars(stmt).unique()}
        # --8<-- [end:strategies]


# --8<-- [start:nested]
def item_counts(engine: Engine, first: int, last: int, strategy: str) -> dict[int, int]:
    """Items per customer through customer.orders -> order.items, loaded with ``strategy``."""
    stmt = customers(first, last)
    if strategy == "selectin":  # three SELECTs: customers, their orders, the orders' items
        stmt = stmt.options(selectinload(Customer.orders).selectinload(Order.items))
    elif strategy == "joined":  # one SELECT: a row per item, repeating customer and order
        stmt = stmt.options(joinedload(Customer.orders).joinedload(Order.items))
    elif strategy != "lazy":
        raise ValueError(f"unknown strategy {strategy!r}")
    with Session(engine) as session:
        found = session.scalars(stmt).unique()
        return {c.id: sum(len(o.items) for o in c.orders) for c in found}
        # --8<-- [end:nested]


def rows_and_values(engine: Engine, log: QueryLog) -> tuple[int, int]:
    """(rows, column values) the logged SELECTs returned: run each again as the driver ran it."""
    rows = values = 0
    with engine.connect() as conn:
        for statement in log.statements:
            result = conn.exec_driver_sql(statement.sql, statement.parameters)
            fetched = result.fetchall()
            rows += len(fetched)
            values += len(fetched) * len(result.keys())
    return rows, values


def check_same(strategy: str, expected: object, result: object) -> None:
    """Every loading strategy must return the same answer; a faster wrong one is refused."""
    if result != expected:
        raise RuntimeError(f"{strategy} loading returned different counts")


def logged(engine: Engine, load_: Callable[[], object]) -> tuple[object, QueryLog]:
    with count_queries(engine) as log:
        result = load_()
    return result, log


SCALES = {"test": ("small", 301, 400), "bench": ("medium", 1_001, 2_000)}


def measure(size: str) -> dict[str, float]:
    """Orders and items of a range of customers, loaded lazily, with selectinload, with
    joinedload: seconds, statements, and the rows and column values each way returned."""
    scale, first, last = SCALES[size]
    engine = get_engine()
    load(engine, scale)
    figures: dict[str, float] = {"parents_n": last - first + 1}
    expected = item_counts(engine, first, last, "lazy")
    for strategy in ("lazy", "selectin", "joined"):
        result, log = logged(engine, lambda s=strategy: item_counts(engine, first, last, s))
        check_same(strategy, expected, result)
        rows, values = rows_and_values(engine, log)
        figures[f"{strategy}_queries_n"] = log.count
        figures[f"{strategy}_rows_n"] = rows
        figures[f"{strategy}_values_n"] = values
        figures[f"{strategy}_s"] = best_of(
            lambda s=strategy: item_counts(engine, first, last, s), repeat=3
        )
    figures["selectin_vs_lazy_x"] = figures["lazy_s"] / figures["selectin_s"]
    figures["joined_vs_selectin_x"] = figures["joined_s"] / figures["selectin_s"]
    engine.dispose()
    return figures


if __name__ == "__main__":
    engine = get_engine()  # DATABASE_URL, else in-memory SQLite
    load(engine, 600)  # the sample shop with 600 customers
    # --8<-- [start:demo]
    lazy, lazy_log = logged(engine, lambda: order_counts_lazy(engine, 1, 100))
    print(f"lazy, 100 customers: {lazy_log.count} statements; the second of them:")
    print("  ", lazy_log.sql()[1])
    eager, log = logged(engine, lambda: order_counts_selectin(engine, 1, 100))
    print(f"selectinload, 100 customers: {log.count} statements, same counts: {eager == lazy}")
    print("  ", shorten(log.sql()[1]))
    _, log = logged(engine, lambda: order_counts_selectin(engine, 1, 600))
    sizes = [len(s.parameters) for s in log.statements[1:]]
    print(f"selectinload, 600 customers: {log.count} statements, keys per IN list: {sizes}")
    joined, log = logged(engine, lambda: order_counts_joined(engine, 1, 100))
    rows, _ = rows_and_values(engine, log)
    print(f"joinedload, 100 customers: {log.count} statement, {rows:,} rows for 100 customers")
    sql = log.sql()[0]
    print("   SELECT <customer and order columns>", sql[sql.index(" FROM ") + 1 :])
    print("  same counts:", joined == lazy)
    # --8<-- [end:demo]

    # --8<-- [start:unique]
    with Session(engine) as session:
        try:  # a joined eager load of a collection without unique()
            session.scalars(customers(1, 3).options(joinedload(Customer.orders))).all()
        except InvalidRequestError as exc:
            print(str(exc).split(".")[0])
    # --8<-- [end:unique]

    # --8<-- [start:nested-demo]
    for strategy in ("lazy", "selectin", "joined"):
        counts, log = logged(engine, lambda s=strategy: item_counts(engine, 101, 200, s))
        rows, values = rows_and_values(engine, log)
        print(
            f"{strategy:>8}: statements {log.count:>3,}  rows {rows:>5,}  values {values:>6,}  "
            f"items {sum(counts.values()):,}"
        )
    # --8<-- [end:nested-demo]

    # --8<-- [start:many-to-one]
    with Session(engine) as session, count_queries(engine) as log:
        orders = session.scalars(select(Order).where(Order.id <= 100)).all()
        buyers = {order.customer.id for order in orders}  # lazy many-to-one
    print(f"100 orders from {len(buyers)} customers, lazy: {log.count} statements")
    with Session(engine) as session, count_queries(engine) as log:
        stmt = select(Order).where(Order.id <= 100).options(joinedload(Order.customer))
        orders = session.scalars(stmt).all()
        buyers = {order.customer.id for order in orders}
    print(f"100 orders, joinedload(Order.customer): {log.count} statement, {len(orders)} rows")
    # --8<-- [end:many-to-one]

    # --8<-- [start:raiseload]
    with Session(engine) as session:
        stmt = customers(1, 1).options(selectinload(Customer.orders), raiseload("*"))
        customer = session.scalars(stmt).one()
        print("orders loaded up front:", len(customer.orders))
        try:
            print(len(customer.orders[0].items))  # not in the options: raises, sends no query
        except InvalidRequestError as exc:
            print(str(exc))
    # --8<-- [end:raiseload]
