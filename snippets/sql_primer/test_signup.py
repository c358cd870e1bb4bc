# test: databases
# ruff: noqa: S101  (a pytest module: assert is how pytest checks)
"""Testing database code with pytest: each test runs inside a transaction that is rolled back.

Run it with ``pytest snippets/sql_primer/test_signup.py`` (add ``DATABASE_URL=...`` for
PostgreSQL), or as a script: ``python snippets/sql_primer/test_signup.py`` runs pytest on this
file and prints one line per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from signup import EmailTaken, customer_count, sign_up
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from coursecode.db import get_engine
from coursecode.shop import Customer, create_schema


# --8<-- [start:fixtures]
@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """One engine and one schema for the whole run (DATABASE_URL, else in-memory SQLite)."""
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        make_sqlite_savepoints_work(engine)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test, whatever it did."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """The session the code under test uses: its commit() releases a SAVEPOINT and its
    rollback() rolls back to one, so the outer transaction survives both."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


# --8<-- [end:fixtures]


# --8<-- [start:sqlite]
def make_sqlite_savepoints_work(engine: Engine) -> None:
    """sqlite3's default transaction handling sends no BEGIN before a SAVEPOINT, so the outer
    transaction never starts and releasing a savepoint commits for good. Let SQLAlchemy send
    BEGIN instead (SQLAlchemy 2 docs, "Transactions with SQLite and the sqlite3 driver")."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _explicit_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")


# --8<-- [end:sqlite]


# --8<-- [start:tests]
JOINED = datetime(2025, 1, 6, 9, 30)


def test_sign_up_stores_a_lower_cased_email(session: Session) -> None:
    customer_id = sign_up(session, "Asha", "Asha@Example.com", "GB", JOINED)  # commits
    assert session.get(Customer, customer_id).email == "asha@example.com"
    assert customer_count(session) == 1


def test_the_previous_tests_commit_was_rolled_back(session: Session) -> None:
    assert customer_count(session) == 0


def test_a_taken_email_is_refused_and_earlier_work_survives(session: Session) -> None:
    sign_up(session, "Asha", "asha@example.com", "GB", JOINED)
    with pytest.raises(EmailTaken):
        sign_up(session, "Asha again", "ASHA@example.com", "GB", JOINED)
    assert customer_count(session) == 1  # the rollback undid only the failed sign-up


# --8<-- [end:tests]


# --8<-- [start:run]
class Outcomes:
    """A pytest plugin that records each test's outcome, for a summary without timings."""

    def __init__(self) -> None:
        self.results: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":
            self.results[report.nodeid.rpartition("::")[2]] = report.outcome


if __name__ == "__main__":
    outcomes = Outcomes()
    exit_code = pytest.main([__file__, "-q", "-p", "no:cacheprovider"], plugins=[outcomes])
    for name, outcome in outcomes.results.items():
        print(outcome, name)
        #> passed test_sign_up_stores_a_lower_cased_email
        #> passed test_the_previous_tests_commit_was_rolled_back
        #> passed test_a_taken_email_is_refused_and_earlier_work_survives
    print("exit code:", int(exit_code))
    #> exit code: 0
# --8<-- [end:run]
