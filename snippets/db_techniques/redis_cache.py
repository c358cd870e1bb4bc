# test: databases
# test: redis
# test: timeout=120
"""Cache-aside with Redis around a real query: expiry, invalidation on write, prefixed keys.

The query ranks a category's best-selling products by revenue (a join and a GROUP BY over every
order item). ``QueryCache.get_or_load`` looks in Redis first and runs the query only on a miss;
``record_sale`` writes to the database and then deletes the cached answer it made stale.

Redis comes from ``coursecode.redis_server.provide()``: the server named by
``COURSECODE_REDIS_URL``, else an embedded Valkey (the open-source Redis fork) started here and
stopped at the end. Every key lives under one namespace, and the example deletes exactly that
namespace when it is done: it never flushes a database that may hold other data.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import Engine, func, insert, select

from coursecode.db import get_engine
from coursecode.measure import best_of, count_queries
from coursecode.redis_server import RedisServer, provide
from coursecode.shop import CATEGORIES, OrderItem, Product, load

log = logging.getLogger(__name__)

PREFIX = "coursecode:db_techniques"  # every key this example writes starts with this


# --8<-- [start:cache]
def cache_client(server: RedisServer, timeout_s: float = 0.5) -> redis.Redis:
    """A client that gives up quickly: a cache that answers late is worse than no cache.

    Without timeouts a request can hang on a Redis that stopped answering; and redis-py's default
    retry policy (in 8.2: up to 10 retries with a growing back-off) turns one refused connection
    into a long wait. One immediate retry still covers a pooled connection the server dropped.
    """
    return server.client(
        socket_timeout=timeout_s,  # each command's reply
        socket_connect_timeout=timeout_s,  # opening a connection
        retry=Retry(NoBackoff(), retries=1),
    )


@dataclass
class QueryCache:
    """Cache-aside: read Redis first, run the query on a miss, store its answer with a TTL.

    Values are stored as JSON: readable by any language, and never executed on load (unpickling
    data from a shared server would run whatever code someone put there). If Redis fails, the
    query runs anyway: a cache may make the application faster, never unavailable.
    """

    client: redis.Redis
    namespace: str  # "<application>:<schema version>": a new version never reads old entries
    ttl_s: float  # how stale an entry may get if an invalidation is ever missed
    jitter: float = 0.1  # up to 10% more TTL, so entries made together do not expire together
    hits: int = 0
    misses: int = 0
    errors: int = 0

    def key(self, *parts: object) -> str:
        return ":".join([self.namespace, *map(str, parts)])

    def get_or_load(self, key: str, load: Callable[[], Any]) -> Any:
        try:
            cached = self.client.get(key)
        except redis.RedisError as exc:
            self.errors += 1
            log.warning("cache read failed, using the database: %s", exc)
            return load()
        if cached is not None:
            self.hits += 1
            return json.loads(cached)
        self.misses += 1
        value = load()
        ttl_ms = int(self.ttl_s * 1000 * (1 + random.uniform(0, self.jitter)))  # noqa: S311
        try:
            self.client.set(key, json.dumps(value), px=ttl_ms)
        except redis.RedisError as exc:
            self.errors += 1
            log.warning("cache write failed: %s", exc)
        return value

    def invalidate(self, *keys: str) -> int:
        """Delete entries after the write that made them stale has committed.

        The write has committed by now, so a failure here must not fail it: log it, and let the
        TTL remove the stale entry.
        """
        try:
            return int(self.client.delete(*keys))
        except redis.RedisError as exc:
            self.errors += 1
            log.warning("cache invalidation failed, entries expire with their TTL: %s", exc)
            return 0

    def clear(self) -> int:
        """Delete every key in this namespace (SCAN, not KEYS: it never blocks the server)."""
        deleted = 0
        batch: list[bytes] = []
        for key in self.client.scan_iter(match=f"{self.namespace}:*", count=500):
            batch.append(key)
            if len(batch) == 500:
                deleted += self.client.unlink(*batch)
                batch.clear()
        if batch:
            deleted += self.client.unlink(*batch)
        return deleted


# --8<-- [end:cache]


# --8<-- [start:query]
def top_products(engine: Engine, category: str, limit: int = 5) -> list[dict[str, Any]]:
    """The category's products with the highest revenue: a join and a GROUP BY over all sales."""
    revenue = func.sum(OrderItem.quantity * OrderItem.unit_price)
    stmt = (
        select(Product.id, Product.name, revenue.label("revenue"))
        .join(OrderItem, OrderItem.product_id == Product.id)
        .where(Product.category == category)
        .group_by(Product.id, Product.name)
        .order_by(revenue.desc(), Product.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        # JSON has no Decimal: money travels as a string with two decimals, never a float.
        return [
            {"id": pid, "name": name, "revenue": f"{Decimal(total):.2f}"}
            for pid, name, total in conn.execute(stmt)
        ]


def cached_top_products(engine: Engine, cache: QueryCache, category: str) -> list[dict]:
    return cache.get_or_load(
        cache.key("top_products", category), lambda: top_products(engine, category)
    )


def record_sale(
    engine: Engine, cache: QueryCache, order_id: int, product_id: int, qty: int
) -> None:
    """The write path: commit first, then delete the one entry the write made stale."""
    with engine.begin() as conn:
        price = conn.scalar(select(Product.price).where(Product.id == product_id))
        category = conn.scalar(select(Product.category).where(Product.id == product_id))
        conn.execute(
            insert(OrderItem).values(
                order_id=order_id, product_id=product_id, quantity=qty, unit_price=price
            )
        )
    # After the commit: deleting earlier would let a reader cache the old answer again.
    cache.invalidate(cache.key("top_products", category))


# --8<-- [end:query]


def new_cache(client: redis.Redis, ttl_s: float) -> QueryCache:
    """A cache in a namespace of its own: runs that share a server never see each other's keys."""
    return QueryCache(client, f"{PREFIX}:{uuid.uuid4().hex[:8]}", ttl_s)


def measure(size: str) -> dict[str, float]:
    """A miss (query + SET) against a hit (GET), and a request mix with and without the cache."""
    engine = get_engine()
    load(engine, {"test": "small", "bench": "medium"}[size])
    server = provide()
    client = cache_client(server)
    cache = new_cache(client, ttl_s=300)
    rng = random.Random(7)  # noqa: S311 - a reproducible request mix
    # Popular categories are asked for more often: a skewed mix, like real traffic.
    requests = rng.choices(CATEGORIES, weights=[8, 7, 6, 5, 4, 3, 2, 1], k=200)
    try:
        key = cache.key("top_products", "books")

        def miss() -> None:
            cache.invalidate(key)
            cached_top_products(engine, cache, "books")

        def hit() -> None:
            cached_top_products(engine, cache, "books")

        miss_s = best_of(miss, repeat=5)
        hit_s = best_of(hit, repeat=5)
        cache.clear()
        uncached_s = best_of(lambda: [top_products(engine, c) for c in requests], repeat=1)
        with count_queries(engine) as log_:
            start = time.perf_counter()
            for category in requests:
                cached_top_products(engine, cache, category)
            cached_s = time.perf_counter() - start
        return {
            "miss_s": miss_s,
            "hit_s": hit_s,
            "hit_speedup_x": miss_s / hit_s,
            "requests_n": len(requests),
            "uncached_requests_s": uncached_s,
            "cached_requests_s": cached_s,
            "requests_speedup_x": uncached_s / cached_s,
            "cached_db_queries_n": log_.count,
        }
    finally:
        cache.clear()
        client.close()
        server.stop()
        engine.dispose()


if __name__ == "__main__":
    # --8<-- [start:demo]
    engine = get_engine()
    load(engine, "small")
    server = provide()  # COURSECODE_REDIS_URL, else an embedded Valkey
    sys.stderr.write(f"cache server: {server.describe()}\n")  # which one: a reader's note
    cache = new_cache(cache_client(server), ttl_s=60)
    try:
        with count_queries(engine) as first:
            top = cached_top_products(engine, cache, "books")
        print(f"first call: misses={cache.misses}, database statements={first.count}")
        #> first call: misses=1, database statements=1
        with count_queries(engine) as second:
            again = cached_top_products(engine, cache, "books")
        print(f"second call: hits={cache.hits}, database statements={second.count}")
        #> second call: hits=1, database statements=0
        print("same answer:", again == top, "| best seller:", top[0])
        #> same answer: True | best seller: {'id': 8, 'name': 'Product 8', 'revenue': '172181.70'}

        key = cache.key("top_products", "books")
        print("key:", key.replace(cache.namespace, PREFIX + ":<run>"))
        #> key: coursecode:db_techniques:<run>:top_products:books
        ttl_ms = cache.client.pttl(key)
        print("expires within 60-66 s:", 0 < ttl_ms <= 66_000)
        #> expires within 60-66 s: True

        # A sale of the best seller: the write path deletes the entry it made stale.
        record_sale(engine, cache, order_id=1, product_id=top[0]["id"], qty=100)
        print("entry deleted by the write:", cache.client.exists(key) == 0)
        #> entry deleted by the write: True
        with count_queries(engine) as third:
            fresh = cached_top_products(engine, cache, "books")
        print(f"next call: misses={cache.misses}, database statements={third.count}")
        #> next call: misses=2, database statements=1
        print("revenue went up:", Decimal(fresh[0]["revenue"]) > Decimal(top[0]["revenue"]))
        #> revenue went up: True

        # Expiry: an entry with a 0.2 s TTL is gone 0.3 s later, without any invalidation.
        short = new_cache(cache.client, ttl_s=0.2)
        cached_top_products(engine, short, "games")
        time.sleep(0.3)
        cached_top_products(engine, short, "games")
        print(f"after the TTL: hits={short.hits}, misses={short.misses}")
        #> after the TTL: hits=0, misses=2
        print("keys removed at the end:", cache.clear() + short.clear())
        #> keys removed at the end: 2
    finally:
        cache.clear()
        server.stop()
    # --8<-- [end:demo]
