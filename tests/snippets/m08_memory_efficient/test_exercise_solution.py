"""exercise_solution.py: category_totals is right, streams, and keeps its memory flat.

To grade your own solution, point SOLUTION at your file.
"""

from __future__ import annotations

import gzip
import runpy
from pathlib import Path

import pytest

from coursecode.orders_csv import orders_file, write_orders
from coursecode.tracemem import traced
from tests.conftest import ROOT

SOLUTION = ROOT / "snippets/m08_memory_efficient/exercise_solution.py"
NAMESPACE = runpy.run_path(str(SOLUTION), run_name="m08_exercise")
category_totals = NAMESPACE["category_totals"]
Totals = NAMESPACE["Totals"]
REFERENCE = runpy.run_path(
    str(ROOT / "snippets/m08_memory_efficient/exercise_solution.py"), run_name="m08_reference"
)["category_totals_naive"]


def as_tuples(totals: dict) -> dict[str, tuple[int, int, float]]:
    return {name: (t.lines, t.units, t.revenue) for name, t in totals.items()}


def test_same_totals_as_the_naive_version() -> None:
    with orders_file(3_000) as path, path.open(newline="", encoding="utf-8") as file:
        assert as_tuples(category_totals(file)) == REFERENCE(path)


def test_reads_any_iterable_of_lines_once(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.csv", 500)
    expected = REFERENCE(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert as_tuples(category_totals(lines)) == expected
    assert as_tuples(category_totals(line for line in lines)) == expected  # a one-shot generator
    packed = tmp_path / "orders.csv.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    with gzip.open(packed, "rt", newline="", encoding="utf-8") as file:
        assert as_tuples(category_totals(file)) == expected


def test_peak_does_not_grow_with_the_number_of_lines() -> None:
    peaks = []
    for rows in (5_000, 50_000):
        with orders_file(rows) as path, path.open(newline="", encoding="utf-8") as file:
            peaks.append(traced(lambda file=file: category_totals(file)).peak)
    # Ten times the lines: a streaming solution's peak stays put (one row, eight categories);
    # one that keeps the rows grows about tenfold.
    assert peaks[1] < 1.5 * peaks[0], peaks


def test_totals_have_no_instance_dict() -> None:
    totals = category_totals(["category,quantity,unit_price", "books,2,1.25"])
    assert list(totals) == ["books"]
    assert not hasattr(totals["books"], "__dict__")
    assert as_tuples(totals) == {"books": (1, 2, 2.5)}


def test_empty_input() -> None:
    assert category_totals([]) == {}
    assert category_totals(["category,quantity,unit_price"]) == {}


@pytest.mark.parametrize(
    ("lines", "where"),
    [
        (["category,quantity,unit_price", "books,2,1.00", "games,two,1.00"], "line 3"),
        (["category,quantity,unit_price", "books,2"], "line 2"),
        (["category,units,unit_price", "books,2,1.00"], "line 1"),
    ],
)
def test_malformed_input_names_the_line(lines: list[str], where: str) -> None:
    with pytest.raises(ValueError, match=where):
        category_totals(lines)
