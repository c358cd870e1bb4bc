"""async_lazy_loading.py: MissingGreenlet is recognised however the driver delivers it."""

from __future__ import annotations

import runpy

import pytest
from sqlalchemy.exc import InvalidRequestError, MissingGreenlet, StatementError

from tests.conftest import ROOT

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "async_lazy_loading.py"


@pytest.fixture(scope="module")
def snippet() -> dict:
    return runpy.run_path(str(SNIPPET), run_name="m11_async_lazy_loading")


def test_error_name_looks_through_the_statement_error(snippet: dict) -> None:
    # asyncpg raises MissingGreenlet itself; aiosqlite (SQLAlchemy 2.1) wraps it.
    wrapped = StatementError("lazy load", "SELECT ...", {}, MissingGreenlet("no greenlet"))
    assert snippet["error_name"](MissingGreenlet("no greenlet")) == "MissingGreenlet"
    assert snippet["error_name"](wrapped) == "MissingGreenlet"
    assert snippet["error_name"](InvalidRequestError("other")) == "InvalidRequestError"
