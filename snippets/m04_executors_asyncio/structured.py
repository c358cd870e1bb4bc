"""Running coroutines together: asyncio.gather against asyncio.TaskGroup (Python 3.11+).

Both return when all children are done. They differ when a child fails: gather hands the first
exception to the caller and leaves the other children running, unowned; a TaskGroup cancels the
others, waits for them, and raises every failure in an ExceptionGroup.
"""

# test: pythons

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any

finished: list[str] = []


async def work(name: str, delay: float, fail: bool = False) -> str:
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        finished.append(f"{name} cancelled")
        raise  # never swallow a cancellation: the canceller is waiting for it
    if fail:
        raise ValueError(f"{name} failed")
    finished.append(f"{name} done")
    return name


# --8<-- [start:gather]
async def with_gather(*coros: Awaitable[str]) -> list[str]:
    return await asyncio.gather(*coros)  # results in argument order


async def with_gather_collecting(*coros: Awaitable[str]) -> list[str | BaseException]:
    # return_exceptions=True: failures come back as values; nobody is cancelled.
    return await asyncio.gather(*coros, return_exceptions=True)
    # --8<-- [end:gather]


# --8<-- [start:taskgroup]
async def with_task_group(*coros: Coroutine[Any, Any, str]) -> list[str]:
    """Python 3.11+: every child is owned by the group and finished when the block ends."""
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(coro) for coro in coros]
    return [task.result() for task in tasks]


async def with_gather_and_cleanup(*coros: Coroutine[Any, Any, str]) -> list[str]:
    """The same guarantee on 3.10: cancel and wait for the siblings of a failed task."""
    tasks = [asyncio.ensure_future(coro) for coro in coros]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # wait until they have stopped
        raise


# TaskGroup where there is one (3.11+), the hand-written equivalent before.
run_together = with_task_group if hasattr(asyncio, "TaskGroup") else with_gather_and_cleanup
# --8<-- [end:taskgroup]


def errors_in(exc: BaseException) -> list[str]:
    """The failures inside an ExceptionGroup (3.11+), or the one exception raised."""
    nested = getattr(exc, "exceptions", None)
    if nested is None:
        return [repr(exc)]
    return [text for inner in nested for text in errors_in(inner)]


async def after_failure(runner: Any) -> list[str]:
    """Start a slow child and a failing one; report what each child did by the time we know."""
    finished.clear()
    try:
        await runner(work("slow", 0.2), work("bad", 0.01, fail=True))
    except Exception as exc:  # an ExceptionGroup from a TaskGroup is an Exception too
        outcome = errors_in(exc)
    else:
        outcome = ["no error"]
    seen_at_failure = list(finished)
    await asyncio.sleep(0.3)  # long enough for an orphaned child to finish on its own
    return [*outcome, f"at failure: {seen_at_failure}", f"later: {finished}"]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(asyncio.run(with_gather(work("a", 0.02), work("b", 0.01))))
    #> ['a', 'b']
    print(asyncio.run(with_gather_collecting(work("a", 0.01), work("bad", 0.01, fail=True))))
    #> ['a', ValueError('bad failed')]
    # gather: the caller sees the error while "slow" keeps running, unowned, and finishes later.
    for line in asyncio.run(after_failure(with_gather)):
        print(line)
        #> ValueError('bad failed')
        #> at failure: []
        #> later: ['slow done']
    # TaskGroup (or its 3.10 stand-in): "slow" is cancelled before the caller hears of the error.
    for line in asyncio.run(after_failure(run_together)):
        print(line)
        #> ValueError('bad failed')
        #> at failure: ['slow cancelled']
        #> later: ['slow cancelled']
    # --8<-- [end:demo]
