"""A slow HTTP service on the loopback interface, for the I/O examples and their tests.

``with serve(delay=0.05) as service:`` starts an asyncio HTTP/1.1 server in a child process,
listening on 127.0.0.1 on a port the operating system picks (port 0), and stops it when the
block ends. Every answer waits ``delay`` seconds first, as a remote API would, so a client that
overlaps its requests finishes sooner than one that sends them one after another.

The server runs in its own process (``python -m coursecode.loopback``) so that its work never
competes with the client being measured for the client's GIL, as a real remote service would
not. It prints its port, then serves until its standard input closes: the ``with`` block closes
it on the way out, and so does the operating system if the parent dies.

What it answers (one request per connection, then it closes, like ``Connection: close``):

* ``GET /anything`` → 200 with the path (``/anything``) as the body, after ``delay`` seconds;
  ``?delay=0.3`` overrides the delay for that request.
* ``GET /status/404`` → that status code, after the delay.
* ``GET /stats`` → at once, JSON ``{"requests": n, "in_flight": k, "peak_in_flight": p}``:
  how many delayed requests the server has answered, how many it holds now, and the most it held
  at once, which is what a client-side concurrency limit is meant to cap.
* anything else → 400 or 405.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"
# Many clients may connect at the same instant; the default listen backlog (100) could drop
# some, and a dropped connection costs a one-second TCP retransmit. The kernel caps it anyway.
BACKLOG = 1024
MAX_HEAD_BYTES = 16 * 1024  # request line and headers; longer requests are dropped
MAX_DELAY = 60.0


class ServerError(RuntimeError):
    """The server process did not start, or did not answer as expected."""


@dataclass(frozen=True)
class Endpoint:
    """Where a running server listens."""

    host: str
    port: int

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"


@dataclass
class _Stats:
    requests: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0


def _response(status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _delay_of(query: str, default: float) -> float | None:
    """The ``?delay=`` of a request, or the default; None if it is not a sane number."""
    values = parse_qs(query).get("delay")
    if not values:
        return default
    try:
        delay = float(values[0])
    except ValueError:
        return None
    return delay if 0 <= delay <= MAX_DELAY else None


def _status_of(code: str) -> int | None:
    """A status code a response with a body may carry, or None."""
    if not code.isdigit() or int(code) in (204, 304) or not 200 <= int(code) <= 599:
        return None
    try:
        return HTTPStatus(int(code)).value
    except ValueError:
        return None


async def _answer(head: bytes, default_delay: float, stats: _Stats) -> bytes:
    try:
        method, target, _version = head.split(b"\r\n", 1)[0].decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        return _response(400, b"malformed request line")
    if method != "GET":
        return _response(405, b"only GET")
    url = urlsplit(target)
    if url.path == "/stats":
        body = json.dumps(
            {
                "requests": stats.requests,
                "in_flight": stats.in_flight,
                "peak_in_flight": stats.peak_in_flight,
            }
        )
        return _response(200, body.encode(), "application/json")
    delay = _delay_of(url.query, default_delay)
    if delay is None:
        return _response(400, f"delay must be a number from 0 to {MAX_DELAY:g}".encode())
    status = 200
    if url.path.startswith("/status/"):
        status = _status_of(url.path.removeprefix("/status/"))
        if status is None:
            return _response(400, b"status must be a known code from 200 to 599, not 204 or 304")
    stats.in_flight += 1
    stats.peak_in_flight = max(stats.peak_in_flight, stats.in_flight)
    try:
        await asyncio.sleep(delay)  # the "remote work": the client can only wait
    finally:
        stats.in_flight -= 1
        stats.requests += 1
    return _response(status, url.path.encode())


async def _handle(
    default_delay: float,
    read_timeout: float,
    stats: _Stats,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> None:
    try:
        # A client that never finishes its request must not hold a connection forever.
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), read_timeout)
        writer.write(await _answer(head, default_delay, stats))
        await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError):
        pass  # a truncated, oversized or stalled request: drop the connection
    except ConnectionError:
        pass  # the client went away first
    finally:
        writer.close()
        with suppress(ConnectionError):
            await writer.wait_closed()


async def _serve(delay: float, port: int, read_timeout: float) -> None:
    stats = _Stats()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _handle(delay, read_timeout, stats, reader, writer)

    server = await asyncio.start_server(handle, HOST, port, backlog=BACKLOG, limit=MAX_HEAD_BYTES)
    print(server.sockets[0].getsockname()[1], flush=True)  # tells the parent the port
    try:
        # Serve until standard input closes: the parent closes it to stop us, and if the parent
        # dies the pipe closes too, so the server never outlives it. read() blocks, so it runs in
        # a worker thread (asyncio.to_thread) and the event loop keeps serving meanwhile.
        await asyncio.to_thread(sys.stdin.buffer.read)
    finally:
        # Stop listening. Not `async with server`: from 3.12 its exit waits for every open
        # connection, and a client that gave up on a slow answer would hold us for the whole
        # delay. asyncio.run() cancels the handlers still sleeping instead.
        server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coursecode.loopback",
        description="Serve slow HTTP answers on 127.0.0.1; print the port; stop at end of input.",
    )
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per answer")
    parser.add_argument("--port", type=int, default=0, help="0: let the OS pick one")
    parser.add_argument("--read-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.delay, args.port, args.read_timeout))
    return 0


@contextmanager
def serve(
    delay: float = 0.05,
    *,
    port: int = 0,
    read_timeout: float = 10.0,
    start_timeout: float = 30.0,
    stop_timeout: float = 10.0,
) -> Iterator[Endpoint]:
    """Run the slow server in a child process for the duration of the ``with`` block.

    ``delay`` is how long each answer takes; ``port=0`` lets the OS pick a free port (the
    :class:`Endpoint` says which). Raises :class:`ServerError` if the server does not start.
    """
    if not 0 <= delay <= MAX_DELAY:
        raise ValueError(f"delay must be from 0 to {MAX_DELAY:g} seconds, got {delay}")
    command = [sys.executable, "-m", "coursecode.loopback", "--delay", str(delay)]
    command += ["--port", str(port), "--read-timeout", str(read_timeout)]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter running our own module
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin and process.stdout and process.stderr  # noqa: S101 - PIPE guarantees
    try:
        # readline() has no timeout of its own: wait for it in a helper thread instead.
        with ThreadPoolExecutor(max_workers=1) as reader:
            try:
                line = reader.submit(process.stdout.readline).result(timeout=start_timeout)
            except FutureTimeout:  # not the built-in TimeoutError before Python 3.11
                process.kill()  # also ends the blocked readline (end of file)
                raise ServerError(
                    f"the loopback server did not start in {start_timeout} s"
                ) from None
        if not line.strip().isdigit():
            process.wait(stop_timeout)
            error = process.stderr.read().decode(errors="replace").strip().splitlines()
            raise ServerError(
                f"the loopback server exited (code {process.returncode}) before it listened: "
                + (error[-1] if error else "no error message")
            )
        yield Endpoint(HOST, int(line))
    finally:
        process.stdin.close()  # end of input: the server stops
        try:
            process.wait(stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def stats(endpoint: Endpoint, timeout: float = 10.0) -> dict[str, int]:
    """The server's counters (see the module docstring), read over HTTP."""
    conn = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
    try:
        conn.request("GET", "/stats")
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise ServerError(f"GET /stats: HTTP {response.status}")
        return json.loads(body)
    finally:
        conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
