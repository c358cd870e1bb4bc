"""The Module 11 exercise: the solution leaves the same data and report as the starter, with a
handful of statements instead of hundreds; on PostgreSQL the COPY variant does too."""

from __future__ import annotations

import runpy
from decimal import Decimal

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.measure import count_queries
from coursecode.shop import load
from tests.conftest import ROOT
from tests.support.timing import measure_until

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "exercise_solution.py"


def test_solution_sends_few_statements_and_is_faster(database_url: str | None) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # Starter: a commit per order (200), a SELECT per product, a lazy load per customer.
    assert first["slow_queries_n"] > 220
    # Solution: INSERT (one batch of 200), UPDATE (executemany), customers, their orders.
    assert first["fast_queries_n"] <= 5
    # Typically 20-50x.
    figures = measure_until(SNIPPET, lambda f: f["speedup_x"] > 3, first, database_url)
    assert figures["speedup_x"] > 3, figures


@pytest.fixture
def exercise() -> dict:
    return runpy.run_path(str(SNIPPET), run_name="m11_exercise")


def run_job(exercise: dict, database_url: str | None, job: str, **options) -> tuple:
    engine = get_engine(database_url)
    try:
        data = load(engine, "tiny")
        orders = exercise["new_orders"](30, len(data.customers))
        prices = exercise["price_changes"](len(data.products))
        with count_queries(engine) as log:
            report = exercise[job](engine, orders, prices, "GB", **options)
        return report, exercise["state"](engine), log.count
    finally:
        engine.dispose()


def test_same_report_and_data_as_the_starter(exercise: dict, database_url: str | None) -> None:
    slow = run_job(exercise, database_url, "nightly_job_slow")
    fast = run_job(exercise, database_url, "nightly_job_fast")
    assert fast[:2] == slow[:2]
    report, (orders, prices), _ = fast
    assert orders == 500 + 30  # the tiny shop's orders plus the import
    assert prices[0] == Decimal("25.25")
    assert sum(len(ids) for ids in report.values()) > 0  # some GB customers have pending orders
    exercise["check_same"](slow[0], fast[0])
    with pytest.raises(RuntimeError, match="differs"):
        exercise["check_same"](slow[0], {})


def test_copy_variant(exercise: dict, database_url: str | None, backend: str) -> None:
    copy = {"load_orders": exercise["copy_orders"]}
    if backend == "sqlite":
        with pytest.raises(ValueError, match="COPY is a PostgreSQL command"):
            run_job(exercise, database_url, "nightly_job_fast", **copy)
        return
    copied = run_job(exercise, database_url, "nightly_job_fast", **copy)
    fast = run_job(exercise, database_url, "nightly_job_fast")
    assert copied[:2] == fast[:2]
    assert copied[2] == 3  # COPY is sent on the raw cursor: the engine sees UPDATE + 2 SELECTs


def test_a_missing_product_is_an_error(exercise: dict, database_url: str | None) -> None:
    engine = get_engine(database_url)
    try:
        load(engine, "tiny")  # products 1..20
        with pytest.raises(LookupError, match="no product 21"):
            exercise["nightly_job_slow"](engine, [], [(21, Decimal(1))], "GB")
    finally:
        engine.dispose()
