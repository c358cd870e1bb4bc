"""Fetching whole ORM objects costs more per row than plain rows; measured, not assumed."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m09_queries" / "orm_vs_core_vs_raw.py"


def test_orm_entities_cost_more_than_rows(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # Typically 8-15x the raw cursor's time for about 4,500 rows.
    assert figures["orm_entities_vs_raw_x"] > 2
    # Asking the ORM for columns instead of entities skips object construction.
    assert figures["orm_entities_s"] > 1.5 * figures["orm_columns_s"]
    assert set(figures) == {
        "raw_s",
        "core_s",
        "orm_entities_s",
        "orm_columns_s",
        "core_vs_raw_x",
        "orm_entities_vs_raw_x",
        "orm_columns_vs_raw_x",
    }
