import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from coursecode.asyncdb import get_async_engine
from coursecode.db import get_engine
from coursecode.sqlite_transactions import begin_explicitly

READ = text("SELECT n FROM counter")
BUMP = text("UPDATE counter SET n = n + 1")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "counter.db"
    engine = get_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    engine.dispose()
    return path


def engine_for(path: Path, explicit: bool, **kwargs) -> Engine:
    engine = get_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05}, **kwargs)
    if explicit:
        begin_explicitly(engine)
    return engine


def reads_around_a_commit(engine: Engine) -> tuple[int, int]:
    with engine.connect() as reader, engine.connect() as writer:
        first = reader.scalar(READ)
        writer.execute(BUMP)
        writer.commit()
        second = reader.scalar(READ)
        reader.rollback()
    return first, second


@pytest.fixture
def wal(path: Path) -> Iterator[Path]:
    engine = get_engine(f"sqlite:///{path}")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode=WAL").scalar() == "wal"
    engine.dispose()
    yield path


def test_without_it_a_select_runs_outside_the_transaction(wal: Path) -> None:
    engine = engine_for(wal, explicit=False)
    assert reads_around_a_commit(engine) == (0, 1)  # the second read sees the commit
    engine.dispose()


def test_with_it_a_transaction_keeps_its_snapshot(wal: Path) -> None:
    engine = engine_for(wal, explicit=True)
    assert reads_around_a_commit(engine) == (0, 0)
    engine.dispose()


def test_immediate_takes_the_write_lock_at_begin(path: Path) -> None:
    engine = engine_for(path, explicit=True)
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as first:
        first.scalar(READ)  # BEGIN IMMEDIATE, then a mere read: the write lock is held
        with engine.connect() as second, pytest.raises(OperationalError, match="locked"):
            second.execution_options(sqlite_begin="IMMEDIATE").scalar(READ)
        first.rollback()
    engine.dispose()


def test_autocommit_sends_no_begin(path: Path) -> None:
    engine = engine_for(path, explicit=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM")  # refused inside a transaction
    with engine.connect() as conn, pytest.raises(OperationalError, match="VACUUM"):
        conn.exec_driver_sql("VACUUM")  # the same pooled connection, back in BEGIN mode
    engine.dispose()


def test_savepoints_stay_inside_the_transaction(path: Path) -> None:
    engine = engine_for(path, explicit=True)
    with engine.connect() as conn:
        conn.execute(BUMP)
        with conn.begin_nested():
            conn.execute(BUMP)
        conn.rollback()  # undoes both: the savepoint did not commit on its own
        assert conn.scalar(READ) == 0
    engine.dispose()


def test_async_engines_get_it_too(wal: Path) -> None:
    async def reads() -> tuple[int, int]:
        engine = get_async_engine(f"sqlite:///{wal}", connect_args={"timeout": 0.05})
        begin_explicitly(engine)
        try:
            async with engine.connect() as reader, engine.connect() as writer:
                first = await reader.scalar(READ)
                await writer.execute(BUMP)
                await writer.commit()
                return first, await reader.scalar(READ)
        finally:
            await engine.dispose()

    assert asyncio.run(reads()) == (0, 0)


def test_unknown_modes_are_refused(path: Path) -> None:
    with pytest.raises(ValueError, match="not 'EXCLUSIVELY'"):
        begin_explicitly(engine_for(path, explicit=False), mode="EXCLUSIVELY")
    engine = engine_for(path, explicit=True)
    with (
        pytest.raises(ValueError, match="not 'LATER'"),
        engine.connect().execution_options(sqlite_begin="LATER") as conn,
    ):
        conn.scalar(READ)
    engine.dispose()


def test_other_databases_are_left_alone() -> None:
    engine = create_engine("postgresql+psycopg2://u@h/db")  # never connects
    before = len(engine.dispatch.begin), len(engine.pool.dispatch.connect)
    begin_explicitly(engine)
    assert (len(engine.dispatch.begin), len(engine.pool.dispatch.connect)) == before
