"""pool_cost.py: a pool saves the cost of a connection per query, a saving that shrinks to
little for a query that does real work; a pool smaller than the threads makes them queue."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT
from tests.support.timing import measure_until

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "pool_cost.py"


def holds(f: dict[str, float]) -> bool:
    # Typically 3x (SQLite file) and 20x (PostgreSQL over a Unix socket) for SELECT 1; 1-2.5x
    # for the aggregate. 8 threads holding a connection 10 ms each: about 4x with a pool of 8.
    return (
        f["cheap_pooled_speedup_x"] > 1.5
        and f["heavy_pooled_speedup_x"] < f["cheap_pooled_speedup_x"] / 1.5
        and f["pool_of_8_speedup_x"] > 2
    )


def test_pooling_gains_and_limits(database_url: str | None, backend: str) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    assert {"cheap_pre_ping_s", "pre_ping_cost_x", "threads_pool_of_2_s"} <= set(first)
    figures = measure_until(SNIPPET, holds, first, database_url=database_url)
    assert holds(figures), figures
    if backend == "postgresql":
        # Pre-ping adds a round trip to every checkout: typically 1.2-1.4x for SELECT 1 over a
        # Unix socket, where SQLAlchemy's own work per query is most of the cost.
        figures = measure_until(
            SNIPPET, lambda f: f["pre_ping_cost_x"] > 1.05, figures, database_url=database_url
        )
        assert figures["pre_ping_cost_x"] > 1.05, figures
