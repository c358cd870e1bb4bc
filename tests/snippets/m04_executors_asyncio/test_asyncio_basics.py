"""coroutines.py, structured.py, async_timeouts.py, async_client.py, async_queue.py."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator

import pytest

from coursecode import loopback
from tests.snippets.m04_executors_asyncio.snippet import load

# Branches on the Python version: `nox -s pythons` runs it on every supported Python.
pytestmark = pytest.mark.pythons

coroutines = load("coroutines")
structured = load("structured")
timeouts = load("async_timeouts")
client = load("async_client")
queue = load("async_queue")

NEEDS_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="TaskGroup, asyncio.timeout")


@pytest.fixture(scope="module")
def service() -> Iterator[loopback.Endpoint]:
    with loopback.serve(delay=0.02) as endpoint:
        yield endpoint


def test_await_runs_in_turn_tasks_interleave() -> None:
    coroutines.log.clear()
    assert asyncio.run(coroutines.one_after_another()) == ["A", "B"]
    assert coroutines.log == ["a1", "a2", "b1", "b2"]
    coroutines.log.clear()
    assert asyncio.run(coroutines.as_tasks()) == ["A", "B"]
    assert coroutines.log == ["a1", "b1", "a2", "b2"]
    assert asyncio.run(coroutines.where_does_it_run()) == (True, True, "Task")


def test_gather_returns_in_argument_order_or_collects_errors() -> None:
    work = structured.work
    assert asyncio.run(structured.with_gather(work("a", 0.02), work("b", 0))) == ["a", "b"]
    results = asyncio.run(
        structured.with_gather_collecting(work("bad", 0, fail=True), work("ok", 0))
    )
    assert [type(r).__name__ for r in results] == ["ValueError", "str"]


def test_gather_leaves_siblings_running_after_a_failure() -> None:
    report = asyncio.run(structured.after_failure(structured.with_gather))
    assert report == ["ValueError('bad failed')", "at failure: []", "later: ['slow done']"]


@pytest.mark.parametrize(
    "runner",
    [
        pytest.param("with_task_group", marks=NEEDS_311),
        "with_gather_and_cleanup",
    ],
)
def test_structured_runners_cancel_siblings(runner: str) -> None:
    run = getattr(structured, runner)
    report = asyncio.run(structured.after_failure(run))
    assert report == [
        "ValueError('bad failed')",
        "at failure: ['slow cancelled']",
        "later: ['slow cancelled']",
    ]
    ok = asyncio.run(run(structured.work("a", 0.01), structured.work("b", 0)))
    assert ok == ["a", "b"]
    assert structured.run_together in (
        structured.with_task_group,
        structured.with_gather_and_cleanup,
    )


def test_after_failure_reports_success_too() -> None:
    async def fine(*coros: object) -> None:
        for coro in coros:
            coro.close()  # type: ignore[attr-defined]

    assert asyncio.run(structured.after_failure(fine))[0] == "no error"


@NEEDS_311
def test_errors_in_unpacks_nested_groups() -> None:
    inner = ExceptionGroup("inner", [KeyError("b")])  # noqa: F821 - a built-in from 3.11
    group = ExceptionGroup("outer", [ValueError("a"), inner])  # noqa: F821
    assert structured.errors_in(group) == ["ValueError('a')", "KeyError('b')"]


def test_wait_for_cancels_and_cleans_up() -> None:
    timeouts.log.clear()
    assert asyncio.run(timeouts.call_with_wait_for(seconds=10, timeout=0.01)) == "timed out"
    assert timeouts.log == ["cleanup ran"]


@pytest.mark.parametrize(
    "deadline",
    [pytest.param("deadline_with_timeout", marks=NEEDS_311), "deadline_with_wait_for"],
)
def test_a_deadline_covers_a_whole_block(deadline: str) -> None:
    assert asyncio.run(getattr(timeouts, deadline)(0.05)) == ["step 1", "deadline passed"]


def test_steps_finish_when_no_step_overruns() -> None:
    done: list[str] = []
    asyncio.run(timeouts.steps(done, second_step=0))
    assert done == ["step 1", "step 2"]


def test_fetch_many_keeps_order_and_the_limit() -> None:
    paths = [f"/p/{i}" for i in range(10)]
    with loopback.serve(delay=0.1) as endpoint:
        assert asyncio.run(client.fetch_many(endpoint.port, paths, limit=3)) == paths
        peak = loopback.stats(endpoint)["peak_in_flight"]
    assert 1 <= peak <= 3


def test_fetch_async_reports_errors_and_timeouts(service: loopback.Endpoint) -> None:
    with pytest.raises(client.HTTPError, match="HTTP 418"):
        asyncio.run(client.fetch_async(service.port, "/status/418"))
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(client.fetch_async(service.port, "/x?delay=5", timeout=0.05))
    with pytest.raises(ValueError, match="at least 1"):
        asyncio.run(client.fetch_many(service.port, ["/x"], limit=0))


def test_crawl_drains_the_queue_with_bounded_backlog() -> None:
    paths = [f"/q/{i}" for i in range(15)] + ["/status/404"]
    with loopback.serve(delay=0.02) as endpoint:
        results, deepest = asyncio.run(queue.crawl(endpoint.port, paths, workers=2, maxsize=3))
        peak = loopback.stats(endpoint)["peak_in_flight"]
    assert set(results) == set(paths)
    assert results["/q/14"] == "/q/14"
    assert results["/status/404"] == "error: GET /status/404: HTTP 404"
    assert 1 <= deepest <= 3
    assert 1 <= peak <= 2
