"""Module 3's unmeasured examples: their functions do what the page says, on every start method."""

from __future__ import annotations

import multiprocessing as mp
import sys
import threading
from array import array
from collections.abc import Callable
from types import ModuleType

import pytest

from coursecode.db import get_engine

# Branches on the Python version: `nox -s pythons` runs it on every supported Python.
pytestmark = pytest.mark.pythons

Load = Callable[[str], ModuleType]


@pytest.mark.parametrize(
    ("platform", "version", "expected"),
    [
        ("win32", (3, 10), "spawn"),
        ("darwin", (3, 7), "fork"),
        ("darwin", (3, 8), "spawn"),
        ("darwin", (3, 14), "spawn"),
        ("linux", (3, 13), "fork"),
        ("linux", (3, 14), "forkserver"),
    ],
)
def test_documented_default(
    load: Load, platform: str, version: tuple[int, int], expected: str
) -> None:
    assert load("start_methods").documented_default(platform, version) == expected


def test_this_interpreter_uses_the_documented_default(load: Load) -> None:
    start_methods = load("start_methods")
    documented = start_methods.documented_default(sys.platform, sys.version_info[:2])
    assert mp.get_context().get_start_method() == documented


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_process_and_pool_under_each_method(load: Load, method: str) -> None:
    start_methods = load("start_methods")
    assert start_methods.run_process(method) == 3
    assert start_methods.run_pool(method) == ([0, 1, 4, 9, 16, 25], "ValueError from the worker")


def test_only_fork_inherits_run_time_state(load: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    start_methods = load("start_methods")
    monkeypatch.setitem(start_methods.SETTINGS, "region", "set-at-run-time")
    # Under pytest the main module is pytest's; only the inherited setting matters here.
    assert start_methods.run_child("fork")[0] == "set-at-run-time"
    assert start_methods.run_child("spawn")[0] == "default"
    assert start_methods.run_child("forkserver")[0] == "default"


def test_a_lock_held_at_fork_stays_held_in_the_child(load: Load) -> None:
    fork_hazards = load("fork_hazards")
    lock = threading.Lock()
    exitcode, raised = fork_hazards.fork_while_a_thread_holds(lock)
    assert exitcode == 1
    assert ("DeprecationWarning" in raised) is (sys.version_info >= (3, 12))
    assert lock.acquire(blocking=False)  # the parent's lock was released by its thread


def test_value_needs_its_lock_for_read_modify_write(load: Load) -> None:
    counter_module = load("shared_counter")
    ctx = counter_module.CTX
    counter = ctx.Value("q", 0)
    counter_module.run_processes(counter_module.unsafe_increment, 2, counter, ctx.Barrier(2))
    assert counter.value == 1
    counter = ctx.Value("q", 0)
    counter_module.run_processes(counter_module.safe_increments, 3, counter, 500)
    assert counter.value == 1500


def test_run_processes_reports_a_failed_child(load: Load) -> None:
    counter_module = load("shared_counter")
    with pytest.raises(RuntimeError, match="exit code 2"):
        counter_module.run_processes(sys.exit, 1, 2)


def test_a_dead_worker_breaks_the_executor_and_loses_the_pool_task(load: Load) -> None:
    worker_crash = load("worker_crash")
    assert worker_crash.executor_after_crash() == "BrokenProcessPool"
    assert worker_crash.pool_after_crash(wait_seconds=0.2) is False


def test_what_pickles(load: Load) -> None:
    assert load("pickling").picklability() == {
        "module-level function": True,
        "lambda": False,
        "threading.Lock": False,
        "sqlite3 connection": False,
        "open file": False,
        "generator": False,
    }


def test_compact_data_pickles_smaller(load: Load) -> None:
    pickling = load("pickling")
    records = pickling.make_records(1_000)
    column = pickling.bytes_column(records)
    assert sum(column) == pickling.total_bytes(records)
    assert pickling.pickled_mib(column) < pickling.pickled_mib(records) / 2


@pytest.mark.parametrize(("size", "parts"), [(10, 3), (1, 2), (0, 2), (7, 1)])
def test_bounds_cover_the_range_exactly(load: Load, size: int, parts: int) -> None:
    ranges = load("sharing").bounds(size, parts)
    assert len(ranges) == parts
    assert [n for start, stop in ranges for n in range(start, stop)] == list(range(size))


@pytest.mark.parametrize("size", [0, 1, 1_001])
def test_every_way_of_sharing_gives_the_same_total(load: Load, size: int) -> None:
    sharing = load("sharing")
    data = array("q", (n * 7 - 500 for n in range(size)))
    with sharing.CTX.Manager() as manager, sharing.start_workers(3, 2_000) as workers:
        for name, way in sharing.ways(manager).items():
            assert way(workers, data) == sum(data), name


def test_a_silent_worker_times_out(load: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    sharing = load("sharing")
    monkeypatch.setattr(sharing, "TIMEOUT", 0.2)
    with sharing.start_workers(1, 10) as workers:
        # The queue is empty, so the worker waits on it and does not answer within the timeout.
        with pytest.raises(TimeoutError, match="did not answer"):
            workers.ask([(sharing.sum_queued,)])
        workers.shared["tasks"].put(array("q", [1]))  # let it finish before shutdown


@pytest.mark.databases
def test_forked_workers_need_their_own_connections(
    load: Load, database_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine_after_fork = load("engine_after_fork")
    engine = get_engine(database_url)
    engine_after_fork.mark_opener(engine)
    monkeypatch.setattr(engine_after_fork, "ENGINE", engine, raising=False)
    try:
        assert engine_after_fork.query_on_own_connection()
        assert engine_after_fork.in_worker("fork") is False
        assert engine_after_fork.in_worker(
            "fork", initializer=engine_after_fork.forget_inherited_pool
        )
        url = engine.url.render_as_string(hide_password=False)
        assert engine_after_fork.in_worker(
            "spawn", initializer=engine_after_fork.open_engine, initargs=(url,)
        )
        assert engine_after_fork.query_on_own_connection()
    finally:
        engine.dispose()
