"""walkthrough.py: every step of the optimisation lowers the peak and keeps the report."""

from __future__ import annotations

import csv
import runpy
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import ROOT

SNIPPET = ROOT / "snippets/m08_memory_efficient/walkthrough.py"
WALKTHROUGH = runpy.run_path(str(SNIPPET), run_name="m08_walkthrough")
STEPS = list(WALKTHROUGH["STEPS"])


def test_each_step_lowers_the_peak(first: dict[str, float]) -> None:
    peaks = [first[f"{step}_peak_mib"] for step in STEPS]
    # Step 1 -> 2 is the smallest cut (it drops the text and the list of lines, not the dicts):
    # about 1.15x on 3.10-3.13; every later step cuts several-fold.
    for before, after in pairwise(peaks):
        assert before > 1.05 * after, peaks


def test_the_final_factor_is_large(first: dict[str, float]) -> None:
    # About 150x at the test size (10,000 rows); the streaming peak does not grow with the file,
    # so the factor only grows with it.
    assert first["factor_x"] > 50, first
    assert first["factor_x"] == pytest.approx(
        first["step1_naive_peak_mib"] / first["step5_streaming_peak_mib"]
    )
    assert first["rows_n"] == WALKTHROUGH["ROWS"]["test"]


def test_the_streaming_peak_does_not_grow_with_the_file() -> None:
    traced, orders_file = WALKTHROUGH["traced"], WALKTHROUGH["orders_file"]
    stream = WALKTHROUGH["report_streaming"]
    peaks = []
    for rows in (2_000, 20_000):
        with orders_file(rows) as path:
            peaks.append(traced(lambda path=path: stream(path)).peak)
    assert peaks[1] < 1.5 * peaks[0], peaks


def test_series_has_one_line_per_step_peaking_in_step_order() -> None:
    lines = WALKTHROUGH["series"]("test")
    assert list(lines) == [
        "step1: naive",
        "step2: lazy rows",
        "step3: records",
        "step4: columns",
        "step5: streaming",
    ]
    peaks = [max(mib for _, mib in points) for points in lines.values()]
    assert peaks == sorted(peaks, reverse=True), peaks


def test_steps_that_disagree_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("country,quantity,unit_price\nGB,1,2.50\nDE,2,1.00\n")
    peaks = WALKTHROUGH["peaks"]
    assert len(peaks(path)) == len(STEPS)
    steps = dict(WALKTHROUGH["STEPS"])
    steps["step5_streaming"] = lambda _path: {}
    monkeypatch.setitem(peaks.__globals__, "STEPS", steps)
    with pytest.raises(AssertionError, match="disagree"):
        peaks(path)


def test_columns_step_refuses_more_countries_than_a_byte_holds(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["country", "quantity", "unit_price"])
        writer.writerows([f"C{i}", 1, 1.0] for i in range(257))
    with pytest.raises(ValueError, match="256 countries"):
        WALKTHROUGH["report_columns"](path)
    assert len(WALKTHROUGH["report_streaming"](path)) == 257
