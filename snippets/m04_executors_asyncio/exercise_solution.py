"""Exercise solution: ``fetch_report``, a polite batch fetcher on asyncio, written twice.

Requirements (from the exercise): one outcome per path, in input order; at most ``limit``
requests in flight; each request bounded by ``timeout``, and a timeout or an HTTP error becomes
that path's outcome instead of failing the batch, and so does a failed connection or a ``parse``
that raises; the blocking ``parse`` never runs on the event loop's thread; ``limit < 1`` is a
ValueError; an empty list is fine; Python 3.10+. The first version caps requests with a
Semaphore, the second with ``limit`` workers draining a Queue.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from async_client import HTTPError, fetch_async

from coursecode import loopback


@dataclass(frozen=True)
class Outcome:
    path: str
    value: int | None = None
    error: str | None = None


# --8<-- [start:solution]
async def fetch_report(
    port: int,
    paths: list[str],
    *,
    limit: int,
    timeout: float,
    parse: Callable[[str], int],
) -> list[Outcome]:
    if limit < 1:
        raise ValueError("limit must be at least 1")
    gate = asyncio.Semaphore(limit)

    async def one(path: str) -> Outcome:
        async with gate:  # at most `limit` requests in flight
            body = await fetch_one(port, path, timeout)
        if isinstance(body, Outcome):
            return body  # the request failed: nothing to parse
        # Outside the gate: parsing does not hold a request slot.
        return await parse_off_the_loop(path, body, parse)

    # one() returns its failures instead of raising, so gather cannot orphan anything here;
    # cancelling fetch_report cancels every child.
    return list(await asyncio.gather(*(one(path) for path in paths)))


async def fetch_one(port: int, path: str, timeout: float) -> str | Outcome:
    """The body, or an Outcome that says why there is none."""
    try:
        return await fetch_async(port, path, timeout=timeout)
    except asyncio.TimeoutError:
        return Outcome(path, error=f"no answer within {timeout:g} s")
    except HTTPError as exc:
        return Outcome(path, error=str(exc))
    except OSError as exc:  # refused, reset, unreachable: the connection itself failed
        return Outcome(path, error=f"connection failed: {exc!r}")
    except (ValueError, IndexError) as exc:  # an answer with no readable status line
        return Outcome(path, error=f"not an HTTP answer: {exc!r}")


async def parse_off_the_loop(path: str, body: str, parse: Callable[[str], int]) -> Outcome:
    """``parse`` blocks, so it runs in a thread; whatever it raises is this path's error."""
    try:
        return Outcome(path, value=await asyncio.to_thread(parse, body))
    except Exception as exc:  # the caller's parser may raise anything (not CancelledError)
        return Outcome(path, error=f"parse failed: {exc!r}")
    # --8<-- [end:solution]


# --8<-- [start:queue]
async def fetch_report_queue(
    port: int,
    paths: list[str],
    *,
    limit: int,
    timeout: float,
    parse: Callable[[str], int],
) -> list[Outcome]:
    """The same contract with a queue: ``limit`` workers, one request at a time each."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for index, path in enumerate(paths):
        queue.put_nowait((index, path))
    outcomes: dict[int, Outcome] = {}

    async def worker() -> None:
        # Every item is queued before the workers start, so "empty" means "all taken".
        while not queue.empty():
            index, path = queue.get_nowait()
            body = await fetch_one(port, path, timeout)
            if isinstance(body, str):
                body = await parse_off_the_loop(path, body, parse)
            outcomes[index] = body

    await asyncio.gather(*(worker() for _ in range(limit)))
    return [outcomes[index] for index in range(len(paths))]
    # --8<-- [end:queue]


def slow_parse(body: str) -> int:
    """A blocking parser (think: a big JSON document, a C library without an async API)."""
    time.sleep(0.01)
    return len(body)


if __name__ == "__main__":
    # --8<-- [start:demo]
    paths = ["/a", "/status/404", "/bbb", "/late?delay=5", "/cc"]
    with loopback.serve(delay=0.02) as service:
        report = asyncio.run(
            fetch_report(service.port, paths, limit=2, timeout=1.0, parse=slow_parse)
        )
        peak = loopback.stats(service)["peak_in_flight"]
    for outcome in report:
        print(outcome)
        #> Outcome(path='/a', value=2, error=None)
        #> Outcome(path='/status/404', value=None, error='GET /status/404: HTTP 404')
        #> Outcome(path='/bbb', value=4, error=None)
        #> Outcome(path='/late?delay=5', value=None, error='no answer within 1 s')
        #> Outcome(path='/cc', value=3, error=None)
    print(f"at most 2 in flight: {peak <= 2}")
    #> at most 2 in flight: True
    with loopback.serve(delay=0.02) as service:
        again = asyncio.run(
            fetch_report_queue(service.port, paths, limit=2, timeout=1.0, parse=slow_parse)
        )
    print(again == report)
    #> True
    # --8<-- [end:demo]
