"""exercise_solution.py: the leak check measures growth per call, finds the line, and leaves
tracemalloc as it found it."""

from __future__ import annotations

import runpy
import tracemalloc
from typing import Any

import pytest

from tests.conftest import ROOT

# To grade your own solution, point this at your file.
SOLUTION = ROOT / "snippets/m07_memory_profiling/exercise_solution.py"


@pytest.fixture(scope="module")
def solution() -> dict[str, Any]:
    return runpy.run_path(str(SOLUTION), run_name="m07_exercise")


def test_growth_per_call_and_the_line_that_made_it(solution: dict[str, Any]) -> None:
    sink: list[bytearray] = []
    report = solution["leak_report"](lambda: sink.append(bytearray(1000)), calls=500, warmup=10)
    assert report.calls == 500
    assert 1000 <= report.bytes_per_call < 1300  # the payload, its header and the list's slots
    top = report.top_sites[0]
    assert top.filename == __file__ and "sink.append" in top.code()
    assert str(top).startswith("test_exercise_solution.py:")
    assert len(report.top_sites) <= 3


def test_temporary_memory_is_not_a_leak(solution: dict[str, Any]) -> None:
    report = solution["assert_no_leak"](lambda: [bytearray(1000) for _ in range(10)])
    assert report.bytes_per_call < 64


def test_a_leak_fails_the_check_and_names_the_line(solution: dict[str, Any]) -> None:
    sink: list[bytearray] = []
    with pytest.raises(AssertionError, match="left allocated per call") as failure:
        solution["assert_no_leak"](lambda: sink.append(bytearray(200)), calls=200)
    assert "test_exercise_solution.py:" in str(failure.value)


def test_tracing_is_left_as_found(solution: dict[str, Any]) -> None:
    assert not tracemalloc.is_tracing()
    solution["leak_report"](lambda: None, calls=10, warmup=0)
    assert not tracemalloc.is_tracing()
    tracemalloc.start()
    try:
        sink: list[bytearray] = []
        report = solution["leak_report"](lambda: sink.append(bytearray(500)), calls=100)
        assert tracemalloc.is_tracing()
        assert report.bytes_per_call >= 500
    finally:
        tracemalloc.stop()


def test_tracing_stops_even_when_the_function_raises(solution: dict[str, Any]) -> None:
    with pytest.raises(ZeroDivisionError):
        solution["leak_report"](lambda: 1 / 0, calls=10)
    assert not tracemalloc.is_tracing()


@pytest.mark.parametrize(("calls", "warmup"), [(0, 10), (10, -1)])
def test_bad_arguments(solution: dict, calls: int, warmup: int) -> None:
    with pytest.raises(ValueError, match="calls must be at least 1"):
        solution["leak_report"](lambda: None, calls=calls, warmup=warmup)
