"""producer_consumer.py's figures: throughput grows with the consumers, up to the GIL's ceiling."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until

SNIPPET = ROOT / "snippets/m02_threading/producer_consumer.py"
CONSUMERS = (1, 2, 4, 8, 16, 32, 64)


def test_figures_are_complete_and_positive(first: dict[str, float]) -> None:
    expected = {"items_n", "gil_ceiling_x", "parse_only_s"}
    expected |= {f"consumers_{n:02d}_s" for n in CONSUMERS}
    expected |= {f"consumers_{n:02d}_speedup_x" for n in CONSUMERS[1:]}
    assert set(first) == expected
    assert all(value > 0 for value in first.values())
    assert first["items_n"] == 64


def test_more_consumers_overlap_more_waits(first: dict[str, float]) -> None:
    # Waiting consumers hold no GIL and need no core, so this holds on a busy machine too:
    # 2 consumers could reach 2x and 8 nearly 8x; the bounds leave room for overhead.
    def holds(f: dict[str, float]) -> bool:
        return (
            f["consumers_02_speedup_x"] > 1.5
            and f["consumers_08_speedup_x"] > 3
            and f["consumers_08_speedup_x"] > f["consumers_02_speedup_x"]
        )

    figures = measure_until(SNIPPET, holds, first)
    assert holds(figures), figures


def test_no_speedup_beyond_the_gil_ceiling(first: dict[str, float]) -> None:
    if not getattr(sys, "_is_gil_enabled", lambda: True)():
        pytest.skip("free-threaded interpreter without a GIL: parses may run in parallel")

    # With waits, every item still needs its GIL-holding part (parse, queue operations), one
    # thread at a time: no consumer count can beat the pipeline with the waits removed. Enough
    # consumers come close to that floor, so the bound allows 25% for timing noise.
    def holds(f: dict[str, float]) -> bool:
        best = max(f[f"consumers_{n:02d}_speedup_x"] for n in CONSUMERS[1:])
        return best < 1.25 * f["gil_ceiling_x"]

    figures = measure_until(SNIPPET, holds, first)
    assert holds(figures), figures
