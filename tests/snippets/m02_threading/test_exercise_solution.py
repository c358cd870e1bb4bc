"""exercise_solution.py: SingleFlight shares one call per key, keeps keys apart, passes errors on.

To grade your own solution, point SOLUTION at your file. Every wait is bounded; nothing here
depends on how the threads happen to be scheduled (the tests wait until callers are waiting).
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import ROOT

SOLUTION = ROOT / "snippets/m02_threading/exercise_solution.py"
solution = runpy.run_path(str(SOLUTION), run_name="m02_exercise")
SingleFlight = solution["SingleFlight"]
wait_until = solution["wait_until"]


def start(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Run ``target`` in a thread; the list receives its result or its exception."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_concurrent_callers_share_one_call() -> None:
    flight = SingleFlight()
    calls: list[int] = []
    release = threading.Event()

    def slow() -> str:
        calls.append(1)
        release.wait(10)
        return "value"

    started = [start(lambda: flight.do("k", slow, 10)) for _ in range(6)]
    wait_until(lambda: flight.waiting("k") == 5)  # one runs slow(), five wait for it
    release.set()
    for thread, _ in started:
        thread.join(timeout=10)
    assert [outcome for _, outcome in started] == [["value"]] * 6
    assert calls == [1]
    assert flight.waiting("k") == 0


def test_results_are_not_cached() -> None:
    flight = SingleFlight()
    values = iter([1, 2])
    assert flight.do("k", lambda: next(values)) == 1
    assert flight.do("k", lambda: next(values)) == 2  # the flight ended: a new call


def test_different_keys_do_not_wait_for_each_other() -> None:
    flight = SingleFlight()
    b_running = threading.Event()

    def a() -> bool:
        return b_running.wait(10)  # True only if b ran while a was still running

    def b() -> str:
        b_running.set()
        return "b"

    thread_a, outcome_a = start(lambda: flight.do("a", a))
    assert flight.do("b", b) == "b"
    thread_a.join(timeout=10)
    assert outcome_a == [True]


def test_an_error_reaches_the_caller_and_every_waiter_and_is_not_kept() -> None:
    flight = SingleFlight()
    running, release = threading.Event(), threading.Event()

    def failing() -> str:
        running.set()
        release.wait(10)
        raise ConnectionError("db down")

    leader, leader_outcome = start(lambda: flight.do("k", failing))
    assert running.wait(10)
    waiter, waiter_outcome = start(lambda: flight.do("k", lambda: "not called", 10))
    wait_until(lambda: flight.waiting("k") == 1)
    release.set()
    for thread in (leader, waiter):
        thread.join(timeout=10)
    assert isinstance(leader_outcome[0], ConnectionError)
    assert isinstance(waiter_outcome[0], ConnectionError)
    assert flight.do("k", lambda: "recovered") == "recovered"


def test_a_waiter_gives_up_after_its_timeout() -> None:
    flight = SingleFlight()
    running, release = threading.Event(), threading.Event()
    leader, outcome = start(lambda: flight.do("k", lambda: running.set() or release.wait(10)))
    assert running.wait(10)
    with pytest.raises(TimeoutError, match=r"no result within 0\.05 s"):
        flight.do("k", lambda: "not called", timeout=0.05)
    assert flight.waiting("k") == 0  # the waiter that gave up is no longer counted
    release.set()
    leader.join(timeout=10)
    assert outcome == [True]


def test_stampede_demo() -> None:
    answers, queries = solution["stampede"](12)
    assert answers == ["product 42"] * 12
    assert queries == 1


def test_wait_until_gives_up() -> None:
    with pytest.raises(TimeoutError, match=r"not met within 0\.01 s"):
        wait_until(lambda: False, timeout=0.01)
