"""Creating, stopping and inspecting threads: thread_basics, shutdown, thread_errors, thread_local.

Every wait in these tests is bounded, and no assertion depends on how the threads are scheduled.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.snippets.m02_threading import load


def test_fetch_all_and_the_subclass() -> None:
    basics = load("thread_basics")
    urls = [f"https://{'x' * n}.example" for n in range(1, 6)]
    assert basics["fetch_all"](urls) == {url: len(url) for url in urls}
    checksum = basics["Checksum"](bytes(range(256)) * 300)
    checksum.start()
    checksum.join(timeout=10)
    assert checksum.name == "checksum-76800"
    assert checksum.result == sum(range(256)) * 300 % 65_536


def test_join_with_a_timeout_leaves_the_thread_running() -> None:
    basics = load("thread_basics")
    assert basics["wait_briefly"](threading.Event()) == (True, False)


def test_join_all_names_the_threads_still_running_after_one_deadline() -> None:
    join_all = load("thread_basics")["join_all"]
    release = threading.Event()
    done = threading.Thread(target=lambda: None, name="done")
    slow = [threading.Thread(target=release.wait, args=(10,), name=f"slow-{i}") for i in range(5)]
    for thread in (done, *slow):
        thread.start()
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"after 0\.2 s: \['slow-0', 'slow-1', .*'slow-4'\]"):
        join_all([done, *slow], timeout=0.2)
    # One deadline for all of them: about 0.2 s, where 0.2 s per thread would take 1 s or more.
    assert time.monotonic() - start < 0.8
    release.set()
    join_all(slow, timeout=10)  # returns quietly once every thread has finished
    assert not any(thread.is_alive() for thread in slow)


def test_daemon_threads_are_not_waited_for_at_exit() -> None:
    shutdown = load("shutdown")
    lines, seconds = shutdown["run_child"](shutdown["DAEMON"])
    assert lines == ["main: done"]
    assert seconds < 4.5  # the daemon's 5 s wait was cut short, not sat out


def test_non_daemon_threads_are_joined_before_atexit_handlers() -> None:
    shutdown = load("shutdown")
    assert shutdown["run_child"](shutdown["NON_DAEMON"])[0] == ["main: done", "worker: finished"]
    lines = shutdown["run_child"](shutdown["ATEXIT_TOO_LATE"])[0]
    assert lines.index("worker: stop requested = False") < lines.index(
        "atexit: asking the worker to stop"
    )


def test_periodic_runs_repeatedly_and_flushes_on_stop() -> None:
    shutdown = load("shutdown")
    calls: list[int] = []
    enough = threading.Event()

    def action() -> None:
        calls.append(1)
        if len(calls) >= 3:
            enough.set()

    with shutdown["Periodic"](0.001, action, name="ticker"):
        assert enough.wait(timeout=10)
        during = len(calls)
    assert len(calls) >= during + 1  # the final flush runs after the stop request
    assert not any(t.name == "ticker" for t in threading.enumerate())


def test_periodic_stops_without_waiting_out_its_interval() -> None:
    shutdown = load("shutdown")
    calls: list[int] = []
    with shutdown["Periodic"](3600.0, lambda: calls.append(1), name="hourly"):
        pass
    assert calls == [1]  # only the final flush: an hour did not pass, and the exit did not wait


def test_periodic_reports_a_thread_that_will_not_stop() -> None:
    shutdown = load("shutdown")
    release = threading.Event()
    periodic = shutdown["Periodic"](60.0, lambda: release.wait(10), name="stuck", stop_timeout=0.05)
    with pytest.raises(RuntimeError, match=r"stuck did not stop within 0\.05 s"), periodic:
        pass
    release.set()
    periodic._thread.join(timeout=10)
    assert not periodic._thread.is_alive()


def test_logging_excepthook(caplog: pytest.LogCaptureFixture) -> None:
    errors = load("thread_errors")
    hook = errors["log_thread_exception"]
    with errors["excepthook"](hook), caplog.at_level(logging.ERROR, logger="threads"):
        assert threading.excepthook is hook
        for target in (lambda: errors["parse_port"]("0"), lambda: sys.exit(3)):
            thread = threading.Thread(target=target, name="loader")
            thread.start()
            thread.join(timeout=10)
    assert threading.excepthook is not hook  # restored
    # The ValueError is logged with its traceback; sys.exit() in a thread is not an error.
    assert [r.getMessage() for r in caplog.records] == ["uncaught exception in loader"]
    assert caplog.records[0].exc_info[0] is ValueError
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="threads"):
        hook(threading.ExceptHookArgs((KeyError, KeyError("k"), None, None)))
    assert caplog.records[0].getMessage() == "uncaught exception in unknown thread"


def test_excepthook_context_restores_on_error() -> None:
    errors = load("thread_errors")
    before = threading.excepthook
    with pytest.raises(KeyError), errors["excepthook"](lambda args: None):
        raise KeyError("boom")
    assert threading.excepthook is before


def test_result_thread_value_error_and_timeout() -> None:
    errors = load("thread_errors")
    result_thread = errors["ResultThread"]
    good = result_thread(lambda: errors["parse_port"]("443"))
    bad = result_thread(lambda: errors["parse_port"]("70000"), name="bad")
    release = threading.Event()
    slow = result_thread(lambda: release.wait(10), name="slow")
    for thread in (good, bad, slow):
        thread.start()
    assert good.result(timeout=10) == 443
    with pytest.raises(ValueError, match="out of range: 70000"):
        bad.result(timeout=10)
    with pytest.raises(TimeoutError, match="slow still running"):
        slow.result(timeout=0.01)
    release.set()
    assert slow.result(timeout=10) is True


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO orders VALUES (?)", [(i,) for i in range(5)])
    conn.close()
    return path


def test_one_connection_per_thread(tmp_path: Path) -> None:
    local = load("thread_local")
    db = local["ConnectionPerThread"](_database(tmp_path))
    results = local["run_workers"](db, 4)
    assert results == {f"worker-{i}": (5, True) for i in range(4)}
    assert db.opened == 4
    db.close()  # this thread never opened one: nothing to close, no error
    assert db.opened == 4


def test_sqlite_checks_the_thread(tmp_path: Path) -> None:
    outcome_in_thread = load("thread_errors")["outcome_in_thread"]
    path = _database(tmp_path)
    owned = sqlite3.connect(path)
    shared = sqlite3.connect(path, check_same_thread=False)
    try:
        assert outcome_in_thread(lambda: owned.execute("SELECT 1")) == "ProgrammingError"
        assert outcome_in_thread(lambda: shared.execute("SELECT 1")) == "ok"
    finally:
        owned.close()
        shared.close()
