"""The query rewrites of Module 9 pay off on each database, and never change the answer."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m09_queries" / "rewrites.py"


def test_every_rewrite_is_faster_and_eager_loading_cuts_queries(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # At bench size 8-40x (docs/data/bench.json); at this small test size the fast query is
    # mostly round trip, and the sargable rewrite was seen as low as 2.8x on PostgreSQL 18.
    assert figures["sargable_speedup_x"] > 1.5
    assert figures["aggregate_speedup_x"] > 3
    # Typically 3-35x; the bound leaves room for a busy machine.
    assert figures["keyset_speedup_x"] > 1.5
    assert figures["eager_speedup_x"] > 1.5
    # N+1: one query for the customers plus one per customer; selectinload: two in all.
    assert figures["eager_before_queries_n"] > 100
    assert figures["eager_after_queries_n"] == 2


def test_a_rewrite_that_changes_the_result_is_refused() -> None:
    snippet = runpy.run_path(str(SNIPPET), run_name="m09_rewrites")
    snippet["check_same"]("keyset", [1, 2], [1, 2])
    with pytest.raises(RuntimeError, match="returns different rows"):
        snippet["check_same"]("keyset", [1, 2], [2, 3])
