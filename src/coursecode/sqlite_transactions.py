"""Real transactions on SQLite through sqlite3 and aiosqlite: SQLAlchemy sends ``BEGIN`` itself.

In its default ("legacy") mode, Python's sqlite3 driver sends ``BEGIN`` only before ``INSERT``,
``UPDATE``, ``DELETE`` and ``REPLACE``. A ``SELECT`` therefore runs outside any transaction (two
reads in one SQLAlchemy transaction may see different data), and a ``SAVEPOINT`` sent first starts
a transaction of its own. :func:`begin_explicitly` applies the remedy the SQLAlchemy documentation
gives ("Transactions with SQLite and the sqlite3 driver"): the driver sends no ``BEGIN`` at all and
SQLAlchemy sends one at the start of each of its transactions, optionally ``BEGIN IMMEDIATE``,
which takes the database's write lock at once instead of at the first write.

A connection opts out for one use with ``execution_options(isolation_level="AUTOCOMMIT")``, or
asks for another kind of ``BEGIN`` with ``execution_options(sqlite_begin="IMMEDIATE")``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine

MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")
OPTION = "sqlite_begin"


def begin_explicitly(engine: Engine | AsyncEngine, mode: str = "DEFERRED") -> None:
    """Make ``engine`` (SQLite, sync or async) start every transaction with ``BEGIN <mode>``.

    Other databases are left alone: their drivers already begin a transaction before the first
    statement, as PEP 249 asks.
    """
    _check(mode)
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    if sync_engine.dialect.name != "sqlite":
        return

    def driver_sends_no_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    def send_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        conn.exec_driver_sql(f"BEGIN {_check(options.get(OPTION, mode))}")

    event.listen(sync_engine, "connect", driver_sends_no_begin)
    event.listen(sync_engine, "begin", send_begin)


def _check(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"SQLite's BEGIN takes one of {', '.join(MODES)}, not {mode!r}")
    return mode
