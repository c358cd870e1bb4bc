import asyncio

import pytest
from sqlalchemy import text

from coursecode.asyncdb import async_database_url, get_async_engine
from coursecode.db import DatabaseConfigError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite://", "sqlite+aiosqlite"),
        ("sqlite:///shop.db", "sqlite+aiosqlite"),
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u@/db?host=/tmp/pg", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/db?prepared_statement_cache_size=0", "postgresql+asyncpg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite+aiosqlite:///shop.db", "sqlite+aiosqlite"),
    ],
)
def test_blocking_drivers_are_swapped_for_asyncio_ones(url: str, expected: str) -> None:
    assert async_database_url(url).drivername == expected


def test_database_and_unix_socket_are_kept() -> None:
    url = async_database_url("postgresql://postgres:@/shop?host=/run/coursecode-pg")
    assert (url.database, url.query["host"], url.username) == (
        "shop",
        "/run/coursecode-pg",
        "postgres",
    )


def test_default_follows_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///orders.db")
    assert async_database_url().render_as_string() == "sqlite+aiosqlite:///orders.db"


def test_libpq_options_asyncpg_spells_differently_are_refused() -> None:
    with pytest.raises(DatabaseConfigError, match=r"does not take the libpq option\(s\) sslmode"):
        async_database_url("postgresql://u@h/db?sslmode=require")


def test_a_driver_without_an_asyncio_twin_is_refused() -> None:
    with pytest.raises(DatabaseConfigError, match="no asyncio driver for 'sqlite\\+pysqlcipher'"):
        async_database_url("sqlite+pysqlcipher:///secret.db")


def test_sqlite_enforces_foreign_keys() -> None:
    async def foreign_keys() -> int:
        engine = get_async_engine("sqlite://")
        try:
            async with engine.connect() as conn:
                return (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
        finally:
            await engine.dispose()

    assert asyncio.run(foreign_keys()) == 1


@pytest.mark.databases
def test_the_same_database_through_the_async_driver(database_url: str | None) -> None:
    async def answer() -> tuple[str, int]:
        engine = get_async_engine(database_url)
        try:
            async with engine.connect() as conn:
                return engine.dialect.driver, (await conn.execute(text("SELECT 41 + 1"))).scalar()
        finally:
            await engine.dispose()

    driver, value = asyncio.run(answer())
    assert driver in ("aiosqlite", "asyncpg")
    assert value == 42
