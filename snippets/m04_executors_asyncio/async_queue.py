"""Producer and consumers on an asyncio.Queue: a fixed number of workers drain a bounded queue.

The queue's maxsize is backpressure: when the workers fall behind, ``put`` waits, so a fast
producer cannot pile up unbounded work in memory. ``join`` returns when every item taken has been
marked done; the workers then wait forever on an empty queue and are cancelled.
"""

from __future__ import annotations

import asyncio

from async_client import fetch_async

from coursecode import loopback


# --8<-- [start:queue]
async def crawl(
    port: int, paths: list[str], workers: int, maxsize: int
) -> tuple[dict[str, str], int]:
    """Fetch every path with ``workers`` consumers; return the results and the deepest backlog."""
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=maxsize)
    results: dict[str, str] = {}

    async def consume() -> None:
        while True:
            path = await queue.get()
            try:
                results[path] = await fetch_async(port, path)
            except Exception as exc:  # one bad item must not kill the worker
                results[path] = f"error: {exc}"
            finally:
                queue.task_done()  # exactly once per get(), or join() never returns

    consumers = [asyncio.create_task(consume()) for _ in range(workers)]
    deepest = 0
    try:
        for path in paths:
            await queue.put(path)  # waits while the queue is full
            deepest = max(deepest, queue.qsize())
        await queue.join()
    finally:
        for consumer in consumers:
            consumer.cancel()
        await asyncio.gather(*consumers, return_exceptions=True)
    return results, deepest
    # --8<-- [end:queue]


if __name__ == "__main__":
    # --8<-- [start:demo]
    paths = [f"/page/{i}" for i in range(10)] + ["/status/500"]
    with loopback.serve(delay=0.02) as service:
        results, deepest = asyncio.run(crawl(service.port, paths, workers=3, maxsize=2))
        in_flight = loopback.stats(service)["peak_in_flight"]
    print(len(results), results["/page/7"], results["/status/500"])
    #> 11 /page/7 error: GET /status/500: HTTP 500
    print(f"backlog never above maxsize: {deepest <= 2}; at most 3 requests out: {in_flight <= 3}")
    #> backlog never above maxsize: True; at most 3 requests out: True
    # --8<-- [end:demo]
