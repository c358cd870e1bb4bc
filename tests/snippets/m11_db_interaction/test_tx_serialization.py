"""tx_serialization.py's retry loop: bounded, and only for errors a retry can cure."""

from __future__ import annotations

import runpy

import pytest
from sqlalchemy.exc import IntegrityError

from coursecode.dbapi import shared_database
from coursecode.inventory import create_stock, transactional_engine
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "tx_serialization.py"


@pytest.fixture
def snippet(monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.syspath_prepend(str(SNIPPET.parent))  # for its import of tx_lost_update
    return runpy.run_path(str(SNIPPET), run_name="m11_tx_serialization")


def test_an_error_a_retry_cannot_cure_is_raised_at_once(snippet: dict, database_url) -> None:
    attempts = []

    def overdraw(conn, attempt: int) -> None:
        attempts.append(attempt)
        snippet["write_quantity"](conn, 1, -1)  # the CHECK constraint refuses it every time

    with shared_database(database_url) as url:
        engine = transactional_engine(url)
        try:
            create_stock(engine, {1: 10})
            with pytest.raises(IntegrityError):
                snippet["run_transaction"](engine, overdraw, attempts=5)
        finally:
            engine.dispose()
    assert attempts == [1]


def test_at_least_one_attempt(snippet: dict) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        snippet["run_transaction"](None, lambda conn, attempt: None, attempts=0)
