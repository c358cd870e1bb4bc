"""tx_deadlock.py's helpers: every wait is bounded, and the deadlock_timeout fallback works."""

from __future__ import annotations

import runpy
import threading

import pytest
from sqlalchemy import text

from coursecode.db import get_engine
from tests.conftest import ROOT

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "tx_deadlock.py"
FOR_UPDATE = ROOT / "snippets" / "m11_db_interaction" / "tx_for_update.py"


@pytest.fixture(autouse=True)
def _sibling_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(SNIPPET.parent))  # the snippets import each other


def test_a_transaction_that_never_ends_is_reported() -> None:
    snippet = runpy.run_path(str(SNIPPET), run_name="m11_tx_deadlock")
    release = threading.Event()
    try:
        with pytest.raises(TimeoutError, match=r"still running after 0\.05 s"):
            snippet["side_by_side"](lambda: None, lambda: release.wait(5), deadline=0.05)
    finally:
        release.set()


def test_a_wait_that_never_ends_is_reported() -> None:
    snippet = runpy.run_path(str(FOR_UPDATE), run_name="m11_tx_for_update")
    with pytest.raises(TimeoutError, match=r"gave up after 0\.05 s waiting until never"):
        snippet["wait_until"](lambda: False, "never", timeout=0.05)


def test_without_the_right_to_set_deadlock_timeout_the_transaction_goes_on() -> None:
    # SQLite has no SET: the statement fails as it would for a PostgreSQL role without the
    # right, and the connection must still be usable afterwards.
    snippet = runpy.run_path(str(SNIPPET), run_name="m11_tx_deadlock")
    engine = get_engine()
    try:
        with engine.connect() as conn:
            snippet["lower_deadlock_timeout"](conn)
            assert conn.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()
