"""Producer-consumer with queue.Queue (producer_consumer.py) and Queue.shutdown (queue_shutdown.py).

The 3.13-only tests run on Python 3.13+ and are skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.snippets.m02_threading import load

# Branches on the Python version: `nox -s pythons` runs it on every supported Python.
pytestmark = pytest.mark.pythons

needs_shutdown = pytest.mark.skipif(
    sys.version_info < (3, 13), reason="Queue.shutdown() is new in Python 3.13"
)


def consumers_left() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("consumer-")]


@pytest.mark.parametrize(("consumers", "maxsize"), [(1, 1), (3, 2), (8, 16)])
def test_every_item_processed_once_and_errors_collected(consumers: int, maxsize: int) -> None:
    pc = load("producer_consumer")
    items = [*range(30), -1, -2]
    report = pc["process_all"](items, pc["lookup"], consumers=consumers, maxsize=maxsize)
    assert sorted(report.results) == [(i, f"order-{i}") for i in range(30)]
    assert sorted(item for item, _ in report.errors) == [-2, -1]
    assert all(isinstance(exc, ValueError) for _, exc in report.errors)
    assert 1 <= report.high_water <= maxsize
    assert consumers_left() == []


def test_task_done_for_every_get_including_sentinels() -> None:
    pc = load("producer_consumer")
    work: queue.Queue[object] = queue.Queue()
    report = pc["Report"]()
    for item in (1, "x", pc["STOP"]):
        work.put(item)
    # One consumer, run in this thread: it handles 1, records the error for "x", stops at STOP.
    pc["consumer"](work, lambda n: n + 1, report)
    assert report.results == [2]
    assert [item for item, _ in report.errors] == ["x"]
    # Three get()s, three task_done()s: join() returns at once instead of waiting for ever.
    finished = threading.Event()
    threading.Thread(target=lambda: (work.join(), finished.set()), daemon=True).start()
    assert finished.wait(timeout=5)


def test_a_failing_producer_still_stops_the_consumers() -> None:
    pc = load("producer_consumer")
    handled: list[int] = []
    with pytest.raises(ConnectionError, match="source went away"):
        pc["process_all"](pc["failing_producer"](10, fail_at=4), handled.append, 2, maxsize=8)
    assert sorted(handled) == [0, 1, 2, 3]  # what was queued before the failure was processed
    assert consumers_left() == []


def _join_consumers() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("consumer-"):
            thread.join(timeout=10)
    assert consumers_left() == []


def test_consumers_that_do_not_stop_are_logged_not_raised_over_the_producers_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pc = load("producer_consumer")
    release = threading.Event()
    with caplog.at_level(logging.ERROR, logger="pipeline"), pytest.raises(ConnectionError):
        pc["process_all"](
            pc["failing_producer"](5, fail_at=1),
            lambda _: release.wait(10),  # the consumer is stuck in item 0
            consumers=1,
            maxsize=4,
            timeout=0.05,
        )
    # The sentinel went in, but the consumer could not take it in time: said in the log.
    assert [r.getMessage() for r in caplog.records] == [
        "could not stop the consumers after the producer failed"
    ]
    assert "still running after 0.05 s: ['consumer-0']" in str(caplog.records[0].exc_info[1])
    release.set()  # it finishes item 0, then takes the sentinel
    _join_consumers()


def test_a_full_queue_at_shutdown_does_not_hide_the_producers_error(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    pc = load("producer_consumer")
    made: list[queue.Queue[object]] = []  # the pipeline's queue, kept to stop its consumer later

    class KeptQueue(queue.Queue):  # type: ignore[type-arg]
        def __init__(self, maxsize: int) -> None:
            super().__init__(maxsize)
            made.append(self)

    monkeypatch.setattr(queue, "Queue", KeptQueue)
    busy, release = threading.Event(), threading.Event()

    def handle(item: int) -> None:
        busy.set()
        release.wait(10)

    def items() -> Iterator[int]:
        yield 0
        assert busy.wait(10)  # the only consumer is stuck in item 0...
        yield 1  # ...so this item fills the queue (maxsize=1)
        raise ConnectionError("source went away")

    with caplog.at_level(logging.ERROR, logger="pipeline"), pytest.raises(ConnectionError):
        pc["process_all"](items(), handle, consumers=1, maxsize=1, timeout=0.05)
    # Before the fix, put(STOP) raised queue.Full here in place of the ConnectionError.
    assert caplog.records[0].exc_info[0] is queue.Full
    release.set()
    made[0].put(pc["STOP"], timeout=10)  # the sentinel the pipeline could not deliver
    _join_consumers()


def test_back_pressure_blocks_and_times_out() -> None:
    work: queue.Queue[int] = queue.Queue(maxsize=2)
    work.put(1)
    work.put(2)
    with pytest.raises(queue.Full):
        work.put(3, timeout=0.01)


def test_lookup() -> None:
    pc = load("producer_consumer")
    assert pc["lookup"](7) == (7, "order-7")
    with pytest.raises(ValueError, match="bad order id -3"):
        pc["lookup"](-3)
    assert list(pc["failing_producer"](3, fail_at=5)) == [0, 1, 2]


def failing_upper(word: object) -> str:
    if not isinstance(word, str):
        raise TypeError(f"not a word: {word!r}")
    return word.upper()


def test_process_gives_the_same_result_on_every_python() -> None:
    qs = load("queue_shutdown")
    words = ["b", 1, "a", None, "c"]
    for process in (qs["process"], qs["process_all_sentinels"]):
        report = process(words, failing_upper, consumers=2, maxsize=2)
        assert sorted(report.results) == ["A", "B", "C"]
        assert sorted(str(item) for item, _ in report.errors) == ["1", "None"]
        assert all(isinstance(exc, TypeError) for _, exc in report.errors)
    assert (qs["process"] is qs["process_all_shutdown"]) is (sys.version_info >= (3, 13))
    assert consumers_left() == []


@needs_shutdown
def test_shutdown_pipeline_drains_records_errors_and_stops() -> None:
    qs = load("queue_shutdown")
    words = [*(str(n) for n in range(40)), None, 7]
    report = qs["process_all_shutdown"](words, failing_upper, consumers=3, maxsize=2)
    assert sorted(report.results) == sorted(str(n) for n in range(40))
    assert sorted(str(item) for item, _ in report.errors) == ["7", "None"]  # and it carried on
    assert 1 <= report.high_water <= 2
    assert consumers_left() == []


@needs_shutdown
def test_shutdown_pipeline_stops_consumers_when_the_producer_fails() -> None:
    qs = load("queue_shutdown")

    def items() -> Iterator[int]:
        yield 1
        raise ConnectionError("gone")

    with pytest.raises(ConnectionError):
        qs["process_all_shutdown"](items(), str, consumers=2, maxsize=2)
    assert consumers_left() == []


@needs_shutdown
def test_shutdown_pipeline_logs_stuck_consumers_and_raises_the_producers_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    qs = load("queue_shutdown")
    release = threading.Event()

    def items() -> Iterator[int]:
        yield 1
        raise ConnectionError("gone")

    with caplog.at_level(logging.ERROR, logger="pipeline"), pytest.raises(ConnectionError):
        qs["process_all_shutdown"](items(), lambda _: release.wait(10), 1, 2, timeout=0.05)
    assert caplog.records[0].exc_info[0] is RuntimeError
    release.set()
    _join_consumers()


@needs_shutdown
def test_shutdown_semantics() -> None:
    work: queue.Queue[int] = queue.Queue()
    work.put(1)
    work.shutdown()
    with pytest.raises(queue.ShutDown):
        work.put(2)  # the producer is told too
    assert work.get() == 1  # what was queued is still delivered...
    work.task_done()
    with pytest.raises(queue.ShutDown):
        work.get()  # ...then get() raises instead of blocking


@needs_shutdown
def test_immediate_shutdown_discards_and_releases_join() -> None:
    work: queue.Queue[int] = queue.Queue()
    for n in range(5):
        work.put(n)
    work.shutdown(immediate=True)
    with pytest.raises(queue.ShutDown):
        work.get(timeout=1)  # nothing delivered
    finished = threading.Event()
    threading.Thread(target=lambda: (work.join(), finished.set()), daemon=True).start()
    assert finished.wait(timeout=5)  # pending items count as done
