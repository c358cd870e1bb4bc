# test: databases
"""Never let a forked child use its parent's pooled database connections.

After ``fork`` the child holds a copy of the parent's connection pool, and every pooled
connection in it is the *same socket* as the parent's. Two processes talking on one socket
interleave their messages and corrupt the conversation, or one closes it under the other. The
SQLAlchemy docs ("Using Connection Pools with Multiprocessing or os.fork()") give the fixes used
here: call ``engine.dispose(close=False)`` first thing in the child, or do not inherit the engine
at all and create one per worker process. (``NullPool``, no pooling, is the third.)
"""

from __future__ import annotations

import multiprocessing as mp
import os
from typing import Any

from sqlalchemy import Engine, event, text

from coursecode.db import get_engine

ENGINE: Engine  # set by the parent before forking, or by each worker's initializer


# --8<-- [start:owner]
def mark_opener(engine: Engine) -> None:
    """Record in each new connection which process opened it."""

    @event.listens_for(engine, "connect")
    def remember_pid(dbapi_connection: Any, record: Any) -> None:
        record.info["opened_by"] = os.getpid()


def query_on_own_connection() -> bool:
    """A worker's task: run a query; was the connection it used opened by this process?"""
    with ENGINE.connect() as conn:
        conn.execute(text("select 1"))
        return conn.connection.info["opened_by"] == os.getpid()
    # --8<-- [end:owner]


# --8<-- [start:fixes]
def forget_inherited_pool() -> None:
    """Pool initializer under fork: new, empty pool; the parent's connections stay open."""
    ENGINE.dispose(close=False)  # close=True would close the parent's sockets from here


def open_engine(url: str | None) -> None:
    """Pool initializer under spawn or forkserver: each worker builds its own engine."""
    global ENGINE
    ENGINE = get_engine(url)
    mark_opener(ENGINE)


def in_worker(context: str, **pool_options: Any) -> bool:
    with mp.get_context(context).Pool(processes=1, **pool_options) as pool:
        answer = pool.apply_async(query_on_own_connection).get(timeout=60)
        pool.close()
        pool.join()
    return answer
    # --8<-- [end:fixes]


if __name__ == "__main__":
    # --8<-- [start:demo]
    ENGINE = get_engine()  # DATABASE_URL, else in-memory SQLite
    mark_opener(ENGINE)
    print(query_on_own_connection())  # the parent opens a connection; the pool keeps it
    #> True
    # Wrong: the forked worker checks out the parent's connection (shown once, parent idle).
    print(in_worker("fork"))
    #> False
    print(in_worker("fork", initializer=forget_inherited_pool))
    #> True
    url = ENGINE.url.render_as_string(hide_password=False)
    other = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    print(in_worker(other, initializer=open_engine, initargs=(url,)))
    #> True
    print(query_on_own_connection())  # and the parent's own connection still works
    #> True
    # --8<-- [end:demo]
