"""Exercise solution: per-category totals of an order export, in memory that does not grow.

Requirements (from the exercise): the same totals as ``category_totals_naive``; any iterable of
text lines is accepted (an open file, a gzip stream, a list, a generator) and read once; peak
memory does not grow with the number of lines; ``Totals`` instances have no ``__dict__``; a
malformed line raises ``ValueError`` naming its line number.
"""

from __future__ import annotations

import csv
import gzip
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coursecode.orders_csv import orders_file


# --8<-- [start:naive]
def category_totals_naive(path: Path) -> dict[str, tuple[int, int, float]]:
    """The starting point: correct, but holds the whole file and a dict per row."""
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    totals: dict[str, tuple[int, int, float]] = {}
    for category in sorted({row["category"] for row in rows}):
        mine = [row for row in rows if row["category"] == category]
        units = sum(int(row["quantity"]) for row in mine)
        revenue = sum(int(row["quantity"]) * float(row["unit_price"]) for row in mine)
        totals[category] = (len(mine), units, round(revenue, 2))
    return totals
    # --8<-- [end:naive]


# --8<-- [start:solution]
NEEDED = ("category", "quantity", "unit_price")


@dataclass(slots=True)
class Totals:
    lines: int = 0
    units: int = 0
    revenue: float = 0.0


def category_totals(lines: Iterable[str]) -> dict[str, Totals]:
    """One pass over ``lines`` (CSV text with a header); memory grows with categories only."""
    reader = csv.reader(lines)  # pulls one line at a time from whatever it is given
    header = next(reader, None)
    if header is None:
        return {}
    try:
        category, quantity, price = (header.index(column) for column in NEEDED)
    except ValueError:
        raise ValueError(f"line 1: the header lacks a needed column: {header}") from None
    totals: dict[str, Totals] = {}
    for row in reader:
        try:
            name, units, unit_price = row[category], int(row[quantity]), float(row[price])
        except (IndexError, ValueError) as exc:
            raise ValueError(f"line {reader.line_num}: {exc}") from None
        entry = totals.get(name)
        if entry is None:
            entry = totals[name] = Totals()
        entry.lines += 1
        entry.units += units
        entry.revenue += units * unit_price
    for entry in totals.values():
        entry.revenue = round(entry.revenue, 2)
    return dict(sorted(totals.items()))
    # --8<-- [end:solution]


def as_tuples(totals: dict[str, Totals]) -> dict[str, tuple[int, int, float]]:
    return {name: (t.lines, t.units, t.revenue) for name, t in totals.items()}


if __name__ == "__main__":
    # --8<-- [start:demo]
    with orders_file(20_000) as path:
        with path.open(newline="", encoding="utf-8") as file:
            streamed = category_totals(file)
        print(as_tuples(streamed) == category_totals_naive(path))
        #> True
        print(streamed["books"])
        #> Totals(lines=2414, units=6031, revenue=610705.42)
        # A compressed export streams just the same: gzip.open in text mode yields lines too.
        packed = path.with_suffix(".csv.gz")
        with path.open("rb") as source, gzip.open(packed, "wb") as target:
            shutil.copyfileobj(source, target)
        with gzip.open(packed, "rt", newline="", encoding="utf-8") as file:
            print(category_totals(file) == streamed)
            #> True
    try:
        category_totals(["category,quantity,unit_price", "books,two,9.99"])
    except ValueError as error:
        print(error)
        #> line 2: invalid literal for int() with base 10: 'two'
    # --8<-- [end:demo]
