# test: pythons
"""A practical optimisation: one report, its peak memory cut step by step, each step measured.

The program reads a CSV export of order lines (coursecode.orders_csv) and reports, per country,
the number of lines, the revenue (quantity x unit price) and the average line value. Five
versions give the same report:

1. naive: read the whole file, split it into lines, keep a dict per row;
2. lazy rows: let csv read the file line by line, but still keep a dict per row;
3. records: keep only the three columns the report needs, as typed ``slots=True`` records, with
   the repeated country names interned;
4. columns: keep those values in two compact arrays (1 byte and 8 bytes per line) and let NumPy
   do the arithmetic;
5. streaming: keep nothing; add each line to the totals as it is read.
"""

from __future__ import annotations

import csv
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from coursecode.measure import best_of
from coursecode.orders_csv import orders_file
from coursecode.tracemem import Traced, memory_over_time, traced


# --8<-- [start:report]
@dataclass(frozen=True)
class CountryStats:
    lines: int
    revenue: float

    @property
    def average(self) -> float:
        return round(self.revenue / self.lines, 2)


Report = dict[str, CountryStats]


def summarise(amounts: Iterable[tuple[str, float]]) -> Report:
    """The report's arithmetic: (country, amount) pairs in, one CountryStats per country out."""
    lines: defaultdict[str, int] = defaultdict(int)
    revenue: defaultdict[str, float] = defaultdict(float)
    for country, amount in amounts:
        lines[country] += 1
        revenue[country] += amount
    return {c: CountryStats(lines[c], round(revenue[c], 2)) for c in sorted(lines)}
    # --8<-- [end:report]


# --8<-- [start:step1]
def report_naive(path: Path) -> Report:
    """Step 1, as first written: the whole file in memory, then a list of dicts."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(lines))
    return summarise((r["country"], int(r["quantity"]) * float(r["unit_price"])) for r in rows)
    # --8<-- [end:step1]


# --8<-- [start:step2]
def report_lazy_rows(path: Path) -> Report:
    """Step 2: csv reads the open file line by line; the rows are still all kept, as dicts."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return summarise((r["country"], int(r["quantity"]) * float(r["unit_price"])) for r in rows)
    # --8<-- [end:step2]


# --8<-- [start:step3]
@dataclass(slots=True)
class Line:
    country: str
    quantity: int
    unit_price: float


def read_lines(path: Path) -> Iterator[Line]:
    """The three columns the report uses, typed, one record per line, read lazily."""
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        country, quantity, price = (header.index(c) for c in ("country", "quantity", "unit_price"))
        for row in reader:
            # intern: a million rows then share ten country strings instead of holding a million
            yield Line(sys.intern(row[country]), int(row[quantity]), float(row[price]))


def report_records(path: Path) -> Report:
    """Step 3: a list of small slotted records instead of a list of dicts."""
    records = list(read_lines(path))
    return summarise((line.country, line.quantity * line.unit_price) for line in records)
    # --8<-- [end:step3]


# --8<-- [start:step4]
def amounts(path: Path) -> Iterator[tuple[str, float]]:
    """(country, quantity x unit price) for each line: a generator over read_lines()."""
    return ((line.country, line.quantity * line.unit_price) for line in read_lines(path))


def report_columns(path: Path) -> Report:
    """Step 4: two compact columns (1 + 8 bytes per line); NumPy sums them per country."""
    codes: dict[str, int] = {}  # country -> small integer
    country_codes = array("B")  # unsigned bytes: room for 256 countries
    values = array("d")  # C doubles
    for country, amount in amounts(path):
        code = codes.setdefault(country, len(codes))
        if code > 255:
            raise ValueError("more than 256 countries: use array('H') for the codes")
        country_codes.append(code)
        values.append(amount)
    # frombuffer shares the arrays' memory: no copy of the columns.
    by_code = np.frombuffer(country_codes, dtype=np.uint8)
    counts = np.bincount(by_code, minlength=len(codes))
    revenue = np.bincount(by_code, weights=np.frombuffer(values), minlength=len(codes))
    return {
        country: CountryStats(int(counts[code]), round(float(revenue[code]), 2))
        for country, code in sorted(codes.items())
    }
    # --8<-- [end:step4]


# --8<-- [start:step5]
def report_streaming(path: Path) -> Report:
    """Step 5: nothing kept; each line is added to the totals as it is read."""
    return summarise(amounts(path))
    # --8<-- [end:step5]


STEPS: dict[str, Callable[[Path], Report]] = {
    "step1_naive": report_naive,
    "step2_lazy_rows": report_lazy_rows,
    "step3_records": report_records,
    "step4_columns": report_columns,
    "step5_streaming": report_streaming,
}

# Lines in the file: "test" keeps the test suite quick, "bench" is the published figure.
ROWS = {"test": 10_000, "bench": 200_000}


# --8<-- [start:measure]
def peaks(path: Path) -> dict[str, Traced]:
    """Each step's run under tracemalloc; every step must produce the same report."""
    runs = {name: traced(lambda step=step: step(path)) for name, step in STEPS.items()}
    reports = [run.result for run in runs.values()]
    if any(report != reports[0] for report in reports):
        raise AssertionError("the steps disagree: an optimisation changed the answer")
    return runs


def measure(size: str) -> dict[str, float]:
    rows = ROWS[size]
    figures: dict[str, float] = {"rows_n": rows}
    with orders_file(rows) as path:
        figures["file_mib"] = path.stat().st_size / 2**20
        figures["file_bytes_per_row_n"] = path.stat().st_size / rows
        for name, run in peaks(path).items():
            figures[f"{name}_peak_mib"] = run.peak_mib
            figures[f"{name}_bytes_per_row_n"] = run.peak / rows
            # Timed without tracemalloc, which slows Python code down several times.
            figures[f"{name}_s"] = best_of(lambda step=STEPS[name]: step(path))
    figures["step5_streaming_peak_kib"] = figures["step5_streaming_peak_mib"] * 1024  # it is tiny
    figures["factor_x"] = figures["step1_naive_peak_mib"] / figures["step5_streaming_peak_mib"]
    return figures
    # --8<-- [end:measure]


def series(size: str) -> dict[str, list[tuple[float, float]]]:
    """Each step's memory over time, for the plot (under tracemalloc, so slower than untraced)."""
    with orders_file(ROWS[size]) as path:
        return {
            name.replace("_", ": ", 1).replace("_", " "): memory_over_time(lambda s=step: s(path))
            for name, step in STEPS.items()
        }


if __name__ == "__main__":
    # --8<-- [start:demo]
    with orders_file(5_000) as path:
        runs = peaks(path)
    report = runs["step5_streaming"].result
    print(list(report)[:4])
    #> ['DE', 'ES', 'FR', 'GB']
    print(report["GB"], report["GB"].average)
    #> CountryStats(lines=2006, revenue=502076.84) 250.29
    peak = [run.peak for run in runs.values()]
    print("every step lowers the peak:", all(a > b for a, b in pairwise(peak)))
    #> every step lowers the peak: True
    print("step 5 needs under a twentieth of step 1:", peak[0] > 20 * peak[-1])
    #> step 5 needs under a twentieth of step 1: True
    # --8<-- [end:demo]
