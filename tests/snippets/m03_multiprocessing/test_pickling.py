"""pickling.py: sending a list of dicts to a worker costs far more than the work; a compact array
costs far less than the list."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m03_multiprocessing/pickling.py"


def test_figures(first: dict[str, float]) -> None:
    assert set(first) == {
        "in_process_s",
        "pickle_round_trip_s",
        "worker_records_s",
        "worker_array_s",
        "records_mib",
        "array_mib",
        "worker_records_vs_in_process_x",
        "worker_records_vs_array_x",
        "records_n",
    }
    assert all(value > 0 for value in first.values())
    # Sizes are deterministic: 8 bytes a number, plus a small header.
    assert first["array_mib"] < 1.01 * first["records_n"] * 8 / 2**20 < first["records_mib"]


def test_shipping_records_costs_more_than_the_work(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["worker_records_vs_in_process_x"] > 3, first)
    assert figures["worker_records_vs_in_process_x"] > 3, figures


def test_a_compact_array_ships_faster_than_records(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["worker_records_vs_array_x"] > 3, first)
    assert figures["worker_records_vs_array_x"] > 3, figures
