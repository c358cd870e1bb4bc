"""The Module 9 exercise solution: same report as the starter, one statement, much faster."""

from __future__ import annotations

import runpy
from datetime import date, datetime

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.shop import load
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m09_queries" / "exercise_solution.py"


def test_solution_is_one_statement_and_faster(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    assert figures["fast_queries_n"] == 1
    # The starter: one query for the month's orders, one per order for its items, one per name.
    assert figures["slow_queries_n"] > 100
    # Typically 50-150x.
    assert figures["speedup_x"] > 5


@pytest.mark.parametrize("month", [date(2024, 3, 1), date(2024, 12, 1), date(2025, 2, 1)])
def test_solution_returns_the_starters_report(database_url: str | None, month: date) -> None:
    solution = runpy.run_path(str(SNIPPET), run_name="m09_exercise")
    engine = get_engine(database_url)
    try:
        load(engine, "tiny")
        expected = solution["top_customers_slow"](engine, month, limit=3)
        assert not solution["plan_uses"](engine, "ix_orders_created_at")
        solution["add_indexes"](engine)
        assert solution["plan_uses"](engine, "ix_orders_created_at")
        assert solution["top_customers_fast"](engine, month, limit=3) == expected
        assert len(expected) == 3
    finally:
        engine.dispose()


def test_month_bounds_roll_over_the_year() -> None:
    solution = runpy.run_path(str(SNIPPET), run_name="m09_exercise")
    assert solution["month_bounds"](date(2024, 12, 15)) == (
        datetime(2024, 12, 1),
        datetime(2025, 1, 1),
    )
