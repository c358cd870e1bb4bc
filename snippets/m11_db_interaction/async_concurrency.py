# test: databases
# test: timeout=120
"""N queries one after another, or all at once with asyncio.gather: what concurrency buys depends
on what the queries spend their time on.

* Waiting (the network, a lock, a slow disk): the database and the event loop sit idle, so N
  waits overlap and N queries take about as long as one. On a local database nothing waits, so
  ``measure()`` makes PostgreSQL wait on purpose with ``pg_sleep``: a stand-in for a round trip
  across a network or a query stuck behind a lock. SQLite has no such function: it runs inside
  this process and never waits for anything but the CPU and the disk.
* Working (scanning and aggregating rows): concurrency helps only as far as there are idle cores,
  on the server for PostgreSQL, in this process for SQLite (aiosqlite runs each connection's
  calls in a thread of its own, and sqlite3 releases the GIL while SQLite works).

Each concurrent task needs its own connection, so a pool smaller than N caps the concurrency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Executable, bindparam, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from coursecode.asyncdb import get_async_engine
from coursecode.db import get_engine
from coursecode.dbapi import shared_database
from coursecode.measure import best_of_interleaved
from coursecode.shop import COUNTRIES, Customer, Order, OrderItem, load

Job = tuple[Executable, dict[str, Any]]

# --8<-- [start:queries]
# Work: revenue and item count of one country's orders (a join and an aggregate over the shop).
REVENUE = (
    select(func.count(), func.sum(OrderItem.quantity * OrderItem.unit_price))
    .join(Order, Order.id == OrderItem.order_id)
    .join(Customer, Customer.id == Order.customer_id)
    .where(Customer.country == bindparam("country"))
)
# Waiting (PostgreSQL only): the server sleeps, standing in for network or lock waits.
WAIT = text("SELECT pg_sleep(:seconds)")
# --8<-- [end:queries]


# --8<-- [start:run]
async def run_one(engine: AsyncEngine, job: Job) -> list[tuple[Any, ...]]:
    stmt, params = job
    async with engine.connect() as conn:  # one connection per task, from the pool
        return [tuple(row) for row in await conn.execute(stmt, params)]


async def one_after_another(engine: AsyncEngine, jobs: Sequence[Job]) -> list[Any]:
    return [await run_one(engine, job) for job in jobs]  # each await finishes before the next


async def all_at_once(engine: AsyncEngine, jobs: Sequence[Job]) -> list[Any]:
    # gather starts every task, then waits for all; results come back in the order of jobs.
    return await asyncio.gather(*(run_one(engine, job) for job in jobs))


# --8<-- [end:run]


class PeakConnections:
    """How many pooled connections were checked out at the same time, at most."""

    def __init__(self, engine: AsyncEngine):
        self.now = self.peak = 0
        event.listen(engine.sync_engine, "checkout", self._out)
        event.listen(engine.sync_engine, "checkin", self._in)

    def _out(self, *_: Any) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def _in(self, *_: Any) -> None:
        self.now -= 1

    def reset(self) -> None:
        self.peak = self.now


def revenue_jobs(n: int) -> list[Job]:
    return [(REVENUE, {"country": COUNTRIES[i % len(COUNTRIES)]}) for i in range(n)]


def rounded(results: list[Any]) -> list[Any]:
    """Sums to the cent: SQLite adds NUMERIC as floating point, in whatever order it reads."""
    return [[(n, round(Decimal(total), 2)) for n, total in rows] for rows in results]


async def demo(engine: AsyncEngine, small_pool: AsyncEngine) -> None:
    # --8<-- [start:demo]
    jobs = revenue_jobs(10)
    peak = PeakConnections(engine)
    before = await one_after_another(engine, jobs)
    print("one after another, connections in use at most:", peak.peak)
    #> one after another, connections in use at most: 1
    peak.reset()
    after = await all_at_once(engine, jobs)
    print("all at once, several connections in use:", peak.peak > 1)
    #> all at once, several connections in use: True
    print("same results, same order:", rounded(before) == rounded(after))
    #> same results, same order: True

    capped = PeakConnections(small_pool)  # pool_size=2, max_overflow=0
    capped_results = await all_at_once(small_pool, jobs)  # tasks queue for a connection
    same = rounded(capped_results) == rounded(before)
    print("pool of 2: at most 2 at once:", capped.peak <= 2, "same results:", same)
    #> pool of 2: at most 2 at once: True same results: True
    # --8<-- [end:demo]


async def main(url: str) -> None:
    engine = get_async_engine(url, pool_size=10, max_overflow=0)
    small_pool = get_async_engine(url, pool_size=2, max_overflow=0)
    try:
        await demo(engine, small_pool)
    finally:
        await engine.dispose()
        await small_pool.dispose()


SIZES = {
    # shop scale, queries per run, seconds each waiting query sleeps
    "test": ("small", 8, 0.02),
    "bench": ("medium", 20, 0.05),
}


def measure(size: str) -> dict[str, float]:
    """Seconds for N queries one after another and all at once, and the speed-up, for the work
    queries on both databases and the waiting queries on PostgreSQL."""
    scale, n, seconds = SIZES[size]
    figures: dict[str, float] = {"queries_n": n}
    with shared_database() as url:
        load(get_engine(url), scale)
        engine = get_async_engine(url, pool_size=n, max_overflow=0)
        loop = asyncio.new_event_loop()
        try:
            workloads = {"work": revenue_jobs(n)}
            if engine.dialect.name == "postgresql":
                workloads["wait"] = [(WAIT, {"seconds": seconds})] * n
            for name, jobs in workloads.items():
                loop.run_until_complete(all_at_once(engine, jobs))  # open n connections first
                runs: dict[str, Callable[[], object]] = {
                    "sequential": lambda jobs=jobs: loop.run_until_complete(
                        one_after_another(engine, jobs)
                    ),
                    "concurrent": lambda jobs=jobs: loop.run_until_complete(
                        all_at_once(engine, jobs)
                    ),
                }
                best = best_of_interleaved(runs, rounds=3)
                figures[f"{name}_sequential_s"] = best["sequential"]
                figures[f"{name}_concurrent_s"] = best["concurrent"]
                figures[f"{name}_speedup_x"] = best["sequential"] / best["concurrent"]
        finally:
            loop.run_until_complete(engine.dispose())
            loop.close()
    return figures


if __name__ == "__main__":
    # Several connections to one database: a file when DATABASE_URL is in-memory SQLite.
    with shared_database() as url:
        load(get_engine(url), "small")  # 1,000 customers, about 15,000 order items
        asyncio.run(main(url))
