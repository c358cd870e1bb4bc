"""overhead.py: every memory tool slows the program; line-by-line RSS sampling most of all."""

from __future__ import annotations

import sys

from tests.conftest import ROOT
from tests.support.timing import measure_until

SNIPPET = ROOT / "snippets/m07_memory_profiling/overhead.py"


def test_figures_are_complete_and_positive(first: dict[str, float]) -> None:
    tools = {"tracemalloc", "tracemalloc_25_frames", "memory_profiler"}
    if sys.platform != "win32":
        tools.add("memray")
    expected = {"plain_s", "tracemalloc_bookkeeping_pct", "records_n"}
    expected |= {f"{tool}_s" for tool in tools} | {f"{tool}_slowdown_x" for tool in tools}
    assert set(first) == expected
    assert all(value > 0 for value in first.values())


def test_tracemalloc_slows_allocation_heavy_code(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["tracemalloc_slowdown_x"] > 1.3, first)
    assert figures["tracemalloc_slowdown_x"] > 1.3, figures


def test_more_frames_cost_more(first: dict[str, float]) -> None:
    def holds(f: dict[str, float]) -> bool:
        return f["tracemalloc_25_frames_slowdown_x"] > f["tracemalloc_slowdown_x"]

    figures = measure_until(SNIPPET, holds, first)
    assert holds(figures), figures


def test_line_by_line_rss_sampling_is_the_slowest(first: dict[str, float]) -> None:
    def holds(f: dict[str, float]) -> bool:
        slowdowns = {k: v for k, v in f.items() if k.endswith("_slowdown_x")}
        line_by_line = slowdowns.pop("memory_profiler_slowdown_x")
        return line_by_line > max(5.0, *slowdowns.values())

    figures = measure_until(SNIPPET, holds, first)
    assert holds(figures), figures


def test_tracemalloc_needs_memory_of_its_own(first: dict[str, float]) -> None:
    # Its traces cost a sizeable fraction of the memory they describe (small objects here).
    assert first["tracemalloc_bookkeeping_pct"] > 10
