"""Measuring helpers shared by snippets, benchmarks and tests.

* :func:`best_of` times a callable the way ``timeit`` recommends: several runs, keep the fastest.
  :func:`best_of_interleaved` does the same for several variants, taking turns between them.
* :class:`QueryLog` listens to a SQLAlchemy engine and records every statement it sends, with its
  duration, so a page can show (and a test can count) the SQL an ORM call emits.
  :meth:`QueryLog.totals` groups them by statement: a profile of where the time went.
* :class:`SlowQueryLog` listens to the same engine events and logs (``logging``) every statement
  that took at least a threshold, with its parameters and duration: a slow-query log.

Both see failed statements too, marked with their error: a statement cancelled by
``statement_timeout`` is exactly what a slow-query log must not miss.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext


def best_of(func: Callable[[], object], repeat: int = 3) -> float:
    """Fastest wall-clock time of ``repeat`` calls, in seconds.

    The minimum is the least disturbed run: noise from other processes only ever adds time.
    """
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return min(timings)


def best_of_interleaved(
    runs: Mapping[str, Callable[[], object]], rounds: int = 3
) -> dict[str, float]:
    """Fastest wall-clock time of each run, in seconds, timing them in turns for ``rounds`` rounds.

    Taking turns means a burst of background load hits every variant alike, instead of skewing
    whichever one happened to be running when it came.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, run in runs.items():
            best[name] = min(best[name], best_of(run, repeat=1))
    return best


@dataclass
class Statement:
    sql: str
    parameters: Any
    seconds: float
    error: str | None = None  # the exception's class name when the statement failed

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass
class StatementTotal:
    """One statement text's share of a :class:`QueryLog`: how often it ran, for how long."""

    sql: str
    count: int
    seconds: float


def _fold(sql: str) -> str:
    return " ".join(sql.split())


@contextmanager
def _timed_statements(engine: Engine, record: Callable[[Statement], None]) -> Iterator[None]:
    """Call ``record`` with each statement ``engine`` runs inside the ``with`` block, timed from
    SQLAlchemy's ``before_cursor_execute`` event to its ``after_cursor_execute`` event, or to its
    ``handle_error`` event for a statement that failed (``after_cursor_execute`` never fires for
    those: a statement cancelled by a timeout would otherwise go unrecorded).

    Each listener keeps its own start times on the connection (a stack of (execution context,
    start), under a key of its own), so several listeners on one engine never take each other's.
    The key is removed as soon as its stack is empty: ``conn.info`` lives as long as the pooled
    DB-API connection, across many ``with`` blocks.
    """
    key = ("coursecode_started", object())

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):
        conn.info.setdefault(key, []).append((context, time.perf_counter()))

    def elapsed(conn: Any, context: Any) -> float | None:
        """Seconds since this statement's ``before``; None if this listener did not see it start
        (added meanwhile by another thread, or the statement failed before reaching the cursor)."""
        started = conn.info.get(key)
        if not started or started[-1][0] is not context:
            return None
        seconds = time.perf_counter() - started.pop()[1]
        if not started:
            del conn.info[key]
        return seconds

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):
        seconds = elapsed(conn, context)
        if seconds is not None:
            record(Statement(statement, params, seconds))

    def failed(error: ExceptionContext) -> None:
        if error.connection is None:  # failed while connecting: no statement was sent
            return
        seconds = elapsed(error.connection, error.execution_context)
        if seconds is not None:
            name = type(error.original_exception).__name__
            record(Statement(str(error.statement), error.parameters, seconds, name))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        event.remove(engine, "handle_error", failed)


@dataclass
class QueryLog:
    """Statements an engine sent while :meth:`watch` was active."""

    statements: list[Statement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.statements)

    def sql(self) -> list[str]:
        """Each statement's SQL with whitespace folded to single spaces."""
        return [_fold(s.sql) for s in self.statements]

    @property
    def failed(self) -> list[Statement]:
        """The statements that raised instead of returning."""
        return [s for s in self.statements if s.failed]

    def totals(self) -> list[StatementTotal]:
        """One entry per distinct SQL text, most total time first (a query profile).

        Many runs of one statement with different parameters are the mark of an N+1 loop.
        """
        grouped: dict[str, StatementTotal] = {}
        for statement in self.statements:
            sql = _fold(statement.sql)
            total = grouped.setdefault(sql, StatementTotal(sql, 0, 0.0))
            total.count += 1
            total.seconds += statement.seconds
        return sorted(grouped.values(), key=lambda t: (-t.seconds, -t.count))

    @contextmanager
    def watch(self, engine: Engine) -> Iterator[QueryLog]:
        """Record statements on ``engine`` inside the ``with`` block."""
        with _timed_statements(engine, self.statements.append):
            yield self


@contextmanager
def count_queries(engine: Engine) -> Iterator[QueryLog]:
    """Shorthand: ``with count_queries(engine) as log: ...; log.count``."""
    with QueryLog().watch(engine) as log:
        yield log


SLOW_QUERY_LOGGER = "coursecode.slow_queries"


class SlowQueryLog:
    """Log each statement that runs for at least ``threshold`` seconds.

    A record goes to ``logger`` (default: the ``coursecode.slow_queries`` logger) at ``level``,
    with the duration, the SQL and, unless ``log_parameters`` is false, the bound parameters,
    each cut to ``max_chars``. The same values are attached to the record as ``sql``,
    ``parameters`` and ``duration_s`` for handlers that ship structured logs, with ``error``: the
    exception's class name for a statement that failed (cancelled by ``statement_timeout``, say),
    else None. Parameters may hold personal data: switch them off where logs are less protected
    than the database.

    Use :meth:`watch` around a block, or :meth:`attach` once when the engine is created (as
    production code would) and :meth:`detach` when done.
    """

    def __init__(
        self,
        threshold: float,
        logger: logging.Logger | None = None,
        *,
        level: int = logging.WARNING,
        log_parameters: bool = True,
        max_chars: int = 1000,
    ) -> None:
        if threshold < 0:
            raise ValueError("threshold must be zero or more seconds")
        self.threshold = threshold
        self.logger = logger or logging.getLogger(SLOW_QUERY_LOGGER)
        self.level = level
        self.log_parameters = log_parameters
        self.max_chars = max_chars
        self.timed = 0
        self.logged = 0
        self._attached: dict[int, Any] = {}

    def _record(self, statement: Statement) -> None:
        self.timed += 1
        if statement.seconds < self.threshold:
            return
        self.logged += 1
        sql = _shorten(_fold(statement.sql), self.max_chars)
        parameters = (
            _shorten(repr(statement.parameters), self.max_chars) if self.log_parameters else "..."
        )
        self.logger.log(
            self.level,
            "slow query%s: %.1f ms (threshold %.1f ms): %s; parameters: %s",
            f" failed with {statement.error}" if statement.failed else "",
            statement.seconds * 1e3,
            self.threshold * 1e3,
            sql,
            parameters,
            extra={
                "sql": sql,
                "parameters": parameters,
                "duration_s": statement.seconds,
                "error": statement.error,
            },
        )

    @contextmanager
    def watch(self, engine: Engine) -> Iterator[SlowQueryLog]:
        """Log slow statements on ``engine`` inside the ``with`` block."""
        with _timed_statements(engine, self._record):
            yield self

    def attach(self, engine: Engine) -> None:
        """Start logging ``engine``'s slow statements until :meth:`detach`."""
        if id(engine) in self._attached:
            raise RuntimeError("this SlowQueryLog is already attached to that engine")
        listening = self.watch(engine)
        listening.__enter__()
        self._attached[id(engine)] = listening

    def detach(self, engine: Engine) -> None:
        """Stop logging ``engine``'s statements (nothing happens if it was not attached)."""
        listening = self._attached.pop(id(engine), None)
        if listening is not None:
            listening.__exit__(None, None, None)


def _shorten(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"
