"""Which database a snippet talks to.

Every snippet calls :func:`get_engine`. With no configuration it gets an in-memory SQLite database,
so ``python snippets/m09_queries/plans.py`` runs with nothing installed. Setting ``DATABASE_URL``
points the same file at any other database, for example PostgreSQL::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python snippets/m09_queries/plans.py
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

URL_VARIABLE = "DATABASE_URL"
DEFAULT_URL = "sqlite+pysqlite:///:memory:"


class DatabaseConfigError(ValueError):
    """The configured database URL cannot be used."""


def database_url(url: str | None = None) -> URL:
    """Return the URL to use: ``url``, else ``$DATABASE_URL``, else in-memory SQLite.

    A plain ``postgresql://`` URL is pinned to the psycopg2 driver, which the course teaches
    (SQLAlchemy 2.1 would otherwise pick psycopg 3).
    """
    raw = url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise DatabaseConfigError(
            f"{URL_VARIABLE} is not a database URL: {raw!r} "
            "(expected e.g. sqlite:///shop.db or postgresql://user@host/dbname)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseConfigError(
            f"unsupported database {parsed.get_backend_name()!r}: "
            "the course uses sqlite or postgresql"
        )
    return parsed


def get_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for :func:`database_url`, with SQLite set up the way the course expects.

    SQLite gets foreign keys switched on (they are off by default, per connection).
    """
    engine = create_engine(database_url(url), **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys_on)
    return engine


def _sqlite_foreign_keys_on(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def backend(engine: Engine) -> str:
    """``'sqlite'`` or ``'postgresql'``: the name pages and figures use for a backend."""
    return engine.dialect.name


def server_version(engine: Engine) -> str:
    """The version string of the database the engine talks to, e.g. ``'3.45.1'`` or ``'16.2'``."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return str(conn.exec_driver_sql("select sqlite_version()").scalar_one())
        return str(conn.exec_driver_sql("show server_version").scalar_one()).split()[0]
