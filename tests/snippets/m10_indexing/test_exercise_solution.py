"""The Module 10 exercise: four indexes leave no full scan, and change no result."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.shop import load
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m10_indexing" / "exercise_solution.py"


def test_solution_fixes_every_plan_and_is_faster(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # Each of the four queries reads a whole table before, none after.
    assert figures["full_scans_before_n"] == 4
    assert figures["full_scans_after_n"] == 0
    assert figures["indexes_n"] <= 4
    # Typically 3-4x on the small shop, round trips included.
    assert figures["speedup_x"] > 1.5


@pytest.mark.parametrize("seed", [1, 2])
def test_results_are_unchanged_for_other_shops(database_url: str | None, seed: int) -> None:
    solution = runpy.run_path(str(SNIPPET), run_name="m10_exercise")
    engine = get_engine(database_url)
    try:
        load(engine, "small", seed=seed)
        before = solution["run_workload"](engine)
        solution["add_indexes"](engine)
        assert solution["run_workload"](engine) == before
        assert not any(solution["full_scans"](engine).values())
        assert "latest orders" not in solution["sorting"](engine)
    finally:
        engine.dispose()
