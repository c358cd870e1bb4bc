"""The drivers' own API (PEP 249, the DB-API) on either database, for the SQL and DB-API primer.

PEP 249 fixes the shape of ``connect()``, cursors, ``execute``/``fetch*``, ``commit``/``rollback``
and the exception classes, but leaves the placeholder style to each driver: ``sqlite3`` takes
``?`` (its ``paramstyle`` is ``"qmark"``), ``psycopg2`` takes ``%s`` (``"pyformat"``). The
primer's examples write each statement once, with ``?``, and :func:`adapt` rewrites it for the
driver at hand, so the same file runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import psycopg2.extensions

from coursecode.db import database_url

DBAPIConnection = sqlite3.Connection | psycopg2.extensions.connection
"""A connection from either driver the course uses."""

IN_MEMORY = (None, "", ":memory:")

CONNECT_TIMEOUT = 10
"""Seconds a PostgreSQL connection attempt may take before it fails (libpq's ``connect_timeout``).

Without one, libpq waits for as long as the operating system lets a TCP connect hang, which for
an unreachable host can be minutes."""


def connect(url: str | None = None, connect_timeout: int = CONNECT_TIMEOUT) -> DBAPIConnection:
    """A new connection from the driver itself: ``url``, else ``$DATABASE_URL``, else in-memory
    SQLite (the same choice as :func:`coursecode.db.get_engine`).

    It is not pooled: the caller closes it. SQLite gets foreign keys switched on, as
    ``get_engine`` does, and keeps ``sqlite3``'s default transaction handling. A PostgreSQL
    connection attempt gives up after ``connect_timeout`` whole seconds (libpq applies it to each
    host address it tries); a ``connect_timeout`` in the URL's query takes precedence.
    """
    if connect_timeout <= 0:
        raise ValueError(f"connect_timeout must be a positive number of seconds: {connect_timeout}")
    url_ = database_url(url)
    if url_.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url_.database or ":memory:")
        conn.execute("PRAGMA foreign_keys = ON")  # off by default, per connection
        return conn
    args = url_.translate_connect_args(username="user", database="dbname")
    args["connect_timeout"] = connect_timeout
    args.update(url_.query)  # e.g. host=/path/to/socket/dir, or connect_timeout=30
    return psycopg2.connect(**args)


def backend(conn: DBAPIConnection) -> str:
    """``'sqlite'`` or ``'postgresql'``: which database ``conn`` talks to."""
    return "sqlite" if isinstance(conn, sqlite3.Connection) else "postgresql"


def adapt(conn: DBAPIConnection, sql: str) -> str:
    """``sql``, written with ``?`` placeholders, in the placeholder style ``conn``'s driver takes:
    unchanged for sqlite3 (``"qmark"``), through :func:`qmark_to_format` for psycopg2."""
    driver = sqlite3 if isinstance(conn, sqlite3.Connection) else psycopg2
    return sql if driver.paramstyle == "qmark" else qmark_to_format(sql)


def qmark_to_format(sql: str) -> str:
    """Each ``?`` placeholder outside quoted literals and identifiers becomes ``%s``.

    Statements with ``%`` or SQL comments are refused rather than guessed at: psycopg2 reads
    every ``%`` as the start of a placeholder (a literal one is written ``%%``), and a ``?`` in
    a comment would be rewritten too.
    """
    for refused in ("%", "--", "/*"):
        if refused in sql:
            raise ValueError(
                f"qmark_to_format() does not rewrite statements containing {refused!r}: "
                f"write this one for psycopg2 directly: {sql!r}"
            )
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""  # a doubled quote ('it''s') closes and reopens: still right
        elif char in "'\"":
            quote = char
        elif char == "?":
            char = "%s"
        out.append(char)
    if quote:
        raise ValueError(f"unterminated {quote} quote in {sql!r}")
    return "".join(out)


@contextmanager
def shared_database(url: str | None = None) -> Iterator[str]:
    """A URL that several connections can open at once, for examples that need a second session
    or a database that outlives its connection.

    An in-memory SQLite database belongs to the one connection that created it and vanishes with
    it, so for that case this yields a database file in a new temporary directory, deleted on
    exit (close its connections first). Any other URL is yielded unchanged.
    """
    url_ = database_url(url)
    if url_.get_backend_name() == "sqlite" and url_.database in IN_MEMORY:
        with tempfile.TemporaryDirectory(prefix="coursecode-") as folder:
            yield f"sqlite:///{Path(folder) / 'primer.sqlite'}"
        return
    yield url_.render_as_string(hide_password=False)
