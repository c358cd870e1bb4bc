import logging
import time
from typing import Any

import pytest
from sqlalchemy import Engine, Integer, TypeDecorator, bindparam, event, exc, text

from coursecode.db import get_engine
from coursecode.measure import (
    SLOW_QUERY_LOGGER,
    SlowQueryLog,
    StatementTotal,
    best_of,
    best_of_interleaved,
    count_queries,
)


def test_best_of_keeps_the_fastest_run() -> None:
    delays = iter([0.05, 0.0, 0.05])
    assert best_of(lambda: time.sleep(next(delays)), repeat=3) < 0.04


def test_interleaved_runs_take_turns_and_keep_each_fastest() -> None:
    order: list[str] = []
    delays = {"slow": iter([0.03, 0.02, 0.03]), "fast": iter([0.0, 0.01, 0.0])}

    def run(name: str) -> None:
        order.append(name)
        time.sleep(next(delays[name]))

    best = best_of_interleaved({"slow": lambda: run("slow"), "fast": lambda: run("fast")})
    assert order == ["slow", "fast"] * 3
    assert best["fast"] < 0.01 < 0.02 <= best["slow"] < 0.03


def test_best_of_needs_a_run() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        best_of(lambda: None, repeat=0)


def test_query_log_records_statements_only_while_watching() -> None:
    engine = get_engine("sqlite://")
    with engine.connect() as conn:
        with count_queries(engine) as log:
            conn.execute(text("select 1"))
            conn.execute(text("select :x"), {"x": 2})
        conn.execute(text("select 3"))
    assert log.count == 2
    assert log.sql() == ["select 1", "select ?"]
    assert log.statements[1].parameters == (2,)
    assert 0 <= log.seconds < 1


def _cancelled(seconds: float) -> float:
    time.sleep(seconds)
    raise RuntimeError("cancelled")


def _engine_with_sleep() -> Engine:
    """In-memory SQLite with ``sleep_s(x)``: sleeps x seconds, returns x (a deterministic slow
    statement); and ``cancel_after_s(x)``: sleeps x seconds, then fails the statement, as a
    statement timeout would."""
    engine = get_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def add_sleep(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("sleep_s", 1, lambda s: time.sleep(s) or s)
        dbapi_connection.create_function("cancel_after_s", 1, _cancelled)

    return engine


def test_totals_group_statements_most_time_first() -> None:
    engine = _engine_with_sleep()
    with engine.connect() as conn, count_queries(engine) as log:
        for x in range(3):
            conn.execute(text("select :x"), {"x": x})
        conn.execute(text("select   sleep_s(:s)"), {"s": 0.02})
    totals = log.totals()
    assert [(t.sql, t.count) for t in totals] == [("select sleep_s(?)", 1), ("select ?", 3)]
    assert totals[0].seconds >= 0.02 > totals[1].seconds
    assert isinstance(totals[0], StatementTotal)


def test_slow_query_log_logs_only_slow_statements_with_parameters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = _engine_with_sleep()
    slow = SlowQueryLog(threshold=0.05)
    with caplog.at_level(logging.WARNING, logger=SLOW_QUERY_LOGGER):
        with engine.connect() as conn, slow.watch(engine):
            conn.execute(text("select :x"), {"x": 1})
            conn.execute(text("select sleep_s(:s)"), {"s": 0.06})
        conn_after = engine.connect()
        conn_after.execute(text("select sleep_s(:s)"), {"s": 0.06})  # not watched any more
        conn_after.close()
    assert (slow.timed, slow.logged) == (2, 1)
    [record] = caplog.records
    assert record.name == SLOW_QUERY_LOGGER
    assert record.levelno == logging.WARNING
    assert record.sql == "select sleep_s(?)"
    assert record.parameters == "(0.06,)"
    assert record.duration_s >= 0.06
    assert "(threshold 50.0 ms): select sleep_s(?); parameters: (0.06,)" in record.getMessage()


def test_slow_query_log_can_hide_parameters_and_cut_long_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = get_engine("sqlite://")
    logger = logging.getLogger("test.slow")
    slow = SlowQueryLog(0, logger, level=logging.INFO, log_parameters=False, max_chars=12)
    with (
        caplog.at_level(logging.INFO, logger="test.slow"),
        engine.connect() as conn,
        slow.watch(engine),
    ):
        conn.execute(text("select 'a long literal'"))
    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert record.sql == "select 'a l…"
    assert record.parameters == "..."


def test_slow_query_log_attaches_and_detaches() -> None:
    engine = get_engine("sqlite://")
    slow = SlowQueryLog(0)
    slow.attach(engine)
    with pytest.raises(RuntimeError, match="already attached"):
        slow.attach(engine)
    with engine.connect() as conn:
        conn.execute(text("select 1"))
        slow.detach(engine)
        slow.detach(engine)  # a second detach is harmless
        conn.execute(text("select 2"))
    assert slow.logged == 1


def test_slow_query_log_needs_a_threshold_of_zero_or_more() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        SlowQueryLog(-0.1)


def test_listeners_keep_their_own_start_times_and_skip_statements_they_did_not_see() -> None:
    engine = _engine_with_sleep()
    slow = SlowQueryLog(0.02)
    with engine.connect() as conn, count_queries(engine) as log, slow.watch(engine):
        conn.execute(text("select sleep_s(:s)"), {"s": 0.03})
        # An "after" without its "before", as for a statement that began on another thread
        # before the listeners were added: it is left out instead of failing the statement.
        engine.dispatch.after_cursor_execute(conn, None, "select 1", (), None, False)
    assert log.count == 1 and slow.logged == 1
    assert log.statements[0].seconds >= 0.03


def _pending_start_keys(conn: Any) -> list[Any]:
    return [k for k in conn.info if isinstance(k, tuple) and k[0] == "coursecode_started"]


def test_a_failed_statement_is_recorded_and_marked_failed() -> None:
    engine = _engine_with_sleep()
    with engine.connect() as conn, count_queries(engine) as log:
        conn.execute(text("select 1"))
        with pytest.raises(exc.OperationalError):
            conn.execute(text("select sleep_s(:s) from no_such_table"), {"s": 0})
        # A statement that runs for a while and then fails, as one cancelled by a timeout does.
        with pytest.raises(exc.OperationalError):
            conn.execute(text("select cancel_after_s(:s)"), {"s": 0.03})
        conn.rollback()
        conn.execute(text("select 2"))
    assert log.sql()[0] == "select 1" and log.sql()[-1] == "select 2"
    assert log.count == 4  # the two failures are counted: they were sent
    missing, cancelled = log.failed
    assert missing.sql == "select sleep_s(?) from no_such_table"
    assert missing.error == "OperationalError"
    assert missing.parameters == (0,)
    assert cancelled.failed and cancelled.seconds >= 0.03
    assert not log.statements[0].failed and log.statements[0].error is None


def test_the_slow_query_log_logs_a_slow_statement_that_failed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = _engine_with_sleep()
    slow = SlowQueryLog(threshold=0.02)
    with (
        caplog.at_level(logging.WARNING, logger=SLOW_QUERY_LOGGER),
        engine.connect() as conn,
        slow.watch(engine),
    ):
        with pytest.raises(exc.OperationalError):
            conn.execute(text("select cancel_after_s(:s)"), {"s": 0.03})
        with pytest.raises(exc.OperationalError):  # fast and failed: not slow, not logged
            conn.execute(text("select * from no_such_table"))
    assert (slow.timed, slow.logged) == (2, 1)
    [record] = caplog.records
    assert record.error == "OperationalError" and record.duration_s >= 0.03
    assert record.getMessage().startswith("slow query failed with OperationalError: ")


def test_start_times_leave_nothing_behind_on_the_connection() -> None:
    engine = get_engine("sqlite://")
    with engine.connect() as conn:
        for _ in range(3):  # three watches on one long-lived connection
            with count_queries(engine), SlowQueryLog(0).watch(engine):
                conn.execute(text("select 1"))
                with pytest.raises(exc.OperationalError):
                    conn.execute(text("select * from no_such_table"))
                conn.rollback()
        assert _pending_start_keys(conn) == []


def test_start_times_stack_up_and_the_key_goes_with_the_last_one() -> None:
    engine = get_engine("sqlite://")
    outer = object()  # an execution context still running when another statement starts
    with engine.connect() as conn, count_queries(engine) as log:
        engine.dispatch.before_cursor_execute(conn, None, "select 'outer'", (), outer, False)
        conn.execute(text("select 'inner'"))  # pops its own start, leaves the outer one
        assert len(_pending_start_keys(conn)) == 1
        engine.dispatch.after_cursor_execute(conn, None, "select 'outer'", (), outer, False)
        assert _pending_start_keys(conn) == []
    assert log.sql() == ["select 'inner'", "select 'outer'"]


class _Refuses(TypeDecorator):
    """A column type whose bind processing fails: the statement never reaches the cursor."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        raise ValueError("refused")


def test_errors_without_a_statement_on_the_cursor_are_not_recorded(tmp_path: Any) -> None:
    engine = get_engine("sqlite://")
    with engine.connect() as conn, count_queries(engine) as log:
        with pytest.raises(exc.StatementError):
            conn.execute(text("select :x").bindparams(bindparam("x", type_=_Refuses())), {"x": 1})
        conn.execute(text("select 1"))
        assert _pending_start_keys(conn) == []
    assert log.sql() == ["select 1"]
    unreachable = get_engine(f"sqlite:///{tmp_path}/no/such/folder/db.sqlite")
    with count_queries(unreachable) as log, pytest.raises(exc.OperationalError):
        unreachable.connect()  # fails while connecting: handle_error has no connection
    assert log.count == 0
