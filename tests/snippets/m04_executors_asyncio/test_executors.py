"""futures_api.py, futures_failures.py, pool_setup.py: what executors do, decided by the demo."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.snippets.m04_executors_asyncio.snippet import load

# Branches on the Python version: `nox -s pythons` runs it on every supported Python.
pytestmark = pytest.mark.pythons

api = load("futures_api")
failures = load("futures_failures")
setup = load("pool_setup")


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield pool


def test_submit_returns_a_running_future(pool: ThreadPoolExecutor) -> None:
    assert api.submit_one(pool, api.Upstream("alpha")) == (True, 5)


def test_map_keeps_input_order_whatever_the_answer_order(pool: ThreadPoolExecutor) -> None:
    names = ["x", "yy", "zzz"]
    assert api.map_in_input_order(pool, api.Upstream(*names), names) == [1, 2, 3]


@pytest.mark.parametrize("order", [["b", "a", "c"], ["c", "b", "a"], ["a", "b", "c"]])
def test_as_completed_follows_completion_order(pool: ThreadPoolExecutor, order: list[str]) -> None:
    assert api.in_completion_order(pool, api.Upstream(*order), order) == order


def test_wait_first_completed_returns_after_one(pool: ThreadPoolExecutor) -> None:
    assert api.first_answer(pool, api.Upstream("p", "q", "r", "s"), ["p", "q", "r", "s"]) == (1, 3)


def test_upstream_times_out_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "TIMEOUT", 0.01)
    upstream = api.Upstream("never")
    with pytest.raises(TimeoutError, match="no answer"):
        upstream.query("never")
    with pytest.raises(TimeoutError, match="nobody queried"):
        api.Upstream("idle").wait_started("idle")


def test_exceptions_are_stored_and_re_raised(pool: ThreadPoolExecutor) -> None:
    assert failures.exception_is_stored(pool, api.Upstream("bad-id")) == (
        "LookupError",
        "same object: True",
    )


def test_map_stops_at_the_first_failure(pool: ThreadPoolExecutor) -> None:
    names = ["a", "bb", "bad-1", "ccc"]
    assert failures.map_stops_at_the_first_failure(pool, api.Upstream(*names), names) == (
        [1, 2],
        "no such record: 'bad-1'",
    )
    assert failures.map_stops_at_the_first_failure(pool, api.Upstream("a"), ["a"]) == (
        [1],
        "no error",
    )


class HeldUpstream(api.Upstream):
    """Records what was queried, and does not answer ``held`` until ``release()``."""

    def __init__(self, *names: str, held: str) -> None:
        super().__init__(*names)
        self.held = held
        self.queried: list[str] = []

    def query(self, name: str) -> int:
        self.queried.append(name)
        return super().query(name)

    def answer(self, *names: str) -> None:
        super().answer(*(name for name in names if name != self.held))

    def release(self) -> None:
        super().answer(self.held)


def test_map_cancels_the_calls_still_queued_when_it_raises() -> None:
    # One worker: it runs bad-1, then at most "held", which it cannot finish while the test
    # holds it; "bb" and "ccc" are still queued when map raises, and map cancels them.
    names = ["bad-1", "held", "bb", "ccc"]
    upstream = HeldUpstream(*names, held="held")
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            outcome = failures.map_stops_at_the_first_failure(pool, upstream, names)
        finally:
            upstream.release()
    assert outcome == ([], "no such record: 'bad-1'")
    assert upstream.queried[0] == "bad-1"
    assert "bb" not in upstream.queried and "ccc" not in upstream.queried, upstream.queried


def test_a_timeout_leaves_the_call_running(pool: ThreadPoolExecutor) -> None:
    assert failures.timeout_stops_the_wait_not_the_work(pool, api.Upstream("slow")) == (
        "timed out",
        True,
        False,
    )


def test_only_queued_calls_can_be_cancelled() -> None:
    assert failures.cancel_pending_work(api.Upstream("one", "two", "three")) == [
        "running one can be cancelled: False",
        "queued two can be cancelled: True",
        "three cancelled by shutdown: True",
        "one still finished: 3",
    ]


def test_initializer_gives_each_worker_its_connection(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    setup.make_catalogue(db)
    assert setup.prices(str(db), ["B-2", "A-1"] * 5, workers=3) == [20.0, 9.5] * 5
    with pytest.raises(LookupError, match="unknown sku 'Z-9'"):
        setup.prices(str(db), ["A-1", "Z-9"])


def test_a_failing_initializer_breaks_the_pool(tmp_path: Path) -> None:
    assert setup.with_a_failing_initializer(str(tmp_path / "no" / "such" / "dir.db")) == (
        "BrokenThreadPool"
    )
    db = tmp_path / "ok.db"
    setup.make_catalogue(db)
    assert setup.with_a_failing_initializer(str(db)) == "the initializer worked"


def test_process_initializer_loads_the_table_once_per_worker() -> None:
    rows = [(f"S-{i}", float(i)) for i in range(50)]
    assert setup.lookups_in_processes(rows, ["S-7", "S-49", "S-0"]) == [7.0, 49.0, 0.0]


def test_max_workers_defaults() -> None:
    assert [setup.thread_default(n) for n in (1, 4, 27, 28, 100)] == [5, 8, 31, 32, 32]
    assert setup.process_default(128, windows=True) == 61
    assert setup.process_default(128, windows=False) == 128
    expected = os.process_cpu_count() if sys.version_info >= (3, 13) else os.cpu_count()
    assert setup.usable_cpus() == (expected or 1)
    with ThreadPoolExecutor() as threads:
        assert threads._max_workers == setup.thread_default(setup.usable_cpus())


def test_result_within_returns_a_result_that_arrives_in_time(pool: ThreadPoolExecutor) -> None:
    assert failures.result_within(pool.submit(len, "abc"), 5) == 3
