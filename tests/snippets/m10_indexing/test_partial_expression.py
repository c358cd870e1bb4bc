"""A partial index holds a few percent of the rows; an expression index turns a scan into a
search."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m10_indexing" / "partial_expression.py"


def test_partial_is_small_and_expression_index_is_fast(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # About 3% of orders are pending: typically 8-15x smaller (page granularity).
    assert figures["partial_smaller_x"] > 4
    # Typically 2.5-5x for 1,000 customers, round trips included.
    assert figures["expression_speedup_x"] > 1.5
