"""generators.py: the pipeline gives the list version's answer at a tiny fraction of its peak."""

from __future__ import annotations

import itertools
import runpy
import sys
from collections import Counter
from collections.abc import Iterable, Iterator

import pytest

from tests.conftest import ROOT

# Branches on the Python version: `nox -s pythons` runs it on every supported Python.
pytestmark = pytest.mark.pythons

SNIPPET = ROOT / "snippets/m08_memory_efficient/generators.py"
GENERATORS = runpy.run_path(str(SNIPPET), run_name="m08_generators")


def test_pipeline_peak_is_far_below_the_lists(first: dict[str, float]) -> None:
    # Thousands of times lower at the test size (20,000 lines): the pipeline's peak is a few
    # objects, the lists' peak is the whole log three times over.
    assert first["peak_ratio_x"] > 50, first
    assert first["pipeline_peak_kib"] < first["lists_peak_mib"] * 1024
    assert first["lines_n"] == GENERATORS["SIZES"]["test"]


def test_same_answer_both_ways() -> None:
    log = GENERATORS["access_log"]
    lists = GENERATORS["errors_by_path_lists"](log(5_000))
    pipeline = GENERATORS["errors_by_path_pipeline"](log(5_000))
    assert lists == pipeline
    assert sum(pipeline.values()) == len(range(0, 5_000, 97))


def test_batched_and_islice_stop_early() -> None:
    batched = GENERATORS["batched"]
    assert list(batched(range(7), 3)) == [(0, 1, 2), (3, 4, 5), (6,)]
    assert list(batched([], 3)) == []
    if sys.version_info >= (3, 12):
        assert batched is itertools.batched  # the standard library's, where there is one
    made = 0

    def counted(lines: Iterable[str]) -> Iterator[str]:
        nonlocal made
        for line in lines:
            made += 1
            yield line

    clients = GENERATORS["first_error_clients"](counted(GENERATORS["access_log"](10**9)), 2)
    assert clients == ["10.0.0.0", "10.0.97.6"]
    assert made == 98  # lines 0..97: the second error is line 97


def test_chain_reads_several_logs_as_one() -> None:
    log = GENERATORS["access_log"]
    errors_in = GENERATORS["errors_in"]
    assert errors_in(log(100), log(100)) == 2 * errors_in(log(100)) == 4
    assert errors_in() == 0


def test_groupby_counts_runs_of_equal_statuses() -> None:
    runs = GENERATORS["status_runs"](GENERATORS["access_log"](200))
    assert sum(count for _, count in runs) == 200
    assert all(a[0] != b[0] for a, b in itertools.pairwise(runs))  # runs, not totals
    assert [status for status, _ in runs] == [500, 200, 500, 200, 500, 200]


@pytest.mark.parametrize("size", [1, 4, 100])
def test_bytes_per_batch_covers_every_line(size: int) -> None:
    sizes = GENERATORS["bytes_per_batch"](GENERATORS["access_log"](10), size)
    assert sum(sizes) == sum(range(10))
    assert len(sizes) == -(-10 // size)


def test_measure_refuses_a_pipeline_that_changes_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    namespace = GENERATORS["measure"].__globals__
    monkeypatch.setitem(namespace, "errors_by_path_pipeline", lambda lines: Counter())
    with pytest.raises(AssertionError, match="same answer"):
        GENERATORS["measure"]("test")
