# test: databases
# test: output=per-database
# test: timeout=120
"""Query profiling through SQLAlchemy engine events, a slow-query log, and EXPLAIN.

* ``coursecode.measure.QueryLog`` (behind ``count_queries``) records every statement an engine
  sends, timed from ``before_cursor_execute`` to ``after_cursor_execute``; ``totals()`` groups
  them into a profile. One request's profile shows its N+1 loop at a glance.
* ``coursecode.measure.SlowQueryLog`` listens to the same events and logs, through ``logging``,
  each statement over a threshold with its parameters and duration. The demo makes one statement
  slow on purpose: ``pg_sleep`` on PostgreSQL, and on SQLite a ``sleep_s`` SQL function that the
  example registers on each new connection (SQLite has no sleep function of its own).
* A statement captured with its parameters can be replayed under EXPLAIN: the plan of exactly
  the query that was slow.

measure() prices the listeners themselves: the same primary-key lookups with and without them.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from coursecode.db import backend, get_engine
from coursecode.measure import SlowQueryLog, best_of_interleaved, count_queries
from coursecode.shop import Customer, Order, load

THRESHOLD_S = 0.25
SLOW_S = 0.4


def engine_with_sleep() -> Engine:
    """The course engine; on SQLite, every new connection also gets ``sleep_s(seconds)``."""
    engine = get_engine()
    if backend(engine) == "sqlite":

        @event.listens_for(engine, "connect")
        def add_sleep(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.create_function("sleep_s", 1, _sleep, deterministic=False)

    return engine


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def sleep(engine: Engine, seconds: float) -> Any:
    """A statement that takes ``seconds``: pg_sleep on PostgreSQL, our sleep_s on SQLite."""
    sleeper = func.pg_sleep if backend(engine) == "postgresql" else func.sleep_s
    return select(sleeper(seconds))


# --8<-- [start:request]
def order_history_page(engine: Engine, country: str) -> list[tuple[str, int]]:
    """A page as too many handlers write it: the customers, then each one's orders (lazy)."""
    with Session(engine) as session:
        customers = session.scalars(
            select(Customer).where(Customer.country == country).order_by(Customer.id).limit(20)
        )
        return [(c.name, len(c.orders)) for c in customers]


# --8<-- [end:request]


class Collect(logging.Handler):
    """Keep the records a logger emits (a test or a demo reads them back)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def explain(engine: Engine, sql: str, parameters: Any) -> list[str]:
    """The plan of a captured statement, replayed with its captured parameters."""
    prefix = "EXPLAIN QUERY PLAN" if backend(engine) == "sqlite" else "EXPLAIN"
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"{prefix} {sql}", parameters).all()
    return [str(row[-1]) for row in rows]


def measure(size: str) -> dict[str, float]:
    """Seconds for a batch of primary-key lookups with no listener, a QueryLog, a SlowQueryLog."""
    engine = get_engine()
    load(engine, "small")
    lookups = {"test": 300, "bench": 3_000}[size]
    stmt = select(Customer.name).where(Customer.id == 1)
    slow_log = SlowQueryLog(threshold=1.0)  # nothing here is that slow: timing cost only

    with engine.connect() as conn:

        def plain() -> None:
            for _ in range(lookups):
                conn.execute(stmt).scalar_one()

        def with_query_log() -> None:
            with count_queries(engine):
                plain()

        def with_slow_log() -> None:
            with slow_log.watch(engine):
                plain()

        best = best_of_interleaved(
            {"plain": plain, "query_log": with_query_log, "slow_log": with_slow_log}, rounds=5
        )
    engine.dispose()
    return {
        "lookups_n": lookups,
        "plain_s": best["plain"],
        "query_log_s": best["query_log"],
        "slow_log_s": best["slow_log"],
        "query_log_overhead_x": best["query_log"] / best["plain"],
        "slow_log_overhead_x": best["slow_log"] / best["plain"],
    }


if __name__ == "__main__":
    engine = engine_with_sleep()
    load(engine, "small")

    # --8<-- [start:profile]
    with count_queries(engine) as log:
        order_history_page(engine, "DE")
    print(f"== profile of one page: {log.count} statements")
    # totals() puts the most total time first; here the most repeated come first, because
    # repetition is the mark of N+1 and, unlike time, is the same on every run.
    for total in sorted(log.totals(), key=lambda t: t.count, reverse=True)[:3]:
        print(f"{total.count:3d} x  {total.sql}")
    # --8<-- [end:profile]

    # --8<-- [start:slowlog]
    records = Collect()
    logging.getLogger("coursecode.slow_queries").addHandler(records)
    slow_log = SlowQueryLog(threshold=THRESHOLD_S)
    with slow_log.watch(engine), engine.connect() as conn:
        conn.execute(select(Customer.name).where(Customer.id == 7)).scalar_one()
        conn.execute(sleep(engine, SLOW_S)).scalar_one()
    print(f"== slow-query log: timed {slow_log.timed}, logged {slow_log.logged}")
    for record in records.records:
        print("sql:", record.sql)
        print("parameters:", record.parameters)
        print("over the threshold:", record.duration_s >= THRESHOLD_S)
    # --8<-- [end:slowlog]

    # --8<-- [start:explain]
    # Replay a captured statement, with its captured parameters, under EXPLAIN.
    with count_queries(engine) as log, engine.connect() as conn:
        conn.execute(select(Order.id).where(Order.customer_id == 42)).all()
    captured = log.statements[0]
    print("== plan of the captured statement")
    print(" ".join(captured.sql.split()), captured.parameters)
    for line in explain(engine, captured.sql, captured.parameters):
        print(" ", line)
    # --8<-- [end:explain]
