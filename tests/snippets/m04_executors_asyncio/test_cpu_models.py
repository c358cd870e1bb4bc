"""cpu_models.py: asyncio alone does not speed up CPU work; a process pool behind it can."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until, skip_if_no_spare_core, skip_unless_two_cores

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m04_executors_asyncio/cpu_models.py"


def test_asyncio_alone_is_no_faster_than_sequential(first: dict[str, float]) -> None:
    # The coroutines never await: the loop runs them one after another, on one thread.
    figures = measure_until(SNIPPET, lambda f: f["asyncio_speedup_x"] < 1.3, first)
    assert figures["asyncio_speedup_x"] < 1.3, figures


def test_threads_do_not_help_under_the_gil(first: dict[str, float]) -> None:
    if not getattr(sys, "_is_gil_enabled", lambda: True)():
        pytest.skip("free-threaded interpreter without a GIL: threads may scale here")
    figures = measure_until(SNIPPET, lambda f: f["threads_speedup_x"] < 1.3, first)
    assert figures["threads_speedup_x"] < 1.3, figures


def test_process_pools_scale_with_or_without_the_loop(first: dict[str, float]) -> None:
    skip_unless_two_cores()

    def scaled(f: dict[str, float]) -> bool:
        return f["processes_speedup_x"] > 1.3 and f["asyncio_processes_speedup_x"] > 1.3

    figures = measure_until(SNIPPET, scaled, first)
    if not scaled(figures):
        skip_if_no_spare_core(figures)
    assert scaled(figures), figures
