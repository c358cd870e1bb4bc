"""An HTTP client on asyncio streams, and a Semaphore that caps how many requests are in flight.

While a coroutine waits for the server's answer it is suspended and the event loop runs the
others: one thread, many requests in progress. The server is the slow loopback service from
``coursecode.loopback``, started and stopped here; its ``/stats`` counters show how many requests
it held at once, which is what the client's limit is meant to cap.
"""

from __future__ import annotations

import asyncio

from coursecode import loopback


class HTTPError(RuntimeError):
    """The server answered with a status other than 200."""


# --8<-- [start:fetch]
async def fetch_async(port: int, path: str, timeout: float = 10.0) -> str:
    """One GET to 127.0.0.1:port; the whole exchange must finish within ``timeout`` seconds."""
    return await asyncio.wait_for(_get(port, path), timeout)


async def _get(port: int, path: str) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode("ascii"))
        await writer.drain()
        response = await reader.read()  # Connection: close, so the answer ends at end of stream
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        raise HTTPError(f"GET {path}: HTTP {status}")
    return body.decode()
    # --8<-- [end:fetch]


# --8<-- [start:limit]
async def fetch_many(port: int, paths: list[str], limit: int) -> list[str]:
    """Every path, in input order, with at most ``limit`` requests in flight at once."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    gate = asyncio.Semaphore(limit)

    async def one(path: str) -> str:
        async with gate:  # waits here while `limit` requests are already out
            return await fetch_async(port, path)

    return await asyncio.gather(*(one(path) for path in paths))
    # --8<-- [end:limit]


if __name__ == "__main__":
    # --8<-- [start:demo]
    paths = [f"/item/{i}" for i in range(12)]
    with loopback.serve(delay=0.05) as service:
        print(asyncio.run(fetch_many(service.port, paths, limit=4)) == paths)
        #> True
        peak = loopback.stats(service)["peak_in_flight"]
        print(f"server held at most 4 at once: {1 <= peak <= 4}")
        #> server held at most 4 at once: True
        try:
            asyncio.run(fetch_async(service.port, "/status/503"))
        except HTTPError as exc:
            print(exc)
            #> GET /status/503: HTTP 503
        try:
            asyncio.run(fetch_async(service.port, "/report?delay=5", timeout=0.1))
        except asyncio.TimeoutError:
            print("no answer within 0.1 s")
            #> no answer within 0.1 s
    # --8<-- [end:demo]
