import csv
import hashlib

import pytest

from coursecode.orders_csv import COLUMNS, order_rows, orders_file, write_orders
from coursecode.shop import CATEGORIES, COUNTRIES


def test_file_has_a_header_and_the_rows(tmp_path) -> None:
    path = write_orders(tmp_path / "orders.csv", 200)
    with path.open(newline="") as file:
        rows = list(csv.reader(file))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 201
    assert [int(row[0]) for row in rows[1:]] == list(range(1, 201))
    assert {row[2] for row in rows[1:]} <= set(COUNTRIES)
    assert {row[3] for row in rows[1:]} <= set(CATEGORIES)
    assert all(1 <= int(row[4]) <= 4 and float(row[5]) > 0 for row in rows[1:])


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path) -> None:
    def digest(name: str, seed: int) -> str:
        return hashlib.sha256(write_orders(tmp_path / name, 300, seed).read_bytes()).hexdigest()

    assert digest("a.csv", 1) == digest("b.csv", 1) != digest("c.csv", 2)


def test_countries_follow_the_shop_skew() -> None:
    countries = [row[2] for row in order_rows(5_000)]
    assert countries.count("GB") > countries.count("US") > countries.count("JP")


def test_rows_are_generated_lazily() -> None:
    rows = order_rows(10**12)  # would never fit in memory if it were a list
    assert next(rows)[0] == 1
    assert next(rows)[0] == 2


def test_negative_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        next(order_rows(-1))


def test_orders_file_is_removed_afterwards() -> None:
    with orders_file(10) as path:
        assert path.is_file()
        assert path.read_text().count("\n") == 11
    assert not path.exists()
    assert not path.parent.exists()
