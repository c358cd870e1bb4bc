"""A large CSV export of order lines, the kind a shop's nightly job has to digest.

:func:`write_orders` writes it row by row, never holding the rows, so a file of millions of lines
costs no more memory to make than one of ten. It is deterministic: the same ``rows`` and ``seed``
give a byte-identical file on every machine. The values follow the sample shop
(:mod:`coursecode.shop`): the same countries with the same skew, the same product categories::

    order_id,customer_id,country,category,quantity,unit_price,created_at
    1,1640,DE,kitchen,2,47.71,2024-06-11T03:18:00

:func:`orders_file` makes one in a temporary folder for the length of a ``with`` block.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from itertools import accumulate
from pathlib import Path

from coursecode.shop import CATEGORIES, COUNTRIES, COUNTRY_WEIGHTS, START

COLUMNS = ("order_id", "customer_id", "country", "category", "quantity", "unit_price", "created_at")
CUSTOMERS = 50_000
MINUTES = 2 * 365 * 24 * 60


def order_rows(rows: int, seed: int = 42) -> Iterator[tuple[int, int, str, str, int, str, str]]:
    """The data rows, one at a time (prices as text with two decimals, as an export has them)."""
    if rows < 0:
        raise ValueError(f"rows must be zero or more, got {rows}")
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
    cumulative = list(accumulate(COUNTRY_WEIGHTS))
    for order_id in range(1, rows + 1):
        created = START + timedelta(minutes=rng.randrange(MINUTES))
        yield (
            order_id,
            rng.randrange(1, CUSTOMERS + 1),
            rng.choices(COUNTRIES, cum_weights=cumulative)[0],
            CATEGORIES[rng.randrange(len(CATEGORIES))],
            rng.randint(1, 4),
            f"{rng.randrange(199, 20_000) / 100:.2f}",
            created.isoformat(),
        )


def write_orders(path: Path, rows: int, seed: int = 42) -> Path:
    """Write a header and ``rows`` data rows to ``path``; return ``path``."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(order_rows(rows, seed))
    return path


@contextmanager
def orders_file(rows: int, seed: int = 42) -> Iterator[Path]:
    """``with orders_file(100_000) as path:`` a fresh file, deleted with its folder afterwards."""
    with tempfile.TemporaryDirectory(prefix="coursecode-orders-") as folder:
        yield write_orders(Path(folder) / "orders.csv", rows, seed)
