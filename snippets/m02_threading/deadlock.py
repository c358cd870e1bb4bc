"""A deadlock from taking two locks in opposite orders, detected with ``acquire(timeout=...)``
instead of hanging, and its two cures: one global lock order, or time out, back off and retry.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from thread_basics import join_all  # joins with one deadline; RuntimeError if one is still alive


@dataclass
class Account:
    number: int  # also the lock order: lower numbers are locked first
    balance: int
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)


# --8<-- [start:deadlock]
def lock_both_in_given_order(
    first: Account, second: Account, both_hold_one: threading.Barrier, timeout: float
) -> bool:
    """Take ``first.lock``, then ``second.lock``. Called by two threads with the accounts swapped.

    The barriers force the fatal interleaving: each thread holds its first lock before either
    asks for its second. Without a timeout, both would now wait for ever.
    """
    with first.lock:
        both_hold_one.wait()
        got_second = second.lock.acquire(timeout=timeout)  # detect instead of hanging
        if got_second:
            second.lock.release()
        both_hold_one.wait()  # keep holding the first lock until both have tried
    return got_second
    # --8<-- [end:deadlock]


# --8<-- [start:ordered]
def transfer_ordered(source: Account, target: Account, amount: int) -> None:
    """Cure 1: every thread takes the locks in one global order (here: by account number).

    Two threads can no longer each hold a lock the other wants, so no cycle can form.
    """
    if source is target:
        raise ValueError("source and target are the same account")
    first, second = sorted((source, target), key=lambda account: account.number)
    with first.lock, second.lock:
        source.balance -= amount
        target.balance += amount
        # --8<-- [end:ordered]


# --8<-- [start:retry]
def transfer_with_retry(
    source: Account, target: Account, amount: int, timeout: float = 0.05, attempts: int = 50
) -> int:
    """Cure 2: never wait long for the second lock; on failure release everything, back off for a
    random moment (so the two threads do not collide again in step) and retry.

    Returns the number of attempts it took; raises TimeoutError after ``attempts``.
    """
    for attempt in range(1, attempts + 1):
        with source.lock:
            if target.lock.acquire(timeout=timeout):
                try:
                    source.balance -= amount
                    target.balance += amount
                    return attempt
                finally:
                    target.lock.release()
        time.sleep(random.uniform(0, timeout))  # noqa: S311 - jitter, not security
    raise TimeoutError(f"transfer {source.number}->{target.number}: gave up after {attempts}")
    # --8<-- [end:retry]


def run_both(
    targets: list[tuple[Callable[..., object], tuple[object, ...]]], timeout: float = 30
) -> list[object]:
    """Run each (function, args) in its own thread; return their results in order."""
    results: list[object] = [None] * len(targets)

    def call(index: int, func: Callable[..., object], args: tuple[object, ...]) -> None:
        results[index] = func(*args)

    threads = [
        threading.Thread(target=call, args=(i, func, args), daemon=True)
        for i, (func, args) in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    join_all(threads, timeout)  # a deadlock fails the run with RuntimeError instead of hanging it
    return results


Transfer = Callable[[Account, Account, int], object]


def many_transfers(transfer: Transfer, source: Account, target: Account, times: int) -> None:
    for _ in range(times):
        transfer(source, target, 1)


if __name__ == "__main__":
    # --8<-- [start:demo]
    a, b = Account(1, 100), Account(2, 100)
    barrier = threading.Barrier(2, timeout=10)
    # Thread 1 locks a then b; thread 2 locks b then a:
    got = run_both(
        [
            (lock_both_in_given_order, (a, b, barrier, 0.2)),
            (lock_both_in_given_order, (b, a, barrier, 0.2)),
        ]
    )
    print(f"got the second lock within 0.2 s: {got}")
    #> got the second lock within 0.2 s: [False, False]

    for transfer in (transfer_ordered, transfer_with_retry):
        a, b = Account(1, 100), Account(2, 100)
        run_both(
            [
                (many_transfers, (transfer, a, b, 1000)),  # a -> b
                (many_transfers, (transfer, b, a, 1000)),  # b -> a, at the same time
            ]
        )
        print(f"{transfer.__name__}: balances {a.balance} + {b.balance} = {a.balance + b.balance}")
        #> transfer_ordered: balances 100 + 100 = 200
        #> transfer_with_retry: balances 100 + 100 = 200
    # --8<-- [end:demo]
