# test: databases
# test: timeout=120
"""Streaming a query result instead of loading it: export every order item to a CSV file.

``.all()`` builds an ORM object for every row before the first one is written. ``yield_per``
makes the ORM build and hand over objects a batch at a time, and Core rows streamed in
``partitions()`` skip the objects altogether. Peak Python memory is measured with tracemalloc on
SQLite and on PostgreSQL. On PostgreSQL, ``yield_per`` also switches psycopg2 to a server-side
cursor (``stream_results``), so the driver no longer receives the whole result at once either.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from coursecode.db import get_engine
from coursecode.measure import best_of
from coursecode.shop import OrderItem, load
from coursecode.tracemem import traced

COLUMNS = ("id", "order_id", "product_id", "quantity", "unit_price")
ITEMS = select(OrderItem).order_by(OrderItem.id)


# --8<-- [start:all]
def export_all(engine: Engine, out: TextIO) -> int:
    """Every row becomes an ORM object, all of them at once, before the first is written."""
    writer = csv.writer(out)
    with Session(engine) as session:
        items = session.scalars(ITEMS).all()
        for item in items:
            writer.writerow([getattr(item, column) for column in COLUMNS])
    return len(items)
    # --8<-- [end:all]


# --8<-- [start:yield_per]
def export_yield_per(engine: Engine, out: TextIO, batch: int = 1000) -> int:
    """ORM objects a batch at a time; the Session's identity map holds them only weakly, so
    each batch can be freed once the loop moves on."""
    writer = csv.writer(out)
    written = 0
    with Session(engine) as session:
        for item in session.scalars(ITEMS.execution_options(yield_per=batch)):
            writer.writerow([getattr(item, column) for column in COLUMNS])
            written += 1
    return written


def export_core_stream(engine: Engine, out: TextIO, batch: int = 1000) -> int:
    """Plain rows (tuples), no ORM objects, written a partition at a time."""
    columns = select(*(getattr(OrderItem, c) for c in COLUMNS)).order_by(OrderItem.id)
    writer = csv.writer(out)
    written = 0
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(columns)
        for rows in result.partitions():
            writer.writerows(rows)
            written += len(rows)
    return written
    # --8<-- [end:yield_per]


EXPORTS: dict[str, Callable[[Engine, TextIO], int]] = {
    "orm_all": export_all,
    "orm_yield_per": export_yield_per,
    "core_stream": export_core_stream,
}


def run_export(export: Callable[[Engine, TextIO], int], engine: Engine, path: Path) -> int:
    with path.open("w", newline="", encoding="utf-8") as out:
        return export(engine, out)


def export_each(engine: Engine, folder: Path) -> dict[str, tuple[int, int, str]]:
    """(peak bytes, rows written, SHA-256 of the file written) of each export."""
    figures = {}
    for name, export in EXPORTS.items():
        path = folder / f"{name}.csv"
        run = traced(lambda export=export, path=path: run_export(export, engine, path))
        figures[name] = (run.peak, run.result, hashlib.sha256(path.read_bytes()).hexdigest())
    return figures


SCALES = {"test": "small", "bench": "medium"}


def measure(size: str) -> dict[str, float]:
    engine = get_engine()
    load(engine, SCALES[size])  # the rows it returns are dropped at once: not part of any peak
    figures: dict[str, float] = {}
    with TemporaryDirectory() as folder:
        exports = export_each(engine, Path(folder))
        if len({digest for _, _, digest in exports.values()}) != 1:
            raise AssertionError("the exports wrote different files")
        for name, (peak, rows, _) in exports.items():
            figures[f"{name}_peak_mib"] = peak / 2**20
            figures["rows_n"] = rows
        for name, export in EXPORTS.items():
            path = Path(folder) / f"{name}.csv"
            figures[f"{name}_s"] = best_of(lambda e=export, p=path: run_export(e, engine, p))
    figures["yield_per_vs_all_x"] = figures["orm_all_peak_mib"] / figures["orm_yield_per_peak_mib"]
    figures["core_vs_all_x"] = figures["orm_all_peak_mib"] / figures["core_stream_peak_mib"]
    engine.dispose()
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    engine = get_engine()  # in-memory SQLite unless DATABASE_URL says otherwise
    load(engine, "small")  # the sample shop: about 15,000 order items
    with TemporaryDirectory() as folder:
        peaks = export_each(engine, Path(folder))
    print({name: rows for name, (_, rows, _) in peaks.items()})
    #> {'orm_all': 14983, 'orm_yield_per': 14983, 'core_stream': 14983}
    print("same file from all three:", len({digest for _, _, digest in peaks.values()}) == 1)
    #> same file from all three: True
    everything = peaks["orm_all"][0]
    print("yield_per peak under a quarter of .all():", peaks["orm_yield_per"][0] < everything / 4)
    #> yield_per peak under a quarter of .all(): True
    print("Core rows under a tenth of .all():", peaks["core_stream"][0] < everything / 10)
    #> Core rows under a tenth of .all(): True
    # --8<-- [end:demo]
