"""commit_per_row.py: one transaction for many rows is many times faster than a commit per row."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "sql_primer" / "commit_per_row.py"


def test_one_commit_beats_a_commit_per_row(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    assert set(figures) == {
        "commit_each_s",
        "one_transaction_s",
        "executemany_once_s",
        "commit_each_unsynced_s",
        "rows_n",
        "one_transaction_speedup_x",
        "executemany_once_speedup_x",
        "commit_each_unsynced_speedup_x",
    }
    assert figures["rows_n"] == 40
    # Typically 20-600x: every commit waits for the disk. Even where syncing is nearly free, a
    # commit per row still costs a statement (and on PostgreSQL a round trip) per row.
    assert figures["one_transaction_speedup_x"] > 2, figures
    assert figures["executemany_once_speedup_x"] > 2, figures
