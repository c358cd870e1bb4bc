"""bulk_update.py: bulk UPDATE by primary key beats an ORM object per row; on PostgreSQL, one
statement per page (UPDATE ... FROM VALUES, COPY) beats a statement per row."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.shop import load
from tests.conftest import ROOT
from tests.support.timing import measure_until

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "bulk_update.py"


def holds_on(backend: str):
    def holds(f: dict[str, float]) -> bool:
        bulk = f["orm_bulk_by_pk_speedup_x"] > 2
        if backend == "sqlite":
            return bulk
        per_page = (
            f["update_from_values_s"] < f["orm_bulk_by_pk_s"] / 1.5
            and f["copy_then_update_s"] < f["orm_bulk_by_pk_s"]
        )
        return bulk and per_page

    return holds


def test_bulk_updates_beat_an_object_per_row(database_url: str | None, backend: str) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    ways = ["orm_bulk_by_pk"]
    if backend == "postgresql":
        ways += ["orm_bulk_execute_batch", "update_from_values", "copy_then_update"]
    expected = {"orm_get_each_s", "rows_n"}
    expected |= {f"{way}_s" for way in ways} | {f"{way}_speedup_x" for way in ways}
    assert set(first) == expected
    # Typically 7-70x for the bulk UPDATE; UPDATE ... FROM VALUES 3-5x as fast as it on
    # PostgreSQL.
    figures = measure_until(SNIPPET, holds_on(backend), first, database_url)
    assert holds_on(backend)(figures), figures


def test_missing_rows_are_errors_not_silent_skips(database_url: str | None) -> None:
    snippet = runpy.run_path(str(SNIPPET), run_name="m11_bulk_update")
    engine = get_engine(database_url)
    try:
        load(engine, "tiny")  # customers 1..100
        with pytest.raises(LookupError, match="no customer 101"):
            snippet["orm_get_each"](engine, [(101, "Nobody")])
        changes = snippet["changes_for"](3, version=1)
        snippet["orm_bulk_by_pk"](engine, changes)
        snippet["check_applied"](engine, "orm_bulk_by_pk", changes)
        with pytest.raises(RuntimeError, match="did not apply every change"):
            snippet["check_applied"](engine, "orm_bulk_by_pk", snippet["changes_for"](3, 2))
    finally:
        engine.dispose()
