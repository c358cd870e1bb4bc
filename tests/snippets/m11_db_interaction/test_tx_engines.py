"""tx_isolation.py and tx_single_writer.py: how connections behave once a demo is over."""

from __future__ import annotations

import runpy
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from coursecode.dbapi import shared_database
from coursecode.inventory import create_stock, quantity_of, transactional_engine
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPETS = ROOT / "snippets" / "m11_db_interaction"


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(SNIPPETS))  # the snippets import tx_lost_update

    def load(name: str) -> dict:
        return runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name=f"m11_{name}")

    return load


@pytest.fixture
def url(database_url: str | None) -> Iterator[str]:
    with shared_database(database_url) as url:
        yield url


def test_autocommit_lasts_for_one_use_of_the_connection(load, url: str) -> None:
    vacuum = load("tx_isolation")["vacuum"]
    engine = transactional_engine(url, pool_size=1, max_overflow=0)  # one connection, reused
    try:
        assert vacuum(engine, autocommit=True) == "done"
        assert vacuum(engine, autocommit=False) != "done"  # the pool restored transactions
        assert vacuum(engine, autocommit=True) == "done"
    finally:
        engine.dispose()


def test_the_second_writer_goes_ahead_once_the_first_committed(load, url: str) -> None:
    sell_atomic = load("tx_single_writer")["sell_atomic"]
    engine: Engine = transactional_engine(url)
    try:
        create_stock(engine, {1: 10, 2: 10})
        with engine.connect() as a, engine.connect() as b:
            sell_atomic(a, 1, 3)
            a.commit()  # releases SQLite's write lock
            sell_atomic(b, 2, 3)
            b.commit()
            assert (quantity_of(a, 1), quantity_of(a, 2)) == (7, 7)
    finally:
        engine.dispose()
