"""The asyncio side of :mod:`coursecode.db`: an async engine for the same ``DATABASE_URL``.

Every snippet finds its database through ``DATABASE_URL``, whose drivers (sqlite3, psycopg2)
block. :func:`get_async_engine` keeps the database and swaps the driver for its asyncio
counterpart, so one setting serves the sync and the async examples alike::

    sqlite:///shop.db                           -> sqlite+aiosqlite:///shop.db
    postgresql://user@host/db                   -> postgresql+asyncpg://user@host/db
    postgresql://postgres@/db?host=/tmp/socket  -> postgresql+asyncpg://...?host=/tmp/socket

asyncpg takes ``host`` as a Unix-socket directory, as libpq does, so the embedded server's URL
works unchanged. Other libpq-only query options (``sslmode`` and the like) are not translated:
asyncpg spells them differently (``ssl``), so such a URL is refused with a message.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from coursecode.db import DatabaseConfigError, _sqlite_foreign_keys_on, database_url

# The driver each blocking driver is swapped for. psycopg (version 3) has an asyncio mode of
# its own, and the async drivers are kept as they are.
ASYNC_DRIVERS = {"pysqlite": "aiosqlite", "psycopg2": "asyncpg"}
ALREADY_ASYNC = ("aiosqlite", "asyncpg", "psycopg")
# Query options asyncpg accepts under the same name as libpq (asyncpg's connect() parameters).
ASYNCPG_OPTIONS = frozenset({"host", "port", "user", "password", "database", "passfile"})


def async_database_url(url: str | None = None) -> URL:
    """:func:`coursecode.db.database_url` with its driver swapped for an asyncio one."""
    parsed = database_url(url)
    driver = parsed.get_driver_name()
    if driver in ALREADY_ASYNC:
        return parsed
    if driver not in ASYNC_DRIVERS:
        raise DatabaseConfigError(
            f"no asyncio driver for {parsed.drivername!r}: use sqlite+aiosqlite, "
            "postgresql+asyncpg or postgresql+psycopg"
        )
    async_driver = ASYNC_DRIVERS[driver]
    if async_driver == "asyncpg":
        unknown = sorted(set(parsed.query) - ASYNCPG_OPTIONS)
        if unknown:
            raise DatabaseConfigError(
                f"asyncpg does not take the libpq option(s) {', '.join(unknown)}: "
                "pass them to create_async_engine(connect_args=...) in asyncpg's spelling"
            )
    return parsed.set(drivername=f"{parsed.get_backend_name()}+{async_driver}")


def get_async_engine(url: str | None = None, **kwargs: Any) -> AsyncEngine:
    """An :class:`~sqlalchemy.ext.asyncio.AsyncEngine` for :func:`async_database_url`.

    Like :func:`coursecode.db.get_engine`, SQLite gets foreign keys switched on. The events of
    an async engine are registered on its ``sync_engine``: the engine SQLAlchemy runs, inside a
    greenlet, for every awaited call.
    """
    engine = create_async_engine(async_database_url(url), **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_foreign_keys_on)
    return engine
