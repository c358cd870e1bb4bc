"""task_memory.py: a waiting thread costs far more memory than a suspended coroutine."""

from __future__ import annotations

import mmap
import threading

from tests.conftest import ROOT
from tests.snippets.m04_executors_asyncio.snippet import load

SNIPPET = ROOT / "snippets/m04_executors_asyncio/task_memory.py"
memory = load("task_memory")


def test_figures_are_complete(first: dict[str, float]) -> None:
    assert first["tasks_n"] == memory.TASKS["test"]
    for kind in ("threads", "coroutines"):
        for figure in ("rss_mib", "rss_per_task_bytes_n", "vms_per_task_mib", "start_s"):
            assert f"{kind}_{figure}" in first
        # tracemalloc sees the Thread / Task objects and frames: some hundreds of bytes each.
        assert 100 < first[f"{kind}_traced_per_task_bytes_n"] < 20_000, first


def test_threads_reserve_a_stack_coroutines_do_not(first: dict[str, float]) -> None:
    # Memory figures do not depend on the machine's load: no retries needed.
    assert first["threads_vms_per_task_mib"] > 1 / 16, first  # at least 64 KiB reserved each
    assert first["coroutines_vms_per_task_mib"] < 1 / 16, first
    assert first["rss_threads_vs_coroutines_x"] > 3, first
    for kind in ("threads", "coroutines"):
        assert first[f"{kind}_rss_per_task_bytes_n"] > 0, first


def test_rss_per_task_counts_at_least_one_page() -> None:
    # A few coroutines may fit in pages the process already had: no growth, or a shrink.
    assert memory.rss_per_task(0, 500) == memory.rss_per_task(-8192, 500) == mmap.PAGESIZE / 500
    assert memory.rss_per_task(10 * mmap.PAGESIZE, 5) == 2 * mmap.PAGESIZE


def test_the_footprint_of_a_few_tasks_in_this_process() -> None:
    threads = memory.waiting_threads(20)
    coroutines = memory.waiting_coroutines(20, trace=True)
    assert (threads.tasks, coroutines.tasks) == (20, 20)
    assert threads.traced_bytes == 0 < coroutines.traced_bytes
    assert threading.active_count() < 20  # every waiting thread was released and joined
