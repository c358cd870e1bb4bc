"""B-tree depth grows slowly with the rows and faster with the key's width; lookups stay flat."""

from __future__ import annotations

import pytest

from coursecode.bench import measure_snippet
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m10_indexing" / "btree_shape.py"


def test_wide_keys_mean_low_fanout_and_more_levels(database_url: str | None) -> None:
    figures = measure_snippet(SNIPPET, size="test", database_url=database_url)
    assert figures["rows_n"] == 100_000
    # An integer fits hundreds of entries on a page; a ~90-character URL only dozens.
    assert figures["int_fanout_n"] > 2 * figures["url_fanout_n"]
    assert figures["int_per_leaf_n"] > 3 * figures["url_per_leaf_n"]
    assert 2 <= figures["int_levels_n"] < figures["url_levels_n"] <= 5
    # 100 times the rows, about the same time per lookup (typically 0.8-1.3x): a level or two
    # more to descend is nothing next to the statement's own overhead.
    assert figures["lookup_growth_x"] < 3
