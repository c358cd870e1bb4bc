"""bulk_load.py: every batch path beats a commit per row, and on PostgreSQL the paths that send
fewer statements (execute_values, COPY, insertmanyvalues) beat psycopg2's executemany loop."""

from __future__ import annotations

import runpy

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from tests.conftest import ROOT
from tests.support.timing import measure_until

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "bulk_load.py"
EVERYWHERE = ["row_by_row_commit", "executemany", "core_insert", "orm_bulk_insert", "orm_add_all"]
POSTGRES_ONLY = ["execute_batch", "execute_values", "copy"]


def holds_on(backend: str):
    def holds(f: dict[str, float]) -> bool:
        batched = all(f[f"{name}_speedup_x"] > 2 for name in EVERYWHERE[1:])
        # Objects, and on SQLite one INSERT ... RETURNING per row, cost more than plain dicts.
        objects = f["orm_add_all_s"] > 1.3 * f["core_insert_s"]
        if backend == "sqlite":
            return batched and objects
        fewer_statements = (
            f["execute_values_s"] < f["executemany_s"] / 1.5
            and f["copy_s"] < f["executemany_s"] / 2
            and f["core_insert_s"] < f["executemany_s"]
        )
        return batched and objects and fewer_statements

    return holds


def test_batch_paths_beat_a_commit_per_row(database_url: str | None, backend: str) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    names = EVERYWHERE + (POSTGRES_ONLY if backend == "postgresql" else [])
    speedups = {f"{name}_speedup_x" for name in names[1:]}
    assert set(first) == {f"{name}_s" for name in names} | speedups | {"rows_n"}
    assert first["rows_n"] == 300
    # Typically 8-50x on PostgreSQL and 50-500x on a SQLite file for 300 rows; COPY 3-6x and
    # execute_values 2-4x as fast as executemany on PostgreSQL.
    figures = measure_until(SNIPPET, holds_on(backend), first, database_url)
    assert holds_on(backend)(figures), figures


def test_a_load_that_loses_rows_is_refused(database_url: str | None) -> None:
    snippet = runpy.run_path(str(SNIPPET), run_name="m11_bulk_load")
    engine = get_engine(database_url)
    try:
        snippet["create_table"](engine)
        snippet["core_insert"](engine, snippet["rows_to_load"](5))
        snippet["check_stored"](engine, "core_insert", 5)
        with pytest.raises(RuntimeError, match="stored 5 of 6 rows"):
            snippet["check_stored"](engine, "core_insert", 6)
    finally:
        engine.dispose()
