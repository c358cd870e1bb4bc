"""pool_settings.py's helpers: waiting for a PostgreSQL backend to exit is bounded."""

from __future__ import annotations

import runpy

import pytest

from coursecode.db import get_engine
from tests.conftest import ROOT

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "pool_settings.py"


@pytest.fixture
def snippet() -> dict:
    return runpy.run_path(str(SNIPPET), run_name="m11_pool_settings")


def test_wait_until_gives_up_after_its_timeout(snippet: dict) -> None:
    assert snippet["wait_until"](lambda: True, timeout=0.05)
    assert not snippet["wait_until"](lambda: False, timeout=0.05)


@pytest.mark.postgres
def test_a_backend_that_does_not_exit_is_reported(
    snippet: dict, database_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop = snippet["drop_pooled_connection"]
    monkeypatch.setitem(drop.__globals__, "wait_until", lambda done, timeout: False)
    engine = get_engine(database_url)
    try:
        with pytest.raises(RuntimeError, match="did not exit within 5 s"):
            drop(engine)
    finally:
        engine.dispose()
