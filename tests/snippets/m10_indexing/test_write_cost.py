"""Every index makes inserts slower and the table bigger."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m10_indexing" / "write_cost.py"


def test_each_index_costs_space_and_time(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    sizes = [figures[f"size_{n}_indexes_mib"] for n in range(5)]
    assert sizes == sorted(sizes) and len(set(sizes)) == 5, sizes
    assert figures["size_growth_x"] > 1.8
    # Typically 3-6x slower with four secondary indexes than with none.
    assert figures["insert_slowdown_x"] > 1.5
