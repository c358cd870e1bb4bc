"""tx_savepoint.py: one ON CONFLICT statement beats a savepoint per row, with the same rows."""

from __future__ import annotations

import runpy
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from coursecode.bench import measure_snippet
from coursecode.dbapi import shared_database
from coursecode.inventory import transactional_engine
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "tx_savepoint.py"


def test_on_conflict_is_faster_than_a_savepoint_per_row(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    assert figures["rows_n"] == 200
    # Typically 5-15x at this size (3 statements per row against one executemany); at bench
    # size 12x on PostgreSQL and 70x on SQLite (docs/data/bench.json).
    assert figures["on_conflict_speedup_x"] > 2, figures


@pytest.fixture
def snippet() -> dict:
    return runpy.run_path(str(SNIPPET), run_name="m11_tx_savepoint")


@pytest.fixture
def engine(database_url: str | None) -> Iterator[Engine]:
    with shared_database(database_url) as url:
        engine = transactional_engine(url)
        yield engine
        engine.dispose()


def test_a_clean_batch_is_imported_whole(snippet: dict, engine: Engine) -> None:
    snippet["fresh_shop"](engine)
    assert snippet["import_all_or_nothing"](engine, snippet["sign_ups"](3)) == "imported"
    assert snippet["customer_count"](engine) == 4


def test_a_wrong_import_is_refused_before_it_is_timed(snippet: dict, engine: Engine) -> None:
    def import_nothing(engine: Engine, rows: list) -> None:
        pass

    with pytest.raises(RuntimeError, match="import_nothing imported the wrong number"):
        snippet["timed_import"](engine, import_nothing, snippet["sign_ups"](3))
