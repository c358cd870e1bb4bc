"""Locks, semaphores and conditions: race, reentrant, deadlock, semaphore, bounded_buffer.

The races and deadlocks are forced with barriers, so the assertions are exact, and every wait
has a timeout: a regression fails a test instead of hanging the run.
"""

from __future__ import annotations

import threading
import time

import pytest

from tests.snippets.m02_threading import load


@pytest.mark.parametrize(("threads", "times"), [(2, 50), (5, 40)])
def test_forced_switch_loses_all_but_one_update_per_round(threads: int, times: int) -> None:
    race = load("race")
    counter = race["Counter"](after_read=threading.Barrier(threads, timeout=10).wait)
    race["run"](threads, race["add_unsafely"], counter, times)
    assert counter.total() == times  # every round, all threads wrote the same value + 1


def test_lock_keeps_every_update_with_switches_invited() -> None:
    race = load("race")
    counter = race["Counter"](after_read=lambda: time.sleep(0))
    race["run"](6, race["add_safely"], counter, 200, threading.Lock())
    assert counter.total() == 1200


def test_run_fails_instead_of_hanging() -> None:
    race = load("race")
    release = threading.Event()
    with pytest.raises(RuntimeError, match=r"still running after 0\.05 s"):
        race["run"](1, lambda: release.wait(10), timeout=0.05)
    release.set()


def test_plain_lock_is_not_reentrant_and_rlock_is() -> None:
    lock, rlock = threading.Lock(), threading.RLock()
    with lock:
        assert lock.acquire(timeout=0.05) is False
    with rlock:
        assert rlock.acquire(timeout=0.05) is True
        rlock.release()


@pytest.mark.parametrize("kind", ["Inventory", "InventoryWithHelpers"])
def test_inventories_are_thread_safe_and_restock_under_one_lock(kind: str) -> None:
    reentrant = load("reentrant")
    inventory = reentrant[kind]()
    inventory.add("mug", 0)

    def add_many() -> None:
        for _ in range(500):
            inventory.add("mug", 1)

    threads = [threading.Thread(target=add_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    inventory.restock_all(1000)
    for thread in threads:
        thread.join(timeout=10)
    assert inventory.snapshot() == {"mug": 3000}


def test_lock_ownership() -> None:
    outcome_in_thread = load("thread_errors")["outcome_in_thread"]
    rlock, lock = threading.RLock(), threading.Lock()
    rlock.acquire()
    assert outcome_in_thread(rlock.release) == "RuntimeError"
    rlock.release()
    lock.acquire()
    assert outcome_in_thread(lock.release) == "ok"
    assert lock.acquire(blocking=False)  # it really was released


def test_opposite_lock_order_deadlocks_and_the_timeout_detects_it() -> None:
    deadlock = load("deadlock")
    a, b = deadlock["Account"](1, 10), deadlock["Account"](2, 10)
    barrier = threading.Barrier(2, timeout=10)
    fn = deadlock["lock_both_in_given_order"]
    got = deadlock["run_both"]([(fn, (a, b, barrier, 0.05)), (fn, (b, a, barrier, 0.05))])
    assert got == [False, False]
    # Both locks are free again afterwards, and with no rival the second lock is taken.
    assert deadlock["run_both"]([(fn, (a, b, threading.Barrier(1), 0.05))]) == [True]
    assert not a.lock.locked() and not b.lock.locked()


@pytest.mark.parametrize("transfer", ["transfer_ordered", "transfer_with_retry"])
def test_opposite_transfers_finish_and_conserve_money(transfer: str) -> None:
    deadlock = load("deadlock")
    a, b = deadlock["Account"](1, 500), deadlock["Account"](2, 500)
    many = deadlock["many_transfers"]
    deadlock["run_both"](
        [
            (many, (deadlock[transfer], a, b, 700)),
            (many, (deadlock[transfer], b, a, 300)),
        ]
    )
    assert (a.balance, b.balance) == (100, 900)


def test_ordered_transfer_rejects_one_account() -> None:
    deadlock = load("deadlock")
    a = deadlock["Account"](1, 10)
    with pytest.raises(ValueError, match="same account"):
        deadlock["transfer_ordered"](a, a, 1)


def test_retry_gives_up_after_its_attempts() -> None:
    deadlock = load("deadlock")
    a, b = deadlock["Account"](1, 10), deadlock["Account"](2, 10)
    assert deadlock["transfer_with_retry"](a, b, 1) == 1  # no contention: the first attempt
    # Somebody holds the target for good:
    with b.lock, pytest.raises(TimeoutError, match="gave up after 3"):
        deadlock["transfer_with_retry"](a, b, 1, timeout=0.01, attempts=3)
    assert (a.balance, b.balance) == (9, 11)  # the failed transfer changed nothing


def test_run_both_fails_instead_of_hanging() -> None:
    deadlock = load("deadlock")
    release = threading.Event()
    with pytest.raises(RuntimeError, match=r"still running after 0\.05 s"):
        deadlock["run_both"]([(release.wait, (10,))], timeout=0.05)
    release.set()


def test_semaphore_admits_exactly_its_limit() -> None:
    semaphore = load("semaphore")
    limit = semaphore["ConcurrencyLimit"](3, name="db")
    # Each group of three meets inside: proof that three fit at once. The semaphore proves
    # that a fourth never does.
    inside_together = threading.Barrier(3, timeout=10)

    def use() -> None:
        with limit.slot(timeout=10):
            inside_together.wait()

    threads = [threading.Thread(target=use) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert limit.peak == 3
    assert limit.in_use == 0


def test_slot_is_released_when_the_block_raises() -> None:
    semaphore = load("semaphore")
    limit = semaphore["ConcurrencyLimit"](1, name="licence")
    with pytest.raises(KeyError), limit.slot(timeout=1):
        raise KeyError("inside")
    with limit.slot(timeout=0.05):  # would time out if the slot had leaked
        assert limit.in_use == 1
    with (
        limit.slot(timeout=0.05),
        pytest.raises(TimeoutError, match="no free licence slot"),
        limit.slot(timeout=0.05),
    ):
        pass


def test_serve_handles_every_request() -> None:
    semaphore = load("semaphore")
    limit = semaphore["ConcurrencyLimit"](2, name="api")
    assert semaphore["serve"](7, limit) == list(range(7))
    assert 1 <= limit.peak <= 2


def test_bounded_semaphore_catches_an_extra_release() -> None:
    bounded = threading.BoundedSemaphore(2)
    bounded.acquire()
    bounded.release()
    with pytest.raises(ValueError, match="released too many times"):
        bounded.release()


@pytest.mark.parametrize(("consumers", "capacity"), [(1, 1), (3, 2), (4, 5)])
def test_bounded_buffer_delivers_everything_within_capacity(consumers: int, capacity: int) -> None:
    buffer = load("bounded_buffer")
    squares, high_water = buffer["produce_and_consume"](60, consumers, capacity)
    assert squares == [n * n for n in range(60)]
    assert 1 <= high_water <= capacity


def test_bounded_buffer_timeouts_and_close() -> None:
    module = load("bounded_buffer")
    closed = module["Closed"]
    with pytest.raises(ValueError, match="at least 1"):
        module["BoundedBuffer"](0)
    buffer = module["BoundedBuffer"](2)
    with pytest.raises(TimeoutError, match="still empty"):
        buffer.get(timeout=0.01)
    buffer.put(1)
    buffer.put(2)
    with pytest.raises(TimeoutError, match="still full"):
        buffer.put(3, timeout=0.01)
    buffer.close()
    with pytest.raises(closed, match="put"):
        buffer.put(3, timeout=0.01)
    assert [buffer.get(), buffer.get()] == [1, 2]
    with pytest.raises(closed, match="drained"):
        buffer.get(timeout=0.01)


@pytest.mark.parametrize("side", ["consumer", "producer"])
def test_close_wakes_blocked_threads(side: str) -> None:
    module = load("bounded_buffer")
    buffer = module["BoundedBuffer"](1)
    if side == "producer":
        buffer.put("fills it")
    outcome: list[str] = []

    def blocked() -> None:
        try:
            if side == "consumer":
                buffer.get(timeout=10)
            else:
                buffer.put("more", timeout=10)
        except module["Closed"]:
            outcome.append("Closed")

    thread = threading.Thread(target=blocked)
    thread.start()
    # Give it time to block. If it has not yet, it sees the closed buffer at once and the test
    # still passes; if it has, only close()'s notify_all wakes it before its 10 s timeout.
    time.sleep(0.05)
    start = time.monotonic()
    buffer.close()
    thread.join(timeout=10)
    assert outcome == ["Closed"]
    assert time.monotonic() - start < 5
