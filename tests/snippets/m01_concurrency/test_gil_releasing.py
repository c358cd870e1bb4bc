"""gil_releasing.py: threads hashing large buffers scale; the same bytes in small pieces do not."""

from __future__ import annotations

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

SNIPPET = ROOT / "snippets/m01_concurrency/gil_releasing.py"


def test_large_buffers_scale_with_threads(first: dict[str, float]) -> None:
    skip_unless_two_cores()
    figures = measure_until(SNIPPET, lambda f: f["large_threads_speedup_x"] > 1.3, first)
    if figures["large_threads_speedup_x"] <= 1.3:
        skip_if_no_spare_core(figures)
    assert figures["large_threads_speedup_x"] > 1.3, figures


def test_small_buffers_do_not_scale_under_the_gil(first: dict[str, float]) -> None:
    if not getattr(sys, "_is_gil_enabled", lambda: True)():
        pytest.skip("free-threaded interpreter without a GIL: small updates may scale here")
    figures = measure_until(SNIPPET, lambda f: f["small_threads_speedup_x"] < 1.3, first)
    assert figures["small_threads_speedup_x"] < 1.3, figures
