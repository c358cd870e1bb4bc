"""The frozen loop: a blocking call inside ``async def`` stops every other task.

``time.sleep`` stands in for any blocking call (``requests.get``, a synchronous database driver,
reading a big file, a CPU-heavy function). Inside a coroutine it never gives the loop a turn, so
the "concurrent" tasks run one after another and nothing else, not even a timer, runs meanwhile.
A heartbeat task measures that: it asks to wake every few milliseconds and records how late the
loop woke it (the loop lag). ``asyncio.sleep`` (the non-blocking equivalent) or moving the blocking
call to a thread (``asyncio.to_thread``, ``loop.run_in_executor``) keeps the loop responsive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

from coursecode.measure import best_of_interleaved


# --8<-- [start:jobs]
async def frozen(delay: float) -> None:
    time.sleep(delay)  # THE MISTAKE: blocks the thread that runs the event loop


async def cooperative(delay: float) -> None:
    await asyncio.sleep(delay)  # suspends this task only


async def in_a_thread(delay: float) -> None:
    # Runs time.sleep in the loop's default thread pool and awaits the result.
    await asyncio.to_thread(time.sleep, delay)


def in_executor(pool: ThreadPoolExecutor) -> Callable[[float], Awaitable[None]]:
    async def job(delay: float) -> None:
        # The same through a pool you size yourself (extra arguments go after the function).
        await asyncio.get_running_loop().run_in_executor(pool, time.sleep, delay)

    return job
    # --8<-- [end:jobs]


# --8<-- [start:heartbeat]
@dataclass
class Lag:
    worst: float = 0.0  # seconds: the latest the loop ran a callback that was due
    due: float = 0.0


@asynccontextmanager
async def heartbeat(interval: float = 0.005) -> AsyncIterator[Lag]:
    """While the block runs, wake every ``interval`` seconds and record how late the loop was."""
    loop, lag = asyncio.get_running_loop(), Lag()

    async def beat() -> None:
        while True:
            lag.due = loop.time() + interval
            await asyncio.sleep(interval)
            lag.worst = max(lag.worst, loop.time() - lag.due)

    task = asyncio.create_task(beat())
    await asyncio.sleep(0)  # let it take its first beat
    try:
        yield lag
    finally:
        lag.worst = max(lag.worst, loop.time() - lag.due)  # a beat overdue right now counts too
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)  # wait until it has stopped
    # --8<-- [end:heartbeat]


# --8<-- [start:run]
async def run_jobs(job: Callable[[float], Awaitable[None]], tasks: int, delay: float) -> float:
    """Run ``tasks`` copies of ``job`` concurrently; return the worst loop lag seen."""
    async with heartbeat() as lag:
        await asyncio.gather(*(job(delay) for _ in range(tasks)))
    return lag.worst
    # --8<-- [end:run]


def timeline(job: Callable[[float], Awaitable[None]], tasks: int = 3) -> list[str]:
    """The order in which ``tasks`` jobs run together start and end."""
    events: list[str] = []

    async def logged(name: str) -> None:
        events.append(f"start {name}")
        await job(0.02)
        events.append("end")

    async def main() -> None:
        await asyncio.gather(*(logged(name) for name in "abcdefgh"[:tasks]))

    asyncio.run(main())
    return events


# --8<-- [start:debug]
def slow_callback_warnings(job: Callable[[float], Awaitable[None]]) -> int:
    """asyncio's debug mode logs every task step that holds the loop longer than
    ``loop.slow_callback_duration`` (0.1 s by default): the frozen-loop detector to turn on in
    development (``PYTHONASYNCIODEBUG=1`` or ``asyncio.run(..., debug=True)``)."""
    warnings: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = warnings.append  # type: ignore[method-assign]
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    try:
        asyncio.run(run_jobs(job, tasks=2, delay=0.15), debug=True)
    finally:
        logger.removeHandler(handler)
    return sum("took" in record.getMessage() for record in warnings)
    # --8<-- [end:debug]


# (concurrent jobs, seconds each) per size.
SIZES = {"test": (8, 0.02), "bench": (10, 0.1)}


def measure(size: str) -> dict[str, float]:
    tasks, delay = SIZES[size]
    lags: dict[str, float] = {}

    def variant(name: str, job: Callable[[float], Awaitable[None]]) -> Callable[[], None]:
        def run() -> None:
            lag = asyncio.run(run_jobs(job, tasks, delay))
            lags[name] = min(lags.get(name, float("inf")), lag)  # the least disturbed run

        return run

    with ThreadPoolExecutor(max_workers=tasks) as pool:
        best = best_of_interleaved(
            {
                "frozen": variant("frozen", frozen),
                "asyncio_sleep": variant("asyncio_sleep", cooperative),
                "to_thread": variant("to_thread", in_a_thread),
                "run_in_executor": variant("run_in_executor", in_executor(pool)),
            }
        )
    figures: dict[str, float] = {f"{name}_s": seconds for name, seconds in best.items()}
    figures |= {f"lag_{name}_s": lag for name, lag in lags.items()}
    figures["frozen_slowdown_x"] = best["frozen"] / best["asyncio_sleep"]
    figures["tasks_n"] = tasks
    figures["delay_ms_n"] = delay * 1000
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(timeline(frozen))
    #> ['start a', 'end', 'start b', 'end', 'start c', 'end']
    print(timeline(cooperative))
    #> ['start a', 'start b', 'start c', 'end', 'end', 'end']
    print(timeline(in_a_thread))
    #> ['start a', 'start b', 'start c', 'end', 'end', 'end']
    # Five blocking 20 ms calls: the heartbeat cannot run until all of them are over.
    lag = asyncio.run(run_jobs(frozen, tasks=5, delay=0.02))
    print(f"loop lag at least 4 x 20 ms: {lag >= 0.08}")
    #> loop lag at least 4 x 20 ms: True
    print(f"debug mode flagged both blocking steps: {slow_callback_warnings(frozen) >= 2}")
    #> debug mode flagged both blocking steps: True
    # --8<-- [end:demo]
