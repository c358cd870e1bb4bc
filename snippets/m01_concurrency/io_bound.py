"""I/O-bound work: while a thread waits on a socket it releases the GIL, so waits overlap.

The "slow upstream" is a real HTTP server on the loopback interface whose every answer takes
a fixed delay, like a remote API would. The client side is what you would write in production:
one short-lived connection per request, a timeout, and a status check.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from coursecode.measure import best_of_interleaved


class SlowServer(ThreadingHTTPServer):
    """Answers ``GET /<anything>`` with the path as body after ``delay`` seconds."""

    # The default listen backlog (5) would drop connections when many clients arrive at once,
    # and a dropped SYN costs a one-second retransmit: that would measure TCP, not threads.
    request_queue_size = 128

    def __init__(self, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), SlowHandler)
        self.delay = delay


class SlowHandler(BaseHTTPRequestHandler):
    server: SlowServer

    def do_GET(self) -> None:
        time.sleep(self.server.delay)  # the upstream is busy; our client just waits
        if self.path == "/missing":
            self.send_error(404)
            return
        body = self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request log line: the example's output must be deterministic."""


@contextmanager
def slow_server(delay: float) -> Iterator[int]:
    """Run a :class:`SlowServer` in a background thread; yield its port."""
    server = SlowServer(delay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --8<-- [start:fetch]
def fetch(port: int, path: str, timeout: float = 10.0) -> str:
    """One GET request. Blocking in ``getresponse()`` releases the GIL while the socket waits."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
        return body
    finally:
        conn.close()


def fetch_sequential(port: int, paths: list[str]) -> list[str]:
    return [fetch(port, path) for path in paths]


def fetch_threads(port: int, paths: list[str], workers: int) -> list[str]:
    # pool.map keeps the input order, whatever order the answers arrive in.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda path: fetch(port, path), paths))
    # --8<-- [end:fetch]


# (requests, seconds per answer, threads) per size.
SIZES = {"test": (24, 0.025, 12), "bench": (100, 0.05, 20)}


def measure(size: str) -> dict[str, float]:
    requests, delay, workers = SIZES[size]
    paths = [f"/item/{i}" for i in range(requests)]
    with slow_server(delay) as port:
        # Alternate the two and keep each one's fastest run (see cpu_bound.py for why).
        best = best_of_interleaved(
            {
                "sequential": lambda: fetch_sequential(port, paths),
                "threads": lambda: fetch_threads(port, paths, workers),
            }
        )
    sequential, threads = best["sequential"], best["threads"]
    return {
        "sequential_s": sequential,
        "threads_s": threads,
        "threads_speedup_x": sequential / threads,
        "requests_n": requests,
        "workers_n": workers,
    }


if __name__ == "__main__":
    # --8<-- [start:demo]
    paths = [f"/item/{i}" for i in range(6)]
    with slow_server(delay=0.02) as port:
        print(fetch_threads(port, paths, workers=6))
        #> ['/item/0', '/item/1', '/item/2', '/item/3', '/item/4', '/item/5']
        print(fetch_threads(port, paths, workers=6) == fetch_sequential(port, paths))
        #> True
    # --8<-- [end:demo]
