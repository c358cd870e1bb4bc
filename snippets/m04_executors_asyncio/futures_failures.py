"""When work fails, hangs or is no longer wanted: exceptions, timeouts and cancellation.

Uses the controllable ``Upstream`` stand-in from futures_api.py, so every outcome is decided by
the demo, not by timing. Names starting with "bad" make ``query`` raise ``LookupError``.
"""

# test: pythons

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout  # = TimeoutError from 3.11

from futures_api import TIMEOUT, Upstream


# --8<-- [start:exceptions]
def exception_is_stored(pool: ThreadPoolExecutor, upstream: Upstream) -> tuple[str, str]:
    future = pool.submit(upstream.query, "bad-id")
    upstream.answer("bad-id")
    stored = future.exception(timeout=TIMEOUT)  # waits, then returns the exception: no raise
    raised = None
    try:
        future.result(timeout=TIMEOUT)  # raises the same exception in the caller's thread
    except LookupError as exc:
        raised = exc
    return type(stored).__name__, f"same object: {raised is stored}"


def map_stops_at_the_first_failure(
    pool: ThreadPoolExecutor, upstream: Upstream, names: list[str]
) -> tuple[list[int], str]:
    upstream.answer(*names)
    results: list[int] = []
    try:
        for value in pool.map(upstream.query, names, timeout=TIMEOUT):
            results.append(value)
    except LookupError as exc:
        # On the way out map cancelled the calls still queued; calls already running ran to
        # the end, but their results are lost to us.
        return results, str(exc)
    return results, "no error"
    # --8<-- [end:exceptions]


# --8<-- [start:timeout]
def result_within(future: Future[int], seconds: float) -> int | str:
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        return "timed out"


def timeout_stops_the_wait_not_the_work(
    pool: ThreadPoolExecutor, upstream: Upstream
) -> tuple[int | str, bool, bool]:
    future = pool.submit(upstream.query, "slow")
    upstream.wait_started("slow")
    outcome = result_within(future, 0.05)
    still_running = future.running()  # the thread is still inside query(): it cannot be stopped
    cancelled = future.cancel()  # False: only calls that have not started can be cancelled
    upstream.answer("slow")  # in real code: give the call its own timeout (socket, driver)
    return outcome, still_running, cancelled
    # --8<-- [end:timeout]


# --8<-- [start:cancel]
def cancel_pending_work(upstream: Upstream) -> list[str]:
    pool = ThreadPoolExecutor(max_workers=1)  # one worker: the 2nd and 3rd calls must queue
    try:
        first, second, third = (pool.submit(upstream.query, n) for n in ("one", "two", "three"))
        upstream.wait_started("one")
        states = [f"running one can be cancelled: {first.cancel()}"]
        states.append(f"queued two can be cancelled: {second.cancel()}")
        # Shutting down with cancel_futures=True (3.9+) drops everything still queued.
        pool.shutdown(wait=False, cancel_futures=True)
        states.append(f"three cancelled by shutdown: {third.cancelled()}")
    finally:
        upstream.answer("one", "two", "three")
        pool.shutdown(wait=True)
    states.append(f"one still finished: {first.result(timeout=TIMEOUT)}")
    return states
    # --8<-- [end:cancel]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with ThreadPoolExecutor(max_workers=4) as pool:
        print(exception_is_stored(pool, Upstream("bad-id")))
        #> ('LookupError', 'same object: True')
        names = ["ok", "bad-x", "fine"]
        print(map_stops_at_the_first_failure(pool, Upstream(*names), names))
        #> ([2], "no such record: 'bad-x'")
        print(timeout_stops_the_wait_not_the_work(pool, Upstream("slow")))
        #> ('timed out', True, False)
    for line in cancel_pending_work(Upstream("one", "two", "three")):
        print(line)
        #> running one can be cancelled: False
        #> queued two can be cancelled: True
        #> three cancelled by shutdown: True
        #> one still finished: 3
    # --8<-- [end:demo]
