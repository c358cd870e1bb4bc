# test: databases
# test: redis
# test: timeout=120
"""Exercise: cache a slow customer dashboard and a country leaderboard, and never serve stale
data after an order.

``dashboard`` and ``leaderboard`` are the starting point (three and one queries per call);
``place_order`` is the write path that changes both. ``CachedShop`` is the solution: cache-aside
for both reads (``QueryCache`` from ``redis_cache.py``), a delete-on-write for the one customer's
dashboard, and a versioned key for the leaderboard, which any order in the country changes.
"""

from __future__ import annotations

import logging
import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import redis
from redis_cache import QueryCache, cache_client, new_cache  # from redis_cache.py, same folder
from sqlalchemy import Engine, func, insert, select

from coursecode.db import get_engine
from coursecode.measure import count_queries
from coursecode.redis_server import provide
from coursecode.shop import Customer, Order, OrderItem, Product, load

log = logging.getLogger(__name__)


# --8<-- [start:starter]
def dashboard(engine: Engine, customer_id: int) -> dict[str, Any]:
    """Name, number of orders, total spent and favourite category of one customer."""
    spent = func.sum(OrderItem.quantity * OrderItem.unit_price)
    with engine.connect() as conn:
        name = conn.scalar(select(Customer.name).where(Customer.id == customer_id))
        orders, total = conn.execute(
            select(func.count(func.distinct(Order.id)), spent)
            .join(OrderItem, OrderItem.order_id == Order.id)
            .where(Order.customer_id == customer_id)
        ).one()
        favourite = conn.scalar(
            select(Product.category)
            .join(OrderItem, OrderItem.product_id == Product.id)
            .join(Order, Order.id == OrderItem.order_id)
            .where(Order.customer_id == customer_id)
            .group_by(Product.category)
            .order_by(func.sum(OrderItem.quantity).desc(), Product.category)
            .limit(1)
        )
    return {"name": name, "orders": orders, "spent": f"{Decimal(total or 0):.2f}",
            "favourite": favourite}


def leaderboard(engine: Engine, country: str, limit: int = 3) -> list[list[Any]]:
    """The country's customers with the highest spending: [customer id, amount] pairs."""
    spent = func.sum(OrderItem.quantity * OrderItem.unit_price)
    stmt = (
        select(Customer.id, spent)
        .join(Order, Order.customer_id == Customer.id)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .where(Customer.country == country)
        .group_by(Customer.id)
        .order_by(spent.desc(), Customer.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [[cid, f"{Decimal(total):.2f}"] for cid, total in conn.execute(stmt)]


def place_order(engine: Engine, customer_id: int, product_id: int, quantity: int) -> str:
    """The write path: a new order with one item. Returns the customer's country."""
    with engine.begin() as conn:
        country = conn.scalar(select(Customer.country).where(Customer.id == customer_id))
        price = conn.scalar(select(Product.price).where(Product.id == product_id))
        order_id = conn.scalar(
            insert(Order)
            .values(customer_id=customer_id, status="pending", created_at=func.now())
            .returning(Order.id)
        )
        conn.execute(
            insert(OrderItem).values(
                order_id=order_id, product_id=product_id, quantity=quantity, unit_price=price
            )
        )
    return str(country)


# --8<-- [end:starter]


# --8<-- [start:solution]
@dataclass
class CachedShop:
    engine: Engine
    cache: QueryCache

    def dashboard(self, customer_id: int) -> dict[str, Any]:
        key = self.cache.key("dashboard", customer_id)
        return self.cache.get_or_load(key, lambda: dashboard(self.engine, customer_id))

    def leaderboard(self, country: str) -> list[list[Any]]:
        # Versioned key: any order in the country bumps the version, and the next read looks
        # under a new key. Old versions are never read again and expire with their TTL.
        try:
            version = int(self.cache.client.get(self._version_key(country)) or 0)
        except redis.RedisError:  # no version, no key: the database answers
            self.cache.errors += 1
            return leaderboard(self.engine, country)
        key = self.cache.key("leaderboard", country, f"v{version}")
        return self.cache.get_or_load(key, lambda: leaderboard(self.engine, country))

    def place_order(self, customer_id: int, product_id: int, quantity: int) -> None:
        country = place_order(self.engine, customer_id, product_id, quantity)
        # Only after the commit: one customer's dashboard, and every leaderboard of the country.
        self.cache.invalidate(self.cache.key("dashboard", customer_id))  # logs a failure
        try:
            self.cache.client.incr(self._version_key(country))
        except redis.RedisError as exc:  # the order is committed: the TTL ends the staleness
            self.cache.errors += 1
            log.warning("leaderboard version not bumped: %s", exc)

    def _version_key(self, country: str) -> str:
        return self.cache.key("leaderboard-version", country)


# --8<-- [end:solution]


def requests(seed: int = 3, count: int = 300) -> list[tuple[str, int]]:
    """A reproducible mix: mostly dashboards of a few busy customers, some leaderboards, and an
    order now and then."""
    rng = random.Random(seed)  # noqa: S311 - reproducible traffic, not secrets
    mix = []
    for _ in range(count):
        roll = rng.random()
        customer = rng.choice(range(1, 21))
        mix.append(("order" if roll < 0.05 else "board" if roll < 0.25 else "view", customer))
    return mix


def serve(shop: CachedShop | None, engine: Engine, mix: list[tuple[str, int]]) -> list[Any]:
    """Answer every request, through the cache if ``shop`` is given."""
    answers = []
    for kind, customer in mix:
        if kind == "order":
            if shop:
                shop.place_order(customer, product_id=1, quantity=1)
            else:
                place_order(engine, customer, product_id=1, quantity=1)
        elif kind == "board":
            answers.append(shop.leaderboard("GB") if shop else leaderboard(engine, "GB"))
        else:
            answers.append(shop.dashboard(customer) if shop else dashboard(engine, customer))
    return answers


def check_same(uncached: list[Any], cached: list[Any]) -> None:
    """A cache that changes an answer is a bug, however fast: refuse to report its timing."""
    if uncached != cached:
        raise RuntimeError("the cached shop answered differently: stale data")


def measure(size: str) -> dict[str, float]:
    """The same request mix twice from the same data, without and with the cache."""
    scale = {"test": "small", "bench": "medium"}[size]
    server = provide()
    cache = new_cache(cache_client(server), ttl_s=300)
    mix = requests()
    try:
        figures: dict[str, float] = {}
        answers = {}
        for label, cached in (("uncached", False), ("cached", True)):
            engine = get_engine()
            load(engine, scale)
            shop = CachedShop(engine, cache) if cached else None
            with count_queries(engine) as log:
                start = time.perf_counter()
                answers[label] = serve(shop, engine, mix)
                figures[f"{label}_s"] = time.perf_counter() - start
            figures[f"{label}_queries_n"] = log.count
            engine.dispose()
        check_same(answers["uncached"], answers["cached"])
        figures["speedup_x"] = figures["uncached_s"] / figures["cached_s"]
        figures["requests_n"] = len(mix)
        return figures
    finally:
        cache.clear()
        server.stop()


if __name__ == "__main__":
    engine = get_engine()
    load(engine, "small")
    server = provide()
    sys.stderr.write(f"cache server: {server.describe()}\n")  # which one: a reader's note
    shop = CachedShop(engine, new_cache(cache_client(server), ttl_s=300))
    try:
        # --8<-- [start:check]
        before = shop.dashboard(7), shop.leaderboard("GB")  # customer 7 is third in GB
        with count_queries(engine) as log:
            again = shop.dashboard(7), shop.leaderboard("GB")
        print("cached reads: same answers:", again == before, "| statements:", log.count)
        #> cached reads: same answers: True | statements: 0
        shop.place_order(7, product_id=1, quantity=10)
        fresh = shop.dashboard(7), shop.leaderboard("GB")
        uncached = dashboard(engine, 7), leaderboard(engine, "GB")
        print("after an order, same as uncached:", fresh == uncached)
        #> after an order, same as uncached: True
        print("orders:", before[0]["orders"], "->", fresh[0]["orders"])
        #> orders: 61 -> 62
        print("leaderboard changed:", fresh[1] != before[1])
        #> leaderboard changed: True
        # --8<-- [end:check]
    finally:
        shop.cache.clear()
        server.stop()
