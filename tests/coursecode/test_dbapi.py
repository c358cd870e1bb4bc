import socket
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from coursecode.dbapi import CONNECT_TIMEOUT, adapt, connect, qmark_to_format, shared_database
from coursecode.dbapi import backend as backend_of


def test_default_is_in_memory_sqlite_with_foreign_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with closing(connect()) as conn:
        assert isinstance(conn, sqlite3.Connection)
        assert backend_of(conn) == "sqlite"
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert conn.execute("PRAGMA database_list").fetchone()[2] == ""  # in memory


def test_a_sqlite_file_url_opens_that_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    with closing(connect(f"sqlite:///{path}")) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
    assert path.exists()


@pytest.mark.databases
def test_connect_reaches_the_configured_database(database_url: str | None, backend: str) -> None:
    with closing(connect(database_url)) as conn:
        assert backend_of(conn) == backend
        cur = conn.cursor()
        cur.execute(adapt(conn, "SELECT ? + 1"), (41,))
        assert cur.fetchone() == (42,)
        conn.rollback()


@pytest.mark.parametrize(
    ("url", "kwargs", "expected"),
    [
        ("postgresql://u@db.example/shop", {}, CONNECT_TIMEOUT),
        ("postgresql://u@db.example/shop", {"connect_timeout": 3}, 3),
        ("postgresql://u@db.example/shop?connect_timeout=30", {"connect_timeout": 3}, "30"),
    ],
)
def test_postgresql_connections_get_a_connect_timeout(
    monkeypatch: pytest.MonkeyPatch, url: str, kwargs: dict[str, int], expected: object
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(psycopg2, "connect", lambda **args: seen.update(args))
    connect(url, **kwargs)
    assert seen == {
        "user": "u",
        "host": "db.example",
        "dbname": "shop",
        "connect_timeout": expected,
    }
    assert CONNECT_TIMEOUT == 10


def test_connect_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        connect("postgresql://u@db.example/shop", connect_timeout=0)


def test_a_server_that_never_answers_times_out_instead_of_hanging() -> None:
    # A listening socket that nobody serves: the TCP connection succeeds, the startup reply never
    # comes. Without connect_timeout libpq would wait for ever; the thread bounds the test itself.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"postgresql://u@127.0.0.1:{silent.getsockname()[1]}/shop"
        outcome: list[BaseException] = []

        def attempt() -> None:
            try:
                connect(url, connect_timeout=1)
            except psycopg2.OperationalError as exc:
                outcome.append(exc)

        start = time.monotonic()
        thread = threading.Thread(target=attempt, daemon=True)
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "connect() still waiting after 20 s"
    assert len(outcome) == 1 and "timeout expired" in str(outcome[0])
    assert time.monotonic() - start < 10


def test_adapt_leaves_sqlite_statements_alone() -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        assert adapt(conn, "SELECT ? WHERE '%' = ?") == "SELECT ? WHERE '%' = ?"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        ("SELECT '?' , ?", "SELECT '?' , %s"),
        ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = %s'),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
        ("SELECT 1", "SELECT 1"),
    ],
)
def test_qmark_to_format_rewrites_placeholders_only(sql: str, expected: str) -> None:
    assert qmark_to_format(sql) == expected


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM t WHERE name LIKE 'a%' AND id = ?", "'%'"),
        ("SELECT ? -- why?", "'--'"),
        ("SELECT ? /* why? */", "'/\\*'"),
        ("SELECT 'open ?", "unterminated"),
    ],
)
def test_qmark_to_format_refuses_what_it_cannot_rewrite_safely(sql: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        qmark_to_format(sql)


def test_shared_database_gives_in_memory_sqlite_a_file_for_its_lifetime(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with shared_database() as url:
        path = Path(url.removeprefix("sqlite:///"))
        with closing(connect(url)) as first, closing(connect(url)) as second:
            with first:
                first.execute("CREATE TABLE t (x INTEGER)")
                first.execute("INSERT INTO t VALUES (1)")
            assert second.execute("SELECT x FROM t").fetchall() == [(1,)]
        assert path.exists()
    assert not path.parent.exists()


def test_shared_database_keeps_a_url_that_is_already_shareable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    with shared_database(url) as shared:
        assert shared == url
    with shared_database("postgresql://u@h/db") as shared:
        assert shared == "postgresql+psycopg2://u@h/db"
