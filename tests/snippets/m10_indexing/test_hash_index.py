"""PostgreSQL's hash index: smaller than a B-tree on long keys and at least as fast for
equality. SQLite has none."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m10_indexing" / "hash_index.py"


def test_hash_index_is_smaller_and_not_slower(backend: str, database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    assert figures["btree_found_n"] == 20_000, "every probe is found through the B-tree"
    assert figures["btree_mib"] > 0
    assert figures["btree_lookup_s"] > 0
    if backend == "sqlite":
        assert "hash_mib" not in figures, "SQLite has no hash index to measure"
        return
    assert figures["hash_found_n"] == 20_000, "and through the hash index"
    # Each entry holds a 4-byte hash instead of a ~120-byte key: typically 2.5-4.5x smaller.
    assert figures["hash_smaller_x"] > 1.5
    # Typically 1.7-3.3x faster: one bucket instead of a descent comparing long strings.
    assert figures["hash_lookup_speedup_x"] > 1.0
