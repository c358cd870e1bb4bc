import time

import pytest
from sqlalchemy import text

from coursecode.db import get_engine
from coursecode.measure import best_of, best_of_interleaved, count_queries


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
