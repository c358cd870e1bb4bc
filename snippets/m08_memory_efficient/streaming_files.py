"""Streaming a large file instead of loading it: the peak stays flat as the file grows.

``f.read()`` and ``f.readlines()`` hold the whole file (as one string, or as a string per line),
so the peak grows with the file. Iterating over the open file, or over ``csv.reader(file)``,
holds one line at a time; ``f.read(size)`` in a loop holds one block at a time and suits files
that have no lines (archives, images, dumps). The file here is a CSV export made in a temporary
folder by ``coursecode.orders_csv``.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path

from coursecode.measure import best_of
from coursecode.orders_csv import orders_file
from coursecode.tracemem import traced

BLOCK = 64 * 1024  # big enough for few system calls, small next to any real file


# --8<-- [start:loading]
def units_loaded(path: Path) -> int:
    """Units sold, reading the whole file into memory first."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file.readlines()))
    return sum(int(row["quantity"]) for row in rows)
    # --8<-- [end:loading]


# --8<-- [start:streaming]
def units_streamed(path: Path) -> int:
    """Units sold, one row at a time: csv.reader pulls lines from the open file as it goes."""
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        quantity = next(reader).index("quantity")  # the header row
        return sum(int(row[quantity]) for row in reader)


def sha256_streamed(path: Path, block: int = BLOCK) -> str:
    """A digest of any file, binary or text, holding one block at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(block):
            digest.update(chunk)
    return digest.hexdigest()
    # --8<-- [end:streaming]


def sha256_loaded(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SIZES = {"test": 40_000, "bench": 400_000}


def measure(size: str) -> dict[str, float]:
    rows = SIZES[size]
    figures: dict[str, float] = {"rows_n": rows}
    runs: dict[str, Callable[[Path], object]] = {
        "csv_loaded": units_loaded,
        "csv_streamed": units_streamed,
        "hash_loaded": sha256_loaded,
        "hash_streamed": sha256_streamed,
    }
    with orders_file(rows) as path:
        figures["file_mib"] = path.stat().st_size / 2**20
        for name, run in runs.items():
            peak = traced(lambda run=run: run(path)).peak
            if name.endswith("_streamed"):
                figures[f"{name}_peak_kib"] = peak / 1024  # a few KiB: shown in KiB
            else:
                figures[f"{name}_peak_mib"] = peak / 2**20
            figures[f"{name}_s"] = best_of(lambda run=run: run(path))
    loaded_kib = figures["csv_loaded_peak_mib"] * 1024
    figures["csv_peak_ratio_x"] = loaded_kib / figures["csv_streamed_peak_kib"]
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    peaks = {}
    for rows in (10_000, 40_000):
        with orders_file(rows) as path:
            loaded = traced(lambda: units_loaded(path))
            streamed = traced(lambda: units_streamed(path))
            same_digest = sha256_loaded(path) == sha256_streamed(path)
            print(rows, loaded.result, streamed.result, same_digest)
            #> 10000 25095 25095 True
            #> 40000 100086 100086 True
            peaks[rows] = (loaded.peak, streamed.peak)
    small, large = peaks[10_000], peaks[40_000]
    print("loading: 4x the rows, over 3x the peak:", large[0] > 3 * small[0])
    #> loading: 4x the rows, over 3x the peak: True
    print("streaming: 4x the rows, about the same peak:", large[1] < 1.5 * small[1])
    #> streaming: 4x the rows, about the same peak: True
    # --8<-- [end:demo]
