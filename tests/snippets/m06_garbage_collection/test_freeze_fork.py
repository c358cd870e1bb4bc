"""freeze_fork.py: freezing keeps a child's collections off the parent's pages, not its reads."""

from __future__ import annotations

import runpy
import sys

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until

SNIPPET = ROOT / "snippets/m06_garbage_collection/freeze_fork.py"
FREEZE = runpy.run_path(str(SNIPPET), run_name="m06_freeze_fork")

pytestmark = pytest.mark.skipif(
    not FREEZE["supported"](), reason="needs Linux (/proc/self/smaps_rollup) and fork"
)


def test_figures_are_complete(first: dict[str, float]) -> None:
    assert set(first) == {
        "records_n",
        "collect_copied_mib",
        "frozen_collect_copied_mib",
        "frozen_read_copied_mib",
        "collect_s",
        "frozen_collect_s",
    }
    assert first["records_n"] == 100_000


def test_freeze_keeps_a_childs_collection_off_shared_pages(first: dict[str, float]) -> None:
    # A full collection writes into every tracked object (each record and its tags list), so it
    # copies at least the pages they fill: seen, 1.7-3x their bytes on 3.10-3.13. A frozen heap
    # leaves the child's collection almost nothing to write (its own small allocations).
    record = FREEZE["Record"](1000)
    tracked_mib = first["records_n"] * (sys.getsizeof(record) + sys.getsizeof(record.tags)) / 2**20
    assert first["collect_copied_mib"] > 0.75 * tracked_mib, first
    assert first["frozen_collect_copied_mib"] < first["collect_copied_mib"] / 10, first


def test_freeze_does_not_stop_reference_count_writes(first: dict[str, float]) -> None:
    # Reading a record writes its reference count, so the child copies at least the pages the
    # records fill (seen: 2.3-6x their bytes on 3.10-3.13; 3.12+ copies less than 3.10/3.11).
    record_mib = first["records_n"] * sys.getsizeof(FREEZE["Record"](1)) / 2**20
    assert first["frozen_read_copied_mib"] > record_mib, first


def test_frozen_objects_are_not_examined(first: dict[str, float]) -> None:
    # A full collection over 100,000 records against one with them frozen, which has almost
    # nothing left to examine. Seen: far more than 10x; timed, so re-measured if it misses once.
    def holds(f: dict[str, float]) -> bool:
        return f["frozen_collect_s"] * 10 < f["collect_s"]

    figures = measure_until(SNIPPET, holds, first)
    assert holds(figures), figures


def test_private_dirty_is_read_from_smaps() -> None:
    assert FREEZE["private_dirty_mib"]() > 0


def test_a_silent_child_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("multiprocessing.connection.Connection.poll", lambda self, timeout: False)
    with pytest.raises(TimeoutError, match="did not report"):
        FREEZE["copied_by_child"]("nothing", [], freeze=False)


def test_measure_refuses_without_smaps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FREEZE["measure"].__globals__, "supported", lambda: False)
    with pytest.raises(RuntimeError, match="needs Linux"):
        FREEZE["measure"]("test")
