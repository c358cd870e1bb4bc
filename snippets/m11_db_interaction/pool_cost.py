# test: databases
# test: timeout=120
"""What a pool buys, measured: the cost of opening a connection per query (NullPool) against
reusing pooled ones; why that gain vanishes for a query that does real work; what pre-ping adds
per checkout; and how pool_size caps the work that threads can do at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.pool import NullPool

from coursecode.db import get_engine
from coursecode.dbapi import shared_database
from coursecode.measure import best_of_interleaved
from coursecode.shop import OrderItem, load

HEAVY = select(OrderItem.product_id, func.sum(OrderItem.quantity * OrderItem.unit_price)).group_by(
    OrderItem.product_id
)


# --8<-- [start:work]
def cheap(engine: Engine) -> None:
    """A query that costs the database almost nothing: connection handling dominates."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1")).scalar_one()


def heavy(engine: Engine) -> None:
    """A query that does real work (revenue per product over every order item)."""
    with engine.connect() as conn:
        conn.execute(HEAVY).all()


def request(engine: Engine, hold: float) -> None:
    """A request handler that keeps its connection while it waits ``hold`` seconds on something
    else (another service, a slow client): the connection is busy, the database is idle."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1")).scalar_one()
        time.sleep(hold)


def serve(engine: Engine, threads: int, requests: int, hold: float) -> None:
    """``requests`` requests on ``threads`` worker threads sharing ``engine``'s pool."""
    with ThreadPoolExecutor(max_workers=threads) as workers:
        for future in [workers.submit(request, engine, hold) for _ in range(requests)]:
            future.result(timeout=30)
            # --8<-- [end:work]


class Watch:
    """Connections opened, and the most checked out at once, on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.opened = 0
        self.out = 0
        self.most_out = 0
        self._lock = threading.Lock()
        event.listen(engine, "connect", self._connect)
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "checkin", self._checkin)

    def _connect(self, dbapi_connection: Any, record: Any) -> None:
        with self._lock:
            self.opened += 1

    def _checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        with self._lock:
            self.out += 1
            self.most_out = max(self.most_out, self.out)

    def _checkin(self, dbapi_connection: Any, record: Any) -> None:
        with self._lock:
            self.out -= 1


def per_call(func: Callable[[], object], calls: int) -> Callable[[], object]:
    return lambda: [func() for _ in range(calls)]


SIZES = {"test": ("small", 200, 3), "bench": ("medium", 500, 10)}


def measure(size: str) -> dict[str, float]:
    """Seconds per query pooled and with a new connection each time, for a cheap and a heavy
    query; pre-ping's cost per checkout; 8 threads serving 24 requests with pools of 2 and 8."""
    scale, cheap_calls, heavy_calls = SIZES[size]
    figures: dict[str, float] = {}
    with shared_database() as url:
        pooled = get_engine(url)
        load(pooled, scale)
        fresh = get_engine(url, poolclass=NullPool)
        pinged = get_engine(url, pool_pre_ping=True)
        best = best_of_interleaved(
            {
                "cheap_pooled": per_call(lambda: cheap(pooled), cheap_calls),
                "cheap_new_connection": per_call(lambda: cheap(fresh), cheap_calls),
                "cheap_pre_ping": per_call(lambda: cheap(pinged), cheap_calls),
                "heavy_pooled": per_call(lambda: heavy(pooled), heavy_calls),
                "heavy_new_connection": per_call(lambda: heavy(fresh), heavy_calls),
            }
        )
        calls = {"cheap": cheap_calls, "heavy": heavy_calls}
        for name, seconds in best.items():
            figures[f"{name}_s"] = seconds / calls[name.split("_")[0]]
        small, enough = get_engine(url, pool_size=2, max_overflow=0), get_engine(url, pool_size=8)
        serving = best_of_interleaved(
            {
                "pool_of_2": lambda: serve(small, threads=8, requests=24, hold=0.01),
                "pool_of_8": lambda: serve(enough, threads=8, requests=24, hold=0.01),
            }
        )
        figures["threads_pool_of_2_s"] = serving["pool_of_2"]
        figures["threads_pool_of_8_s"] = serving["pool_of_8"]
        for engine in (pooled, fresh, pinged, small, enough):
            engine.dispose()
    for work in ("cheap", "heavy"):
        new, pooled_s = figures[f"{work}_new_connection_s"], figures[f"{work}_pooled_s"]
        figures[f"{work}_pooled_speedup_x"] = new / pooled_s
    figures["pre_ping_cost_x"] = figures["cheap_pre_ping_s"] / figures["cheap_pooled_s"]
    figures["pool_of_8_speedup_x"] = figures["threads_pool_of_2_s"] / figures["threads_pool_of_8_s"]
    return figures


if __name__ == "__main__":
    with shared_database() as url:  # DATABASE_URL, or a SQLite file in a temporary folder
        # --8<-- [start:demo]
        for poolclass in (None, NullPool):  # None: the default, QueuePool
            engine = get_engine(url, poolclass=poolclass) if poolclass else get_engine(url)
            watch = Watch(engine)
            for _ in range(20):
                cheap(engine)
            print(f"{type(engine.pool).__name__}: 20 queries, {watch.opened} connection(s) opened")
            #> QueuePool: 20 queries, 1 connection(s) opened
            #> NullPool: 20 queries, 20 connection(s) opened
            engine.dispose()
        for size in (2, 8):
            engine = get_engine(url, pool_size=size, max_overflow=0)
            watch = Watch(engine)
            serve(engine, threads=8, requests=24, hold=0.01)
            print(f"pool_size={size}, 8 threads: at most {watch.most_out} checked out at once")
            #> pool_size=2, 8 threads: at most 2 checked out at once
            #> pool_size=8, 8 threads: at most 8 checked out at once
            engine.dispose()
        # --8<-- [end:demo]
