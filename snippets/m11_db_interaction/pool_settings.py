# test: databases
"""What each QueuePool setting does, shown deterministically: which pool an engine gets,
pool_size + max_overflow as the limit, pool_timeout as the wait, pool_recycle, pool_pre_ping,
and NullPool.

Pools need a database that several connections can open: on SQLite that is a file in a temporary
folder (``coursecode.dbapi.shared_database``), never ``:memory:``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool

from coursecode.db import get_engine
from coursecode.dbapi import shared_database


# --8<-- [start:defaults]
def default_pool(url: str) -> str:
    """The pool class create_engine() picks for ``url`` (it does not connect)."""
    engine = create_engine(url)
    return type(engine.pool).__name__


# --8<-- [end:defaults]


def count_connects(engine: Engine) -> list[int]:
    """A list that grows by one each time the pool opens a new database connection."""
    opened: list[int] = []
    event.listen(engine, "connect", lambda dbapi_connection, record: opened.append(1))
    return opened


def ping(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1")).scalar_one()


def status(engine: Engine) -> str:
    pool: Any = engine.pool
    return f"checked out {pool.checkedout()}, idle in pool {pool.checkedin()}"


# --8<-- [start:limits]
def exhaust(url: str) -> list[str]:
    """pool_size=2 kept connections, max_overflow=1 extra: the fourth checkout waits
    pool_timeout seconds and fails instead of waiting forever."""
    engine = get_engine(url, pool_size=2, max_overflow=1, pool_timeout=0.2)
    seen = []
    with ExitStack() as held:
        for _ in range(3):
            held.enter_context(engine.connect())
        seen.append(f"after three checkouts: {status(engine)}")
        started = time.perf_counter()
        try:
            engine.connect()
        except PoolTimeout as exc:
            waited = time.perf_counter() - started
            seen.append(f"the fourth checkout raised {type(exc).__name__}:")
            seen.append(str(exc).split(" (Background")[0])
            seen.append(f"it waited at least pool_timeout: {waited >= 0.2}")
    seen.append(f"all returned: {status(engine)}")  # the overflow connection was closed
    engine.dispose()
    return seen
    # --8<-- [end:limits]


# --8<-- [start:recycle]
def recycle(url: str) -> tuple[int, int]:
    """pool_recycle: a pooled connection older than this many seconds is replaced at checkout
    (set it below the server's or a firewall's idle timeout; typical values are minutes).
    Returns the connections opened after two quick uses, and after one more, later."""
    engine = get_engine(url, pool_size=1, pool_recycle=1)
    opened = count_connects(engine)
    ping(engine)
    ping(engine)
    quick = len(opened)
    time.sleep(1.1)
    ping(engine)
    engine.dispose()
    return quick, len(opened)
    # --8<-- [end:recycle]


# --8<-- [start:pre-ping]
def drop_pooled_connection(engine: Engine) -> None:
    """Make the idle pooled connection unusable behind the pool's back, as a database restart, a
    failover or a firewall's idle timeout would. PostgreSQL: the server ends that session.
    SQLite has no server, so the driver connection is closed under the pool instead."""
    pooled = engine.raw_connection()
    dbapi_connection = pooled.dbapi_connection
    if engine.dialect.name == "sqlite":
        pooled.close()  # back to the pool...
        dbapi_connection.close()  # ...and then closed underneath it
        return
    pid = dbapi_connection.get_backend_pid()
    pooled.close()
    # AUTOCOMMIT: each poll is its own transaction, and sees a fresh pg_stat_activity (within
    # one transaction PostgreSQL keeps showing the snapshot it took first).
    admin = create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        gone = text("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = :pid)")
        exited = wait_until(lambda: conn.execute(gone, {"pid": pid}).scalar_one(), timeout=5)
    admin.dispose()
    if not exited:
        raise RuntimeError(f"PostgreSQL backend {pid} did not exit within 5 s")


def after_a_drop(url: str, pre_ping: bool) -> tuple[str, int]:
    """What the first query after a dropped connection does; connections opened in all."""
    engine = get_engine(url, pool_size=1, pool_pre_ping=pre_ping)
    opened = count_connects(engine)
    ping(engine)
    drop_pooled_connection(engine)
    try:
        ping(engine)
        outcome = "worked"
    except DBAPIError as exc:
        # SQLAlchemy recognised a disconnect and invalidated the pool's connections.
        outcome = f"failed, invalidated: {exc.connection_invalidated}"
    ping(engine)  # either way, the next query gets a fresh connection
    engine.dispose()
    return outcome, len(opened)
    # --8<-- [end:pre-ping]


def wait_until(done: Callable[[], bool], timeout: float) -> bool:
    """Poll ``done`` until it is true (True) or ``timeout`` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# --8<-- [start:nullpool]
def no_pool(url: str) -> int:
    """NullPool: every checkout opens a connection and every return closes it. For scripts,
    for processes that must not keep connections, or behind an external pooler."""
    engine = get_engine(url, poolclass=NullPool)
    opened = count_connects(engine)
    for _ in range(3):
        ping(engine)
    engine.dispose()
    return len(opened)
    # --8<-- [end:nullpool]


if __name__ == "__main__":
    # --8<-- [start:demo]
    for url in ("sqlite://", "sqlite:///shop.db", "postgresql+psycopg2://app@db.internal/shop"):
        print(f"{url:<44} {default_pool(url)}")
        #> sqlite://                                    SingletonThreadPool
        #> sqlite:///shop.db                            QueuePool
        #> postgresql+psycopg2://app@db.internal/shop   QueuePool
    with shared_database() as url:  # DATABASE_URL, or a SQLite file in a temporary folder
        for line in exhaust(url):
            print(line)
            #> after three checkouts: checked out 3, idle in pool 0
            #> the fourth checkout raised TimeoutError:
            #> QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.20
            #> it waited at least pool_timeout: True
            #> all returned: checked out 0, idle in pool 2
        quick, later = recycle(url)
        print(f"pool_recycle: connections opened {quick}, and {later} once it had aged")
        #> pool_recycle: connections opened 1, and 2 once it had aged
        for pre_ping in (False, True):
            outcome, opened = after_a_drop(url, pre_ping)
            print(f"pre_ping={pre_ping}: after the drop the query {outcome}; opened {opened}")
            #> pre_ping=False: after the drop the query failed, invalidated: True; opened 2
            #> pre_ping=True: after the drop the query worked; opened 2
        print("NullPool, three queries: connections opened:", no_pool(url))
        #> NullPool, three queries: connections opened: 3
    # --8<-- [end:demo]
