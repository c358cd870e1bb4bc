"""Count the statements the database itself ran, and the client messages that carried them.

:func:`coursecode.measure.count_queries` sees what SQLAlchemy hands the driver: one
``executemany()`` call is one event there, however the driver sends it. What reaches the database
can be very different (psycopg2's ``executemany`` sends one ``INSERT`` per row; ``execute_batch``
packs many into one message; ``execute_values`` folds many rows into one statement), so this
module counts on the database side instead:

* PostgreSQL: a statement-level trigger on the table records ``statement_timestamp()`` for every
  ``INSERT``/``UPDATE``/``DELETE`` statement. The number of records is the number of statements;
  the number of distinct timestamps is the number of client messages (round trips) that carried
  them, because ``statement_timestamp()`` is the time the server received the current message
  from the client (PostgreSQL documentation, "Date/Time Functions", ``statement_timestamp``).
* SQLite: a trace callback (``sqlite3.Connection.set_trace_callback``) on every connection the
  engine hands out sees each statement the library runs. SQLite runs inside the process, so
  there are no messages to count: :attr:`Tally.messages` is ``None``.

The trigger adds work to every statement: count with it, time without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event, text

VERBS = ("INSERT", "UPDATE", "DELETE")
LOG_TABLE = "coursecode_statement_log"
LOG_FUNCTION = "coursecode_log_statement"
_CREATE_LOG = (
    "CREATE UNLOGGED TABLE IF NOT EXISTS coursecode_statement_log (received timestamptz NOT NULL)"
)
_CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION coursecode_log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO coursecode_statement_log VALUES (statement_timestamp());
    RETURN NULL;
END $$
"""
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Tally:
    """What the database saw since the counter started (or was last :meth:`~Counter.take`-n)."""

    statements: int
    messages: int | None  # None on SQLite: an in-process library receives no messages


class Counter:
    """Hands out :class:`Tally` objects; made by :func:`server_statements`."""

    def __init__(self, engine: Engine, table: str, verb: str) -> None:
        self.engine = engine
        self.table = table
        self.verb = verb
        self._traced: list[str] = []
        self._pattern = re.compile(
            rf"^\s*{verb}\b(?:\s+OR\s+\w+)?(?:\s+(?:INTO|FROM))?\s+\"?{table}\"?(?:[\s(]|$)",
            re.IGNORECASE,
        )

    def take(self) -> Tally:
        """The statements (and messages) counted so far; counting starts again from zero."""
        if self.engine.dialect.name == "sqlite":
            count = len(self._traced)
            self._traced.clear()
            return Tally(count, None)
        with self.engine.begin() as conn:
            statements, messages = conn.execute(
                text(f"SELECT count(*), count(DISTINCT received) FROM {LOG_TABLE}")  # noqa: S608 - a fixed name
            ).one()
            conn.execute(text(f"DELETE FROM {LOG_TABLE}"))  # noqa: S608 - a fixed name
        return Tally(statements, messages)

    def _trace(self, sql: str) -> None:
        if self._pattern.match(sql):
            self._traced.append(sql)

    def _on_checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        dbapi_connection.set_trace_callback(self._trace)

    def _on_checkin(self, dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None:  # None when the connection was invalidated
            dbapi_connection.set_trace_callback(None)


@contextmanager
def server_statements(engine: Engine, table: str, verb: str = "INSERT") -> Iterator[Counter]:
    """Count ``verb`` statements on ``table`` that the database runs inside the ``with`` block.

    On SQLite only connections checked out from ``engine``'s pool after the block starts are
    traced. On PostgreSQL every session's statements count, whichever client sent them.
    """
    verb = verb.upper()
    if verb not in VERBS:
        raise ValueError(f"verb must be one of {VERBS}, got {verb!r}")
    if not _NAME.match(table):
        raise ValueError(f"not a plain table name: {table!r}")
    counter = Counter(engine, table, verb)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "checkout", counter._on_checkout)
        event.listen(engine, "checkin", counter._on_checkin)
        try:
            yield counter
        finally:
            event.remove(engine, "checkout", counter._on_checkout)
            event.remove(engine, "checkin", counter._on_checkin)
        return
    trigger = f"{LOG_TABLE}_{verb.lower()}_{table}"
    with engine.begin() as conn:
        conn.execute(text(_CREATE_LOG))
        conn.execute(text(_CREATE_FUNCTION))
        conn.execute(
            text(
                f"CREATE TRIGGER {trigger} AFTER {verb} ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {LOG_FUNCTION}()"
            )
        )
        conn.execute(text(f"DELETE FROM {LOG_TABLE}"))  # noqa: S608 - a fixed name
    try:
        yield counter
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger} ON {table}"))
