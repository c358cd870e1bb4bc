"""query_profiling.py: listening to engine events costs little next to the statements it times."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.snippets.db_techniques.conftest import FOLDER
from tests.support.timing import measure_until

SNIPPET = FOLDER / "query_profiling.py"

pytestmark = pytest.mark.databases


def test_the_listeners_add_a_modest_overhead(database_url: str | None) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    figures = measure_until(
        SNIPPET,
        lambda f: f["query_log_overhead_x"] < 2 and f["slow_log_overhead_x"] < 2,
        first,
        database_url,
    )
    assert figures["lookups_n"] == 300
    # Two perf_counter() calls, a list append and a dataclass per statement: typically 1.0-1.3x
    # of an in-memory SQLite primary-key lookup, less on PostgreSQL, where a lookup costs more.
    # A listener that did real work per statement (formatting, I/O) would break this bound.
    assert figures["query_log_overhead_x"] < 2, figures
    assert figures["slow_log_overhead_x"] < 2, figures
    assert figures["plain_s"] > 0
