"""The primer's unmeasured examples, imported as modules: their functions do what the page says,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import runpy
from collections.abc import Callable, Iterator
from contextlib import closing, redirect_stdout
from typing import Any

import pytest

from coursecode.dbapi import DBAPIConnection, connect, shared_database
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPETS = ROOT / "snippets" / "sql_primer"


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], dict[str, Any]]:
    monkeypatch.syspath_prepend(str(SNIPPETS))  # the examples import shop_tables

    def load(name: str) -> dict[str, Any]:
        # Not run as __main__: the demo stays quiet and only the definitions are tested.
        return runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name=f"sql_primer_{name}")

    return load


@pytest.fixture
def shop(database_url: str | None, load: Callable[[str], dict[str, Any]]) -> Iterator[Any]:
    """A connection to a database holding the primer's shop and its sample rows."""
    tables = load("shop_tables")
    with closing(connect(database_url)) as conn:
        tables["create_tables"](conn)
        tables["add_sample_rows"](conn)
        yield conn


def test_joins_filter_groups_with_having(shop: DBAPIConnection, load: Any) -> None:
    joins = load("joins")
    assert joins["rows"](shop, joins["BIG_SPENDERS_IN"], ("DE", 1000)) == [("Bruno", 2600)]
    assert joins["rows"](shop, joins["BIG_SPENDERS_IN"], ("DE", 2600)) == []  # HAVING is strict


def test_crud_round_trip(shop: DBAPIConnection, load: Any) -> None:
    crud = load("crud")
    new_id = crud["add_customer"](shop, "erin@example.com", "Erin", "NL")
    assert new_id > 4
    assert crud["add_customers"](shop, [("gwen@example.com", "Gwen", "NL")]) == 1
    shop.commit()
    columns, rows = crud["customers_in"](shop, "NL")
    assert columns == ["id", "name", "email"]
    assert [row[1] for row in rows] == ["Erin", "Gwen"]
    # fetchmany batches of 4 over 6 rows: a full batch, a short one, then an empty list.
    assert len(list(crud["iter_emails"](shop, batch=4))) == 6
    assert crud["move_customers"](shop, "NL", "BE") == 2
    assert crud["move_customers"](shop, "NL", "BE") == 0
    assert crud["delete_customer"](shop, "gwen@example.com")
    shop.commit()
    assert crud["first_customer"](shop) == (1, "Asha")


def test_fetchone_returns_none_on_an_empty_result(database_url: str | None, load: Any) -> None:
    crud, tables = load("crud"), load("shop_tables")
    with closing(connect(database_url)) as conn:
        tables["create_tables"](conn)
        assert crud["first_customer"](conn) is None


def test_bound_parameters_and_allow_list(shop: DBAPIConnection, load: Any) -> None:
    params = load("parameters")
    assert params["names_positional"](shop, "GB", 1) == params["names_named"](shop, "GB", 1)
    assert params["emails_named"](shop, "x' OR '1'='1") == []
    assert params["names_sorted"](shop, "name") == ["Asha", "Bruno", "Chen", "Dana"]
    with pytest.raises(ValueError, match="sort must be one of"):
        params["names_sorted"](shop, "id; DROP TABLE customers")
    shop.rollback()


def test_transfers_to_or_from_a_missing_account_change_nothing(
    database_url: str | None, load: Any
) -> None:
    ledger = load("transactions")
    with shared_database(database_url) as url, closing(connect(url)) as conn:
        ledger["open_accounts"](conn)
        before = ledger["balances"](conn)
        with pytest.raises(LookupError, match="no account 9"):
            ledger["transfer"](conn, source=1, target=9, cents=100)
        with pytest.raises(LookupError, match="no account 9"):
            ledger["transfer"](conn, source=9, target=1, cents=100)
        assert ledger["balances"](conn) == before
        ledger["transfer"](conn, source=2, target=1, cents=5_000)  # down to exactly zero
        assert ledger["balances"](conn) == {"Asha": 15_000, "Bruno": 0}


def test_is_open_follows_close(database_url: str | None, load: Any) -> None:
    connections = load("connections")
    conn = connect(database_url)
    with conn:
        pass
    assert connections["is_open"](conn)
    conn.close()
    assert not connections["is_open"](conn)


def test_driver_differences_leave_no_transaction_open(
    database_url: str | None, load: Any, backend: str
) -> None:
    differences = load("driver_differences")
    with closing(connect(database_url)) as conn:
        with redirect_stdout(io.StringIO()) as out:
            differences["run"](conn)
        cur = conn.cursor()
        cur.execute("SELECT id, body FROM notes")
        assert cur.fetchall() == [(7, "hello")]
    expected = "qmark" if backend == "sqlite" else "pyformat"
    assert expected in out.getvalue()
