"""server_side_cursors.py: on PostgreSQL a named cursor delivers its first rows sooner and holds
far less memory than a client-side cursor, which receives the whole result in execute()."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT
from tests.support.timing import measure_until

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "server_side_cursors.py"


def named_cursor_pays(f: dict[str, float]) -> bool:
    # About 15,000 rows: typically 2-5x sooner (40x at 150,000 rows), 0.8 MiB against nearly
    # nothing held; batches of 20 rows cost a round trip each and take 1.5-2x as long.
    return (
        f["first_row_speedup_x"] > 1.3
        and f["client_held_mib"] > f["named_held_mib"] + 0.25
        and f["tiny_batches_slowdown_x"] > 1.1
    )


def test_named_cursor_on_postgresql_client_cursor_everywhere(
    database_url: str | None, backend: str
) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    if backend == "sqlite":  # no server-side cursors: the ordinary cursor only
        assert set(first) == {"client_first_row_s", "client_all_s"}
        # sqlite3 computes rows on demand: the first row comes long before the last.
        assert first["client_first_row_s"] < first["client_all_s"] / 10
        return
    assert {"named_first_row_s", "client_held_mib", "named_held_mib"} <= set(first)
    figures = measure_until(SNIPPET, named_cursor_pays, first, database_url=database_url)
    assert named_cursor_pays(figures), figures
