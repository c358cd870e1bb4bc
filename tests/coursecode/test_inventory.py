from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from coursecode.dbapi import shared_database
from coursecode.inventory import (
    POSTGRES_LOCK_TIMEOUT_MS,
    create_stock,
    quantity_of,
    transactional_engine,
)


@pytest.mark.databases
def test_stock_is_created_read_and_never_negative(database_url: str | None) -> None:
    with shared_database(database_url) as url:
        engine = transactional_engine(url)
        try:
            create_stock(engine, {1: 10, 2: 3})
            create_stock(engine, {1: 10, 2: 3})  # again: the old table is replaced
            with engine.connect() as conn:
                assert (quantity_of(conn, 1), quantity_of(conn, 2)) == (10, 3)
            with engine.begin() as conn, pytest.raises(IntegrityError):
                conn.execute(text("UPDATE stock SET quantity = -1 WHERE product_id = 1"))
        finally:
            engine.dispose()


def test_sqlite_gets_wal_and_a_short_busy_timeout(tmp_path: Path) -> None:
    engine = transactional_engine(f"sqlite:///{tmp_path / 'stock.db'}")
    try:
        create_stock(engine, {1: 10})
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 100
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_gets_a_lock_timeout(database_url: str | None) -> None:
    engine = transactional_engine(database_url)
    try:
        with engine.connect() as conn:
            shown = conn.exec_driver_sql("SHOW lock_timeout").scalar()
        assert shown == f"{POSTGRES_LOCK_TIMEOUT_MS // 1000}s"
    finally:
        engine.dispose()
