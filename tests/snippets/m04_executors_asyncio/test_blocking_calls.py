"""blocking_calls.py: a blocking call in a coroutine serialises the tasks and stalls the loop."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.snippets.m04_executors_asyncio.snippet import load
from tests.support.timing import ATTEMPTS, measure_until

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m04_executors_asyncio/blocking_calls.py"
blocking = load("blocking_calls")


def test_figures_are_complete(first: dict[str, float]) -> None:
    runs = ("frozen", "asyncio_sleep", "to_thread", "run_in_executor")
    assert set(first) == {f"{r}_s" for r in runs} | {f"lag_{r}_s" for r in runs} | {
        "frozen_slowdown_x",
        "tasks_n",
        "delay_ms_n",
    }
    tasks, delay = blocking.SIZES["test"]
    assert (first["tasks_n"], first["delay_ms_n"]) == (tasks, delay * 1000)


def test_frozen_loop_serialises_the_tasks(first: dict[str, float]) -> None:
    tasks, delay = blocking.SIZES["test"]
    # time.sleep sleeps at least as long as asked: one after another takes tasks x delay.
    assert first["frozen_s"] >= tasks * delay
    # ...and the heartbeat waited for all of them but the first beat's own interval.
    assert first["lag_frozen_s"] >= tasks * delay - 0.01
    # 8 overlapping 20 ms waits take a few tens of ms; one after another 160 ms.
    figures = measure_until(SNIPPET, lambda f: f["frozen_slowdown_x"] > 3, first)
    assert figures["frozen_slowdown_x"] > 3, figures


def test_threads_and_asyncio_sleep_keep_the_loop_responsive(first: dict[str, float]) -> None:
    def responsive(f: dict[str, float]) -> bool:
        return all(f[f"lag_{r}_s"] < f["lag_frozen_s"] / 3 for r in ("asyncio_sleep", "to_thread"))

    figures = measure_until(SNIPPET, responsive, first)
    assert responsive(figures), figures


def test_timelines() -> None:
    assert blocking.timeline(blocking.frozen, tasks=2) == ["start a", "end", "start b", "end"]
    for job in (blocking.cooperative, blocking.in_a_thread):
        assert blocking.timeline(job, tasks=2) == ["start a", "start b", "end", "end"]


def test_debug_mode_flags_blocking_steps_only() -> None:
    assert blocking.slow_callback_warnings(blocking.frozen) >= 2
    # A cooperative step takes microseconds; only a stall of the whole machine could make one
    # take 0.1 s, so one clean run out of a few is required.
    warnings = [blocking.slow_callback_warnings(blocking.cooperative) for _ in range(ATTEMPTS)]
    assert 0 in warnings, warnings
