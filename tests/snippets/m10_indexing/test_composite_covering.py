"""Column order and covering indexes, measured: in time on SQLite, in pages on PostgreSQL
(whose heap pages are all cached at this size, so time differences are small)."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.shop import load
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m10_indexing" / "composite_covering.py"


def test_equality_first_and_covering_pay(backend: str, database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    if backend == "sqlite":
        # Typically 2.5-7x and 1.5-3x.
        assert figures["equality_first_speedup_x"] > 1.5
        assert figures["covering_speedup_x"] > 1.2
        return
    # The range-first index reads every entry of the quarter, the equality-first one only the
    # customer's; the covering index never visits the table's pages.
    assert figures["equality_first_pages_x"] > 2
    assert figures["covering_pages_x"] > 3


def test_variants_that_disagree_are_not_timed(database_url: str | None) -> None:
    snippet = runpy.run_path(str(SNIPPET), run_name="m10_composite")
    engine = get_engine(database_url)
    try:
        load(engine, "tiny")
        variants = {
            "a": "CREATE INDEX ix_a ON orders (customer_id)",
            "b": "CREATE INDEX ix_b ON orders (status)",
        }
        # The copies hold the same rows, so only a query that is not a function of them (here a
        # random number) can disagree; a wrong rewrite would, too.
        with pytest.raises(RuntimeError, match="different rows"):
            snippet["timed"](engine, "SELECT random() FROM orders LIMIT 1", [{}], variants)
    finally:
        engine.dispose()
