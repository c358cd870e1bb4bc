"""io_bound.py: threads overlap network waits; the client reports HTTP errors."""

from __future__ import annotations

import runpy

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m01_concurrency/io_bound.py"


def test_threads_overlap_waits(first: dict[str, float]) -> None:
    # 24 requests over 12 threads could reach ~12x; 2x is far from any noise.
    figures = measure_until(SNIPPET, lambda f: f["threads_speedup_x"] > 2, first)
    assert figures["threads_speedup_x"] > 2, figures
    assert figures["requests_n"] == 24
    assert figures["workers_n"] == 12


def test_fetch_raises_on_http_error() -> None:
    io_bound = runpy.run_path(str(SNIPPET), run_name="m01_io_bound")
    with io_bound["slow_server"](0.0) as port:
        assert io_bound["fetch"](port, "/ok") == "/ok"
        with pytest.raises(RuntimeError, match="HTTP 404"):
            io_bound["fetch"](port, "/missing")
