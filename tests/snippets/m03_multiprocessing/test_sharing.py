"""sharing.py: moving data by copying it through pipes, queues or a manager costs more than
reading it in shared memory."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m03_multiprocessing/sharing.py"
WAYS = ("pipe", "queue", "value_array", "shared_memory", "manager")


def test_figures(first: dict[str, float]) -> None:
    assert set(first) == {
        *(f"{way}_s" for way in WAYS),
        "in_process_s",
        "manager_vs_shared_memory_x",
        "pipe_vs_shared_memory_x",
        "numbers_n",
    }
    assert all(value > 0 for value in first.values())


def test_a_manager_costs_more_than_shared_memory(first: dict[str, float]) -> None:
    # The manager pickles every number twice (in, then each slice out) and serves requests in
    # another process; shared memory copies them once and workers read in place.
    figures = measure_until(SNIPPET, lambda f: f["manager_vs_shared_memory_x"] > 1.5, first)
    assert figures["manager_vs_shared_memory_x"] > 1.5, figures


def test_the_manager_is_the_slowest_way(first: dict[str, float]) -> None:
    def slowest(f: dict[str, float]) -> bool:
        return all(f["manager_s"] > f[f"{way}_s"] for way in WAYS if way != "manager")

    figures = measure_until(SNIPPET, slowest, first)
    assert slowest(figures), figures


def test_copying_through_a_pipe_costs_more_than_a_shared_array(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["pipe_s"] > f["value_array_s"], first)
    assert figures["pipe_s"] > figures["value_array_s"], figures
