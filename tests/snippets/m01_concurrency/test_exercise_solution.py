"""exercise_solution.py: parallel_map is a correct, ordered, error-propagating map."""

from __future__ import annotations

import math
import runpy
import time

import pytest

from tests.conftest import ROOT

SOLUTION = runpy.run_path(
    str(ROOT / "snippets/m01_concurrency/exercise_solution.py"), run_name="m01_exercise"
)
parallel_map = SOLUTION["parallel_map"]
chunksize_for = SOLUTION["chunksize_for"]


def sleep_then_echo(value: int) -> int:
    time.sleep(0.05)
    return value


@pytest.mark.parametrize("kind", ["io", "cpu"])
def test_same_results_in_input_order(kind: str) -> None:
    # math.factorial is importable by name, so a process pool can pickle it under any start method.
    items = [30, 5, 20, 1, 0, 12]
    assert parallel_map(math.factorial, items, kind=kind, workers=2) == [
        math.factorial(n) for n in items
    ]


@pytest.mark.parametrize("kind", ["io", "cpu"])
def test_empty_input(kind: str) -> None:
    assert parallel_map(math.factorial, [], kind=kind) == []


@pytest.mark.parametrize("kind", ["io", "cpu"])
def test_task_exception_reaches_the_caller(kind: str) -> None:
    with pytest.raises(ValueError, match="negative"):
        parallel_map(math.factorial, [3, -1, 4], kind=kind, workers=2)


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="kind must be"):
        parallel_map(math.factorial, [1], kind="gpu")


def test_io_tasks_overlap() -> None:
    # 20 waits of 50 ms: 1 s one after another, about 50 ms when they overlap.
    start = time.perf_counter()
    assert parallel_map(sleep_then_echo, range(20), kind="io") == list(range(20))
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("items", "workers", "expected"), [(10_000, 4, 625), (1000, 2, 125), (3, 4, 1), (0, 1, 1)]
)
def test_chunksize_for(items: int, workers: int, expected: int) -> None:
    assert chunksize_for(items, workers) == expected
