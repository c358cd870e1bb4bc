"""Coroutines, the event loop and tasks: what runs when.

A coroutine function (``async def``) returns a coroutine object and runs nothing. ``await``
runs a coroutine to its end before going on; ``asyncio.create_task`` hands it to the event loop,
which switches between tasks only where one of them awaits something that is not ready.
"""

from __future__ import annotations

import asyncio
import threading

log: list[str] = []


# --8<-- [start:coroutine]
async def step(name: str, count: int) -> str:
    for i in range(1, count + 1):
        log.append(f"{name}{i}")
        await asyncio.sleep(0)  # "not ready yet": gives every other ready task a turn
    return name.upper()
    # --8<-- [end:coroutine]


# --8<-- [start:await_vs_task]
async def one_after_another() -> list[str]:
    # await runs each coroutine to its end: no overlap, like two plain function calls.
    return [await step("a", 2), await step("b", 2)]


async def as_tasks() -> list[str]:
    # Tasks are scheduled at once; the loop alternates between them at every await.
    first, second = asyncio.create_task(step("a", 2)), asyncio.create_task(step("b", 2))
    return [await first, await second]
    # --8<-- [end:await_vs_task]


# --8<-- [start:loop]
async def where_does_it_run() -> tuple[bool, bool, str]:
    loop = asyncio.get_running_loop()  # the loop asyncio.run() created for this program
    task = asyncio.current_task()  # the Task that asyncio.run() wrapped around this coroutine
    on_main_thread = threading.current_thread() is threading.main_thread()
    return loop.is_running(), on_main_thread, type(task).__name__
    # --8<-- [end:loop]


if __name__ == "__main__":
    # --8<-- [start:demo]
    coro = step("x", 1)
    print(type(coro).__name__, log)  # calling it ran nothing
    #> coroutine []
    coro.close()  # never awaited: close it, or Python warns "coroutine ... was never awaited"

    print(asyncio.run(one_after_another()), log)
    #> ['A', 'B'] ['a1', 'a2', 'b1', 'b2']
    log.clear()
    print(asyncio.run(as_tasks()), log)
    #> ['A', 'B'] ['a1', 'b1', 'a2', 'b2']
    print(asyncio.run(where_does_it_run()))
    #> (True, True, 'Task')
    # --8<-- [end:demo]
