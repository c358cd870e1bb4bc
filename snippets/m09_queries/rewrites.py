# test: databases
# test: timeout=120
"""Four query rewrites. Each pair returns the same rows; measure() times before and after.

* sargable: ``date(created_at) = :day`` hides the column from its index; a range does not.
* keyset: ``OFFSET`` reads and throws away every earlier row; ``WHERE id > :last`` seeks.
* aggregate: summing ORM objects in Python ships every row; ``GROUP BY`` ships the answer.
* eager: touching ``customer.orders`` in a loop is N+1 queries; ``selectinload`` makes it 2.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session, selectinload

from coursecode.db import get_engine
from coursecode.measure import best_of, count_queries
from coursecode.shop import Customer, Order, OrderItem, analyze, load

DAY = date(2024, 3, 1)
COUNTRY = "DE"  # about 10% of customers


def setup(scale: str | int) -> Engine:
    """A loaded shop with the two secondary indexes these queries need."""
    engine = get_engine()
    load(engine, scale)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_orders_created_at ON orders (created_at)"))
        conn.execute(text("CREATE INDEX ix_orders_customer_id ON orders (customer_id)"))
    analyze(engine)
    return engine


# --8<-- [start:sargable]
def orders_on_day_slow(conn: Connection, day: date) -> list[int]:
    # A function wrapped around the column: the index on created_at cannot be searched.
    stmt = select(Order.id).where(func.date(Order.created_at) == day).order_by(Order.id)
    return list(conn.scalars(stmt))


def orders_on_day_fast(conn: Connection, day: date) -> list[int]:
    # The same rows as a half-open range on the bare column: an index range scan.
    start = datetime.combine(day, time.min)
    stmt = (
        select(Order.id)
        .where(Order.created_at >= start, Order.created_at < start + timedelta(days=1))
        .order_by(Order.id)
    )
    return list(conn.scalars(stmt))


# --8<-- [end:sargable]


# --8<-- [start:keyset]
PAGE = 20


def page_by_offset(conn: Connection, page_number: int) -> list[tuple[int, int]]:
    # The database produces and discards page_number * PAGE rows before the page it returns.
    stmt = (
        select(OrderItem.id, OrderItem.quantity)
        .order_by(OrderItem.id)
        .limit(PAGE)
        .offset(page_number * PAGE)
    )
    return [tuple(row) for row in conn.execute(stmt)]


def page_after(conn: Connection, last_id: int) -> list[tuple[int, int]]:
    # Keyset ("seek") pagination: start from the last key the client saw; cost is one page.
    stmt = (
        select(OrderItem.id, OrderItem.quantity)
        .where(OrderItem.id > last_id)
        .order_by(OrderItem.id)
        .limit(PAGE)
    )
    return [tuple(row) for row in conn.execute(stmt)]


# --8<-- [end:keyset]


# --8<-- [start:aggregate]
def revenue_by_product_slow(engine: Engine) -> dict[int, Decimal]:
    # Every order item becomes a Python object, only to be added up.
    totals: dict[int, Decimal] = {}
    with Session(engine) as session:
        for item in session.scalars(select(OrderItem)):
            line = item.quantity * Decimal(item.unit_price)
            totals[item.product_id] = totals.get(item.product_id, Decimal(0)) + line
    return totals


def revenue_by_product_fast(engine: Engine) -> dict[int, Decimal]:
    # The database adds up; one row per product crosses the wire.
    stmt = select(
        OrderItem.product_id, func.sum(OrderItem.quantity * OrderItem.unit_price)
    ).group_by(OrderItem.product_id)
    with engine.connect() as conn:
        return {product_id: Decimal(total) for product_id, total in conn.execute(stmt)}


# --8<-- [end:aggregate]


# --8<-- [start:eager]
def order_counts_lazy(engine: Engine, country: str) -> list[tuple[int, int]]:
    with Session(engine) as session:
        customers = session.scalars(
            select(Customer).where(Customer.country == country).order_by(Customer.id)
        )
        # Each customer.orders access lazy-loads: one more SELECT per customer (N+1).
        return [(c.id, len(c.orders)) for c in customers]


def order_counts_eager(engine: Engine, country: str) -> list[tuple[int, int]]:
    with Session(engine) as session:
        customers = session.scalars(
            select(Customer)
            .where(Customer.country == country)
            .order_by(Customer.id)
            .options(selectinload(Customer.orders))  # one more SELECT ... WHERE id IN (...)
        )
        return [(c.id, len(c.orders)) for c in customers]


# --8<-- [end:eager]


def money(totals: dict[int, Decimal]) -> dict[int, Decimal]:
    """Totals rounded to the cent: SQLite stores NUMERIC as floating point."""
    return {key: round(value, 2) for key, value in totals.items()}


def check_same(rewrite: str, before: object, after: object) -> None:
    """A rewrite that changes the answer is a bug, however fast: refuse to time it."""
    if before != after:
        raise RuntimeError(f"{rewrite}: the rewritten query returns different rows")


def per_call(func: Callable[[], object], calls: int) -> float:
    """Best-of-3 seconds per call, each timing covering ``calls`` calls."""
    return best_of(lambda: [func() for _ in range(calls)]) / calls


def measure(size: str) -> dict[str, float]:
    """Seconds per call before and after each rewrite, the speedups, and the query counts."""
    engine = setup({"test": 5_000, "bench": "medium"}[size])
    figures: dict[str, float] = {}

    def record(name: str, before: Callable[[], object], after: Callable[[], object], calls: int):
        figures[f"{name}_before_s"] = per_call(before, calls)
        figures[f"{name}_after_s"] = per_call(after, calls)
        figures[f"{name}_speedup_x"] = figures[f"{name}_before_s"] / figures[f"{name}_after_s"]

    with engine.connect() as conn:
        check_same("sargable", orders_on_day_slow(conn, DAY), orders_on_day_fast(conn, DAY))
        record(
            "sargable",
            lambda: orders_on_day_slow(conn, DAY),
            lambda: orders_on_day_fast(conn, DAY),
            calls=20,
        )
        deep = conn.scalar(select(func.count()).select_from(OrderItem)) // PAGE - 5
        last_id = page_by_offset(conn, deep - 1)[-1][0]
        check_same("keyset", page_by_offset(conn, deep), page_after(conn, last_id))
        record(
            "keyset",
            lambda: page_by_offset(conn, deep),
            lambda: page_after(conn, last_id),
            calls=20,
        )
    check_same(
        "aggregate",
        money(revenue_by_product_slow(engine)),
        money(revenue_by_product_fast(engine)),
    )
    record(
        "aggregate",
        lambda: revenue_by_product_slow(engine),
        lambda: revenue_by_product_fast(engine),
        calls=1,
    )
    with count_queries(engine) as lazy:
        lazy_rows = order_counts_lazy(engine, COUNTRY)
    with count_queries(engine) as eager:
        eager_rows = order_counts_eager(engine, COUNTRY)
    check_same("eager", lazy_rows, eager_rows)
    figures["eager_before_queries_n"] = lazy.count
    figures["eager_after_queries_n"] = eager.count
    record(
        "eager",
        lambda: order_counts_lazy(engine, COUNTRY),
        lambda: order_counts_eager(engine, COUNTRY),
        calls=3,
    )
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    engine = setup("small")  # 1,000 customers, 5,000 orders, about 15,000 order items
    with engine.connect() as conn:
        slow, fast = orders_on_day_slow(conn, DAY), orders_on_day_fast(conn, DAY)
        print(f"sargable: {len(slow)} orders on {DAY}, same rows: {slow == fast}")
        #> sargable: 14 orders on 2024-03-01, same rows: True
        last_id = page_by_offset(conn, 699)[-1][0]
        offset_page, keyset_page = page_by_offset(conn, 700), page_after(conn, last_id)
        print(f"keyset: page 700 after item {last_id}, same rows: {offset_page == keyset_page}")
        #> keyset: page 700 after item 14000, same rows: True
    slow_totals = money(revenue_by_product_slow(engine))
    fast_totals = money(revenue_by_product_fast(engine))
    print(f"aggregate: {len(fast_totals)} products, same totals: {slow_totals == fast_totals}")
    #> aggregate: 100 products, same totals: True
    with count_queries(engine) as lazy:
        lazy_rows = order_counts_lazy(engine, COUNTRY)
    with count_queries(engine) as eager:
        eager_rows = order_counts_eager(engine, COUNTRY)
    print(f"eager: {len(eager_rows)} customers, same counts: {lazy_rows == eager_rows}")
    #> eager: 94 customers, same counts: True
    print(f"queries: lazy loading {lazy.count}, selectinload {eager.count}")
    #> queries: lazy loading 95, selectinload 2
    # --8<-- [end:demo]
