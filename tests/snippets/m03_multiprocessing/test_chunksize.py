"""chunksize.py: one message per tiny task is many times slower than chunks; Pool.map chunks
by itself."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m03_multiprocessing/chunksize.py"
Load = Callable[[str], ModuleType]


def test_figures(first: dict[str, float]) -> None:
    assert set(first) == {
        "sequential_s",
        "chunksize_1_s",
        "chunked_s",
        "pool_map_default_s",
        "chunked_vs_chunksize_1_x",
        "chunked_vs_sequential_x",
        "tasks_n",
        "chunksize_n",
    }
    assert all(value > 0 for value in first.values())
    assert (first["tasks_n"], first["chunksize_n"]) == (2_000, 250)


def test_chunks_beat_one_item_per_message(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["chunked_vs_chunksize_1_x"] > 5, first)
    assert figures["chunked_vs_chunksize_1_x"] > 5, figures


def test_even_chunked_processes_lose_to_the_loop(first: dict[str, float]) -> None:
    # Pickling and sending a line costs more than parsing it: chunks cut the messages, not that.
    figures = measure_until(SNIPPET, lambda f: f["chunked_vs_sequential_x"] < 1, first)
    assert figures["chunked_vs_sequential_x"] < 1, figures


def test_pool_map_chunks_by_default(first: dict[str, float]) -> None:
    figures = measure_until(
        SNIPPET, lambda f: f["chunksize_1_s"] > 5 * f["pool_map_default_s"], first
    )
    assert figures["chunksize_1_s"] > 5 * figures["pool_map_default_s"], figures


@pytest.mark.parametrize(
    ("items", "workers", "expected"), [(2_000, 2, 250), (2_001, 2, 251), (3, 4, 1), (0, 2, 0)]
)
def test_pool_map_chunksize(load: Load, items: int, workers: int, expected: int) -> None:
    assert load("chunksize").pool_map_chunksize(items, workers) == expected


@pytest.mark.parametrize(
    ("line", "status"),
    [('1.2.3.4 - - [x] "GET / HTTP/1.1" 404 10 "-" "a" 0.1', 404), ('1.2.3.4 - - [x] "GET /', 0)],
)
def test_status_of(load: Load, line: str, status: int) -> None:
    assert load("chunksize").status_of(line) == status
