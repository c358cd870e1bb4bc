# test: databases
# test: timeout=120
"""Horizontal sharding by hand: the shop's customers spread over three databases.

The shard key is the customer id: a customer's row, orders and order items all live on the
shard its id hashes to, so everything about one customer is one query on one database. The
small ``products`` table is copied to every shard (reference data), so joins to it stay local.
A query that is not about one customer (revenue per country, the best customers, a lookup by
e-mail) goes to every shard and the partial answers are merged in Python: a fan-out.

The shards are SQLite files in a temporary folder, or, when ``DATABASE_URL`` is PostgreSQL,
three databases created on that server (``coursecode.postgres``) and dropped at the end.
"""

from __future__ import annotations

import bisect
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, event, func, insert, select, text
from sqlalchemy.engine import Row

from coursecode.db import backend, get_engine, server_version
from coursecode.measure import QueryLog, best_of_interleaved, count_queries
from coursecode.postgres import PostgresServer
from coursecode.shop import (
    COLUMNS,
    Base,
    Customer,
    Order,
    OrderItem,
    ShopData,
    analyze,
    create_schema,
    generate,
    load,
)

SHARDS = 3


# --8<-- [start:router]
def shard_of(customer_id: int, shards: int) -> int:
    """A stable hash of the shard key, modulo the number of shards.

    Never Python's hash() for this: for strings it changes from one process to the next.
    """
    return zlib.crc32(str(customer_id).encode()) % shards


@dataclass
class ShardRouter:
    engines: Sequence[Engine]

    def engine_for(self, customer_id: int) -> Engine:
        return self.engines[shard_of(customer_id, len(self.engines))]

    def one(self, customer_id: int, stmt: Select) -> list[Row]:
        """A query about one customer: one statement, on that customer's shard."""
        with self.engine_for(customer_id).connect() as conn:
            return list(conn.execute(stmt))

    def fan_out(self, stmt: Select, parallel: bool = False) -> list[Row]:
        """Run ``stmt`` on every shard and return all their rows, to be merged by the caller."""

        def run(engine: Engine) -> list[Row]:
            with engine.connect() as conn:
                return list(conn.execute(stmt))

        if parallel:  # the drivers release the GIL while the databases work
            with ThreadPoolExecutor(max_workers=len(self.engines)) as pool:
                parts = list(pool.map(run, self.engines))
        else:
            parts = [run(engine) for engine in self.engines]
        return [row for part in parts for row in part]


# --8<-- [end:router]


# --8<-- [start:load]
def load_shards(router: ShardRouter, data: ShopData) -> None:
    """Each customer's rows go to its shard; products go to every shard."""
    n = len(router.engines)
    owner = {order[0]: shard_of(order[1], n) for order in data.orders}  # order id -> shard
    placed: dict[str, Callable[[tuple], list[int]]] = {
        "customers": lambda row: [shard_of(row[0], n)],
        "products": lambda row: list(range(n)),
        "orders": lambda row: [shard_of(row[1], n)],
        "order_items": lambda row: [owner[row[1]]],
    }
    for engine in router.engines:
        create_schema(engine)
    for table, rows in data.tables():
        per_shard: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        for row in rows:
            for shard in placed[table](row):
                per_shard[shard].append(dict(zip(COLUMNS[table], row, strict=True)))
        for engine, shard_rows in zip(router.engines, per_shard, strict=True):
            with engine.begin() as conn:
                conn.execute(insert(Base.metadata.tables[table]), shard_rows)
    for engine in router.engines:
        add_indexes(engine)


def add_indexes(engine: Engine) -> None:
    """The indexes a per-customer lookup and the joins need, on a shard or the whole shop."""
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_orders_customer_id ON orders (customer_id)"))
        conn.execute(text("CREATE INDEX ix_order_items_order_id ON order_items (order_id)"))
    analyze(engine)


# --8<-- [end:load]


# --8<-- [start:queries]
REVENUE = func.sum(OrderItem.quantity * OrderItem.unit_price)


def customer_orders(customer_id: int) -> Select:
    return select(Order.id, Order.status).where(Order.customer_id == customer_id).order_by(Order.id)


def revenue_by_country_stmt() -> Select:
    return (
        select(Customer.country, REVENUE)
        .join(Order, Order.customer_id == Customer.id)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .group_by(Customer.country)
    )


def revenue_by_country(rows: list[Row]) -> dict[str, Decimal]:
    """Merge: a sum of sums is the sum. (An average would need each shard's sum and count.)"""
    totals: Counter[str] = Counter()
    for country, revenue in rows:
        totals[country] += Decimal(str(revenue))
    return {country: round(total, 2) for country, total in sorted(totals.items())}


def top_customers_stmt(limit: int) -> Select:
    return (
        select(Customer.id, REVENUE.label("revenue"))
        .join(Order, Order.customer_id == Customer.id)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .group_by(Customer.id)
        .order_by(REVENUE.desc(), Customer.id)
        .limit(limit)
    )


def top_customers(rows: list[Row], limit: int) -> list[tuple[int, Decimal]]:
    """Merge: the overall top N is among the shards' top Ns (a customer is on one shard)."""
    ranked = sorted(((cid, round(Decimal(str(r)), 2)) for cid, r in rows), key=_by_revenue)
    return ranked[:limit]


def _by_revenue(pair: tuple[int, Decimal]) -> tuple[Decimal, int]:
    return (-pair[1], pair[0])


# --8<-- [end:queries]


# --8<-- [start:rebalance]
def moved_by_modulo(keys: range, before: int, after: int) -> float:
    """Share of keys whose shard changes when ``hash % n`` goes from ``before`` to ``after``."""
    return sum(shard_of(k, before) != shard_of(k, after) for k in keys) / len(keys)


class HashRing:
    """Consistent hashing: each shard owns many points on a ring; a key belongs to the next
    point clockwise. A new shard takes over only the keys that now fall on its points."""

    def __init__(self, shards: int, points_per_shard: int = 100) -> None:
        self.ring = sorted(
            (zlib.crc32(f"shard-{s}-{p}".encode()), s)
            for s in range(shards)
            for p in range(points_per_shard)
        )
        self.hashes = [h for h, _ in self.ring]

    def shard_of(self, key: int) -> int:
        i = bisect.bisect(self.hashes, zlib.crc32(str(key).encode())) % len(self.ring)
        return self.ring[i][1]


def moved_by_ring(keys: range, before: int, after: int) -> float:
    old, new = HashRing(before), HashRing(after)
    return sum(old.shard_of(k) != new.shard_of(k) for k in keys) / len(keys)


# --8<-- [end:rebalance]


@contextmanager
def shard_engines(folder: Path, shards: int = SHARDS) -> Iterator[list[Engine]]:
    """SQLite: one file per shard in ``folder``. PostgreSQL: a new database per shard on the
    ``DATABASE_URL`` server, dropped afterwards."""
    main = get_engine()
    with ExitStack() as stack:
        if backend(main) == "postgresql":
            server = PostgresServer(main.url, "DATABASE_URL", server_version(main))
            urls = []
            for _ in range(shards):
                urls.append(server.create_database("shard"))
                stack.callback(server.drop_database, urls[-1])
            engines = [get_engine(u.render_as_string(hide_password=False)) for u in urls]
        else:
            engines = [sqlite_file(folder / f"shard_{i}.db") for i in range(shards)]
        for engine in engines:
            stack.callback(engine.dispose)
        main.dispose()
        yield engines


@contextmanager
def statements_per_shard(engines: Sequence[Engine]) -> Iterator[list[QueryLog]]:
    """One ``count_queries`` log per shard, in shard order."""
    with ExitStack() as stack:
        yield [stack.enter_context(count_queries(engine)) for engine in engines]


def unsharded_engine(folder: Path) -> Engine:
    """The whole shop in one database, for comparison: DATABASE_URL's, or a file on SQLite."""
    engine = get_engine()
    return engine if backend(engine) == "postgresql" else sqlite_file(folder / "all.db")


def sqlite_file(path: Path) -> Engine:
    """A SQLite file whose connections cache up to 64 MiB of pages.

    SQLite's default page cache is 2 MiB per connection: the whole medium shop does not fit in
    it and a third of it nearly does, so a comparison would measure cache size, not sharding.
    PostgreSQL's shared buffers (128 MB by default) hold both.
    """
    engine = get_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _big_page_cache)
    return engine


def _big_page_cache(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA cache_size = -65536")  # KiB, when negative


def measure(size: str) -> dict[str, float]:
    """One customer's orders (one shard) and revenue per country (fan-out), sharded and not."""
    data = generate({"test": "small", "bench": "medium"}[size])
    with tempfile.TemporaryDirectory(prefix="cc-dbt-") as tmp, shard_engines(Path(tmp)) as engines:
        router = ShardRouter(engines)
        load_shards(router, data)
        whole = unsharded_engine(Path(tmp))
        load(whole, {"test": "small", "bench": "medium"}[size])
        add_indexes(whole)
        by_country = revenue_by_country_stmt()

        def sharded_lookup() -> None:
            for cid in range(1, 101):
                router.one(cid, customer_orders(cid))

        def whole_lookup() -> None:  # a connection per lookup, as router.one() takes
            for cid in range(1, 101):
                with whole.connect() as conn:
                    conn.execute(customer_orders(cid)).all()

        def whole_aggregate() -> None:
            with whole.connect() as conn:
                conn.execute(by_country).all()

        best = best_of_interleaved(
            {
                "single_shard": sharded_lookup,
                "unsharded_lookup": whole_lookup,
                "fan_out": lambda: router.fan_out(by_country),
                "fan_out_parallel": lambda: router.fan_out(by_country, parallel=True),
                "unsharded_aggregate": whole_aggregate,
            },
            rounds=5,
        )
        whole.dispose()
        with statements_per_shard(engines) as one:
            router.one(42, customer_orders(42))
        with statements_per_shard(engines) as fanned:
            router.fan_out(by_country)
    return {
        "single_shard_statements_n": sum(log.count for log in one),
        "fan_out_statements_n": sum(log.count for log in fanned),
        "single_shard_100_lookups_s": best["single_shard"],
        "unsharded_100_lookups_s": best["unsharded_lookup"],
        "fan_out_s": best["fan_out"],
        "fan_out_parallel_s": best["fan_out_parallel"],
        "unsharded_aggregate_s": best["unsharded_aggregate"],
        "fan_out_vs_unsharded_x": best["fan_out"] / best["unsharded_aggregate"],
        "parallel_speedup_x": best["fan_out"] / best["fan_out_parallel"],
    }


if __name__ == "__main__":
    # --8<-- [start:demo]
    data = generate("small")  # 1,000 customers, 5,000 orders
    with tempfile.TemporaryDirectory(prefix="cc-dbt-") as tmp, shard_engines(Path(tmp)) as engines:
        router = ShardRouter(engines)
        load_shards(router, data)
        sizes = [shard_of(c[0], SHARDS) for c in data.customers]
        print("customers per shard:", [sizes.count(s) for s in range(SHARDS)])
        #> customers per shard: [326, 337, 337]

        # One customer: one statement on one shard.
        with statements_per_shard(engines) as logs:
            orders = router.one(42, customer_orders(42))
        where = f"customer 42 is on shard {shard_of(42, SHARDS)}: {len(orders)} orders"
        print(where, "| statements per shard:", [log.count for log in logs])
        #> customer 42 is on shard 2: 19 orders | statements per shard: [0, 0, 1]

        # Revenue per country and the top customers: every shard, merged here.
        whole = unsharded_engine(Path(tmp))
        load(whole, "small")
        add_indexes(whole)
        with statements_per_shard(engines) as logs:
            sharded = revenue_by_country(router.fan_out(revenue_by_country_stmt(), parallel=True))
            best = top_customers(router.fan_out(top_customers_stmt(3)), 3)
        print("fan-out statements per shard:", [log.count for log in logs])
        #> fan-out statements per shard: [2, 2, 2]
        with whole.connect() as conn:
            expected = revenue_by_country(conn.execute(revenue_by_country_stmt()).all())
            expected_top = top_customers(conn.execute(top_customers_stmt(3)).all(), 3)
        print("revenue per country as unsharded:", sharded == expected, "| GB:", sharded["GB"])
        #> revenue per country as unsharded: True | GB: 1430069.55
        print("top 3 customers as unsharded:", best == expected_top, "|", best[0])
        #> top 3 customers as unsharded: True | (1, Decimal('242987.80'))

        # Adding a fourth shard: how many customers would have to move?
        ids = range(1, 10_001)
        modulo, ring = moved_by_modulo(ids, 3, 4), moved_by_ring(ids, 3, 4)
        print(f"3 -> 4 shards moves: hash % n {modulo:.0%}, hash ring {ring:.0%} of customers")
        #> 3 -> 4 shards moves: hash % n 76%, hash ring 29% of customers
        whole.dispose()
    # --8<-- [end:demo]
