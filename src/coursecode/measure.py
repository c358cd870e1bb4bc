"""Measuring helpers shared by snippets, benchmarks and tests.

* :func:`best_of` times a callable the way ``timeit`` recommends: several runs, keep the fastest.
  :func:`best_of_interleaved` does the same for several variants, taking turns between them.
* :class:`QueryLog` listens to a SQLAlchemy engine and records every statement it sends, with its
  duration, so a page can show (and a test can count) the SQL an ORM call emits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event


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
        return [" ".join(s.sql.split()) for s in self.statements]

    @contextmanager
    def watch(self, engine: Engine) -> Iterator[QueryLog]:
        """Record statements on ``engine`` inside the ``with`` block."""

        def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):
            conn.info.setdefault("coursecode_started", []).append(time.perf_counter())

        def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):
            started = conn.info["coursecode_started"].pop()
            self.statements.append(Statement(statement, params, time.perf_counter() - started))

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            yield self
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)


@contextmanager
def count_queries(engine: Engine) -> Iterator[QueryLog]:
    """Shorthand: ``with count_queries(engine) as log: ...; log.count``."""
    with QueryLog().watch(engine) as log:
        yield log
