"""JSON lookups: an expression index (SQLite) and a GIN index (PostgreSQL) replace a scan that
parses every document; only GIN reaches inside arrays."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.indexes import explain_sent
from coursecode.measure import count_queries
from coursecode.shop import load
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m10_indexing" / "json_indexes.py"


def test_indexes_serve_json_lookups(backend: str, database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    # Typically 8x (PostgreSQL, JSONB is pre-parsed) to 200x (SQLite parses JSON text per row).
    assert figures["tracking_speedup_x"] > 2
    assert 0 < figures["index_mib"] < figures["table_mib"]
    if backend == "postgresql":
        # The same GIN index answers array containment: typically 4x.
        assert figures["tags_speedup_x"] > 1.5


def test_only_the_exact_expression_uses_sqlite_index(backend: str, database_url: str | None):
    snippet = runpy.run_path(str(SNIPPET), run_name="m10_json")
    engine = get_engine(database_url)
    try:
        data = load(engine, "small")
        snippet["fill"](engine, data)
        snippet["json_index"](backend).create(engine)
        snippet["vacuum_analyze"](engine)
        tracking = snippet["document"](data.orders[0], "GB")["tracking"]
        events = snippet["events"]
        queries = {
            "tracking": snippet["by_tracking"](backend, tracking),
            "tag": snippet["with_tag"](backend, "express"),
            "generic": events.select().where(events.c.payload["tracking"].as_string() == tracking),
        }
        plans = {}
        for name, stmt in queries.items():
            with engine.connect() as conn, count_queries(engine) as log:
                rows = conn.execute(stmt).all()
            assert rows, name
            with engine.connect() as conn:
                plans[name] = explain_sent(conn, log.statements[0])
        # The documented query uses the index on both databases...
        assert "ix_order_events" in plans["tracking"]
        # ...the JSON operator with a bound path does not (SQLite: not the indexed
        # expression; PostgreSQL: ->> is not an operator the GIN index serves).
        assert "ix_order_events" not in plans["generic"]
        # Array elements: GIN yes, SQLite's json_each no.
        assert ("ix_order_events" in plans["tag"]) == (backend == "postgresql")
    finally:
        engine.dispose()
