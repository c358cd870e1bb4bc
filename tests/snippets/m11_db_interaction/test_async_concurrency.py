"""async_concurrency.py: waits overlap; work overlaps no further than the cores allow."""

from __future__ import annotations

import os

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "async_concurrency.py"


def test_waits_overlap_and_work_is_bounded(database_url: str | None, backend: str) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    assert figures["queries_n"] == 8
    if backend == "postgresql":
        # 8 sleeps of 20 ms at once take about one sleep: up to 8x (typically 6-8x). A third of
        # that is far above anything noise on a busy machine produces.
        assert figures["wait_speedup_x"] > 3, figures
        assert figures["wait_speedup_x"] > figures["work_speedup_x"], figures
    else:
        # SQLite has nothing to wait for, so the example measures no waiting queries...
        assert "wait_speedup_x" not in figures
        # ...and its work runs on this machine's cores: no more than one query per core at once.
        assert figures["work_speedup_x"] < (os.cpu_count() or 1) + 0.5, figures
