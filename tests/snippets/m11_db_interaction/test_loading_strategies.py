"""loading_strategies.py: the statement counts of each strategy, the rows joinedload multiplies,
and eager loading beating lazy loading."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT
from tests.support.timing import measure_until

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "loading_strategies.py"


def test_counts_rows_and_speed(database_url: str | None) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    parents = first["parents_n"]
    assert parents == 100  # customers 301-400 of the small shop: 285 orders, 854 items
    # Lazy: the customers, then one SELECT per customer and one per order (N+1, twice over).
    assert first["lazy_queries_n"] > 2 * parents
    # selectinload: customers, orders in one IN list (<= 500 keys), items in batches of 500.
    assert first["selectin_queries_n"] == 1 + 1 + 1
    assert first["joined_queries_n"] == 1
    # The same rows arrive with lazy and selectin loading; joinedload sends one row per item,
    # each repeating its customer's and order's columns: fewer rows, many more values.
    assert first["lazy_rows_n"] == first["selectin_rows_n"]
    assert first["joined_rows_n"] < first["selectin_rows_n"]
    assert first["joined_values_n"] > 1.5 * first["selectin_values_n"]
    # Typically 6-25x.
    figures = measure_until(
        SNIPPET, lambda f: f["selectin_vs_lazy_x"] > 2, first, database_url=database_url
    )
    assert figures["selectin_vs_lazy_x"] > 2, figures


def test_helpers_refuse_what_they_cannot_do() -> None:
    snippet = runpy.run_path(str(SNIPPET), run_name="m11_loading")
    with pytest.raises(ValueError, match="unknown strategy 'subquery'"):
        snippet["item_counts"](None, 1, 2, "subquery")
    snippet["check_same"]("joined", {1: 2}, {1: 2})
    with pytest.raises(RuntimeError, match="joined loading returned different counts"):
        snippet["check_same"]("joined", {1: 2}, {1: 3})
    assert snippet["shorten"]("x IN (?, ?, ?) AND y IN (%(a)s)") == (
        "x IN (?, ... 3 values) AND y IN (%(a)s, ... 1 values)"
    )
