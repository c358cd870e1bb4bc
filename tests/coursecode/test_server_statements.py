"""coursecode.server_statements: what the database ran, counted on the database's side."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, text, update

from coursecode.db import get_engine
from coursecode.dbapi import shared_database
from coursecode.server_statements import Tally, server_statements

METADATA = MetaData()
THINGS = Table("things", METADATA, Column("id", Integer, primary_key=True), Column("name", String))


@pytest.fixture
def engine(database_url: str | None):
    engine = get_engine(database_url)
    METADATA.create_all(engine)
    yield engine
    engine.dispose()


@pytest.mark.databases
def test_counts_statements_and_messages(engine, backend: str) -> None:
    rows = [{"id": i, "name": f"thing {i}"} for i in range(1, 6)]
    with server_statements(engine, "things", "insert") as counter:
        with engine.begin() as conn:
            conn.execute(insert(THINGS), rows)  # one executemany call from SQLAlchemy
            conn.execute(text("SELECT count(*) FROM things"))  # not an INSERT: not counted
        inserted = counter.take()
        with engine.begin() as conn:
            conn.execute(update(THINGS).values(name="renamed"))
        assert counter.take() == Tally(0, None if backend == "sqlite" else 0)
    if backend == "sqlite":  # sqlite3's executemany runs the statement once per row
        assert inserted == Tally(5, None)
    else:  # psycopg2 through insertmanyvalues: one multi-row INSERT
        assert inserted == Tally(1, 1)


@pytest.mark.databases
def test_updates_and_deletes(engine, backend: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(THINGS), [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
    with server_statements(engine, "things", "UPDATE") as updates:
        with engine.begin() as conn:
            conn.execute(text("UPDATE things SET name = 'x' WHERE id = 1"))
            conn.execute(text("UPDATE \"things\" SET name = 'y' WHERE id = 2"))
        assert updates.take().statements == 2
    with server_statements(engine, "things", "DELETE") as deletes:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM things"))
        assert deletes.take().statements == 1


@pytest.mark.databases
def test_an_invalidated_connection_is_handled(database_url: str | None) -> None:
    # A file on SQLite: an in-memory database would vanish with the invalidated connection.
    with shared_database(database_url) as url:
        engine = get_engine(url)
        METADATA.create_all(engine)
        try:
            with server_statements(engine, "things", "INSERT") as counter:
                with engine.connect() as conn:
                    conn.invalidate()  # closed: checked in without a driver connection
                with engine.begin() as conn:
                    conn.execute(insert(THINGS), [{"id": 1, "name": "a"}])
                assert counter.take().statements == 1
        finally:
            engine.dispose()


def test_sqlite_variants_of_insert_are_recognised() -> None:
    engine = get_engine("sqlite://")
    METADATA.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE things_archive (id INTEGER)"))
    with server_statements(engine, "things") as counter, engine.begin() as conn:
        conn.execute(text("INSERT OR REPLACE INTO things (id, name) VALUES (1, 'a')"))
        conn.execute(text("insert into things(id, name) values (2, 'b')"))
        conn.execute(text("INSERT INTO things_archive (id) VALUES (1)"))  # another table
    assert counter.take() == Tally(2, None)


@pytest.mark.parametrize(
    ("table", "verb", "message"),
    [("things", "SELECT", "verb must be one of"), ("things; DROP", "INSERT", "not a plain table")],
)
def test_refuses_what_it_cannot_count(table: str, verb: str, message: str) -> None:
    with pytest.raises(ValueError, match=message), server_statements(engine_for(), table, verb):
        pass


def engine_for():
    return get_engine("sqlite://")
