import pytest
from sqlalchemy import text

from coursecode.db import (
    DEFAULT_URL,
    DatabaseConfigError,
    backend,
    database_url,
    get_engine,
    server_version,
)


def test_default_is_in_memory_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = database_url()
    assert url == database_url(DEFAULT_URL)
    assert (url.get_backend_name(), url.database) == ("sqlite", ":memory:")


def test_environment_variable_wins_over_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///shop.db")
    assert database_url().database == "shop.db"


def test_plain_postgresql_url_is_pinned_to_psycopg2() -> None:
    assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg2"
    assert database_url("postgres://u@h/db").drivername == "postgresql+psycopg2"


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "is not a database URL"), ("mysql://u@h/db", "unsupported database 'mysql'")],
)
def test_bad_urls_get_one_line_errors(url: str, message: str) -> None:
    with pytest.raises(DatabaseConfigError, match=message):
        database_url(url)


def test_sqlite_enforces_foreign_keys() -> None:
    engine = get_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


@pytest.mark.databases
def test_backend_and_version(database_url: str | None, request: pytest.FixtureRequest) -> None:
    expected = request.getfixturevalue("backend")
    engine = get_engine(database_url)
    assert backend(engine) == expected
    major = int(server_version(engine).split(".")[0])
    assert major >= (3 if expected == "sqlite" else 12)
