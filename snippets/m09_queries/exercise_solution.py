# test: databases
# test: timeout=120
"""Module 9 exercise: make the "top customers of the month" report fast without changing it.

``top_customers_slow`` is the starting point the exercise hands out; ``top_customers_fast`` and
``add_indexes`` are the solution. measure() times both and counts their statements.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Engine, String, cast, func, select, text
from sqlalchemy.orm import Session

from coursecode.db import get_engine
from coursecode.measure import best_of, count_queries
from coursecode.shop import Customer, Order, OrderItem, analyze, load

MARCH = date(2024, 3, 1)


# --8<-- [start:starter]
def top_customers_slow(engine: Engine, month: date, limit: int = 5) -> list[tuple[str, Decimal]]:
    """Customers with the highest revenue from non-cancelled orders placed in ``month``."""
    month_text = month.strftime("%Y-%m")
    with Session(engine) as session:
        orders = session.scalars(
            select(Order).where(func.substr(cast(Order.created_at, String), 1, 7) == month_text)
        )
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for order in orders:
            if order.status == "cancelled":
                continue
            for item in order.items:
                totals[order.customer_id] += item.quantity * Decimal(item.unit_price)
        ranked = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
        return [(session.get(Customer, cid).name, round(total, 2)) for cid, total in ranked]


# --8<-- [end:starter]


# --8<-- [start:solution]
def add_indexes(engine: Engine) -> None:
    """The range on orders.created_at and the join on order_items.order_id both need one."""
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_orders_created_at ON orders (created_at)"))
        conn.execute(text("CREATE INDEX ix_order_items_order_id ON order_items (order_id)"))
    analyze(engine)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first instant of the month, first instant of the next month): a sargable range."""
    start = datetime.combine(month.replace(day=1), time.min)
    next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, datetime.combine(next_month, time.min)


def top_customers_fast(engine: Engine, month: date, limit: int = 5) -> list[tuple[str, Decimal]]:
    """One statement: filter, join, sum, rank and limit inside the database."""
    start, end = month_bounds(month)
    revenue = func.sum(OrderItem.quantity * OrderItem.unit_price).label("revenue")
    stmt = (
        select(Customer.name, revenue)
        .join(Order, Order.customer_id == Customer.id)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .where(Order.created_at >= start, Order.created_at < end, Order.status != "cancelled")
        .group_by(Customer.id, Customer.name)
        .order_by(revenue.desc(), Customer.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [(name, round(Decimal(total), 2)) for name, total in conn.execute(stmt)]


# --8<-- [end:solution]


PLAN_SQL = {
    "sqlite": "EXPLAIN QUERY PLAN SELECT id FROM orders"
    " WHERE created_at >= :start AND created_at < :end",
    "postgresql": "EXPLAIN SELECT id FROM orders WHERE created_at >= :start AND created_at < :end",
}


def plan_uses(engine: Engine, index: str) -> bool:
    """Whether the plan for one month of orders mentions ``index``."""
    start, end = (bound.isoformat(" ") for bound in month_bounds(MARCH))
    with engine.connect() as conn:
        plan = conn.execute(text(PLAN_SQL[engine.dialect.name]), {"start": start, "end": end})
        return any(index in str(row) for row in plan)


def measure(size: str) -> dict[str, float]:
    """Seconds and statements for the report before and after the fix."""
    engine = get_engine()
    # The starter's lazy loads each scan order_items (no index on order_id yet), so its cost
    # grows with the square of the shop: 5,000 customers keep the benchmark to seconds.
    load(engine, {"test": "small", "bench": 5_000}[size])
    with count_queries(engine) as slow_log:
        top_customers_slow(engine, MARCH)
    slow_s = best_of(lambda: top_customers_slow(engine, MARCH))
    add_indexes(engine)
    with count_queries(engine) as fast_log:
        top_customers_fast(engine, MARCH)
    fast_s = best_of(lambda: top_customers_fast(engine, MARCH), repeat=5)
    return {
        "slow_s": slow_s,
        "fast_s": fast_s,
        "speedup_x": slow_s / fast_s,
        "slow_queries_n": slow_log.count,
        "fast_queries_n": fast_log.count,
    }


if __name__ == "__main__":
    # --8<-- [start:check]
    engine = get_engine()
    load(engine, "small")
    slow = top_customers_slow(engine, MARCH)
    print(f"index used before: {plan_uses(engine, 'ix_orders_created_at')}")
    #> index used before: False
    add_indexes(engine)
    print(f"index used after: {plan_uses(engine, 'ix_orders_created_at')}")
    #> index used after: True
    with count_queries(engine) as log:
        fast = top_customers_fast(engine, MARCH)
    print(f"same report: {fast == slow}, statements: {log.count}")
    #> same report: True, statements: 1
    for name, revenue in fast:
        print(f"{name:<14} {revenue:>9}")
        #> Customer 1      11917.66
        #> Customer 3       6476.33
        #> Customer 2       6283.10
        #> Customer 9       4458.61
        #> Customer 7       4376.11
    # --8<-- [end:check]
