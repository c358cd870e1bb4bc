"""Timeouts in asyncio: asyncio.wait_for (every version) and asyncio.timeout (Python 3.11+).

A timeout cancels the awaited work: the coroutine gets CancelledError at its current await, so
its ``finally`` blocks and ``async with`` exits still run. The caller gets TimeoutError, which
is ``asyncio.TimeoutError``: an alias of the built-in TimeoutError from 3.11, a class of its own
on 3.10 (so code that supports 3.10 catches ``asyncio.TimeoutError``).
"""

# test: pythons

from __future__ import annotations

import asyncio

log: list[str] = []


# --8<-- [start:wait_for]
async def slow_call(seconds: float) -> str:
    try:
        await asyncio.sleep(seconds)  # stands in for a request that takes too long
        return "answered"
    finally:
        log.append("cleanup ran")  # runs on cancellation too: close sockets, release locks here


async def call_with_wait_for(seconds: float, timeout: float) -> str:
    try:
        return await asyncio.wait_for(slow_call(seconds), timeout)
    except asyncio.TimeoutError:
        return "timed out"
    # --8<-- [end:wait_for]


# --8<-- [start:timeout]
async def steps(done: list[str], second_step: float = 10) -> None:
    await asyncio.sleep(0)
    done.append("step 1")
    await asyncio.sleep(second_step)  # by default, the step that overruns the deadline
    done.append("step 2")


async def deadline_with_timeout(seconds: float) -> list[str]:
    """Python 3.11+: one deadline for a whole block, however many awaits it contains."""
    done: list[str] = []
    try:
        async with asyncio.timeout(seconds):
            await steps(done)
    except TimeoutError:
        done.append("deadline passed")
    return done


async def deadline_with_wait_for(seconds: float) -> list[str]:
    """The same on 3.10: put the block in a coroutine and give wait_for the deadline."""
    done: list[str] = []
    try:
        await asyncio.wait_for(steps(done), seconds)
    except asyncio.TimeoutError:
        done.append("deadline passed")
    return done


deadline = deadline_with_timeout if hasattr(asyncio, "timeout") else deadline_with_wait_for
# --8<-- [end:timeout]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(asyncio.run(call_with_wait_for(seconds=10, timeout=0.05)), log)
    #> timed out ['cleanup ran']
    log.clear()
    print(asyncio.run(call_with_wait_for(seconds=0, timeout=5)), log)
    #> answered ['cleanup ran']
    print(asyncio.run(deadline(0.05)))
    #> ['step 1', 'deadline passed']
    # --8<-- [end:demo]
