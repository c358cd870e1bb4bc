"""cpu_bound.py: processes speed up pure-Python CPU work; threads, under a GIL, do not."""

from __future__ import annotations

import os
import sys

import pytest

from tests.conftest import ROOT
from tests.support.timing import (
    measure_until,
    skip_if_no_spare_core,
    skip_unless_two_cores,
)

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m01_concurrency/cpu_bound.py"


def test_figures_are_complete_and_positive(first: dict[str, float]) -> None:
    figures = first
    assert set(figures) == {
        "sequential_s",
        "threads_s",
        "processes_s",
        "threads_speedup_x",
        "processes_speedup_x",
        "workers_n",
    }
    assert all(value > 0 for value in figures.values())
    assert figures["workers_n"] == min(os.cpu_count() or 1, 4)


def test_processes_beat_sequential_on_two_or_more_cores(first: dict[str, float]) -> None:
    skip_unless_two_cores()
    figures = measure_until(SNIPPET, lambda f: f["processes_speedup_x"] > 1.3, first)
    if figures["processes_speedup_x"] <= 1.3:
        skip_if_no_spare_core(figures)
    assert figures["processes_speedup_x"] > 1.3, figures


def test_threads_do_not_beat_sequential_under_the_gil(first: dict[str, float]) -> None:
    if not getattr(sys, "_is_gil_enabled", lambda: True)():
        pytest.skip("free-threaded interpreter without a GIL: threads may scale here")
    figures = measure_until(SNIPPET, lambda f: f["threads_speedup_x"] < 1.3, first)
    assert figures["threads_speedup_x"] < 1.3, figures
