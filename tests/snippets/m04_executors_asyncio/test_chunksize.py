"""chunksize.py: one message per tiny task drowns the work; batches recover it."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.snippets.m04_executors_asyncio.snippet import load
from tests.support.timing import measure_until

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m04_executors_asyncio/chunksize.py"


def test_chunksize_1_costs_more_than_the_work(first: dict[str, float]) -> None:
    # A round trip per task is tens of microseconds; the tasks are a few microseconds.
    figures = measure_until(SNIPPET, lambda f: f["chunksize_1_vs_sequential_x"] > 2, first)
    assert figures["chunksize_1_vs_sequential_x"] > 2, figures


def test_batches_beat_one_message_per_task(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["chunked_vs_chunksize_1_x"] > 3, first)
    assert figures["chunked_vs_chunksize_1_x"] > 3, figures
    assert figures["chunksize_n"] == load("chunksize").chunksize_for(
        figures["tasks_n"], figures["workers_n"]
    )


def test_chunksize_for() -> None:
    chunksize_for = load("chunksize").chunksize_for
    assert [chunksize_for(n, 2) for n in (0, 7, 8, 3000)] == [1, 1, 1, 375]
    assert chunksize_for(3000, 2, per_worker=1) == 1500
