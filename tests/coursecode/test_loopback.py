"""coursecode.loopback: a real slow HTTP server on 127.0.0.1, started and stopped per test."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from coursecode import loopback


@pytest.fixture(scope="module")
def service() -> Iterator[loopback.Endpoint]:
    with loopback.serve(delay=0.01, read_timeout=0.3) as endpoint:
        yield endpoint


def get(endpoint: loopback.Endpoint, target: str, method: str = "GET") -> tuple[int, str]:
    conn = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=10)
    try:
        conn.request(method, target)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def raw(endpoint: loopback.Endpoint, data: bytes, close_write: bool = False) -> bytes:
    """Send bytes as they are; return whatever comes back before the server closes."""
    with socket.create_connection((endpoint.host, endpoint.port), timeout=10) as sock:
        sock.sendall(data)
        if close_write:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_answers_with_the_path_on_an_os_assigned_loopback_port(
    service: loopback.Endpoint,
) -> None:
    assert service.host == "127.0.0.1"
    assert service.port > 0
    assert service.url("/x") == f"http://127.0.0.1:{service.port}/x"
    assert get(service, "/item/7") == (200, "/item/7")
    assert get(service, "/item/7?delay=0") == (200, "/item/7")


def test_status_codes(service: loopback.Endpoint) -> None:
    assert get(service, "/status/404") == (404, "/status/404")
    assert get(service, "/status/503")[0] == 503
    for bad in ("/status/204", "/status/999", "/status/299", "/status/abc"):
        assert get(service, bad)[0] == 400, bad


def test_rejects_bad_requests(service: loopback.Endpoint) -> None:
    assert get(service, "/x?delay=-1")[0] == 400
    assert get(service, "/x?delay=soon")[0] == 400
    assert get(service, "/x", method="POST")[0] == 405
    assert raw(service, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400 Bad Request")
    assert raw(service, b"\xff\xfe / HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 400")


def test_drops_truncated_oversized_and_stalled_requests(service: loopback.Endpoint) -> None:
    assert raw(service, b"GET / HTTP/1.1\r\n", close_write=True) == b""  # ends mid-request
    assert raw(service, b"GET /" + b"x" * (loopback.MAX_HEAD_BYTES * 2)) == b""  # too long
    start = time.perf_counter()
    assert raw(service, b"GET / HTTP/1.1\r\n") == b""  # never finishes: read_timeout is 0.3 s
    assert time.perf_counter() - start < 5


def test_a_client_that_leaves_early_does_not_break_the_server(
    service: loopback.Endpoint,
) -> None:
    with socket.create_connection((service.host, service.port), timeout=10) as sock:
        sock.sendall(b"GET /gone?delay=0.2 HTTP/1.1\r\n\r\n")
        # Reset instead of a clean close, so the server's write fails.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.3)
    assert get(service, "/still-here") == (200, "/still-here")


def test_stats_count_requests_and_the_most_held_at_once() -> None:
    with loopback.serve(delay=0.5) as endpoint:
        assert loopback.stats(endpoint) == {"requests": 0, "in_flight": 0, "peak_in_flight": 0}
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(lambda i: get(endpoint, f"/{i}")[0], range(4)))
        assert statuses == [200] * 4
        stats = loopback.stats(endpoint)
    assert stats["requests"] == 4
    assert stats["in_flight"] == 0
    # Four requests each held for 0.5 s, sent at once: at least two must have overlapped.
    assert 2 <= stats["peak_in_flight"] <= 4


def test_stats_reports_a_server_that_misbehaves() -> None:
    class Failing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(500)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(loopback.ServerError, match="HTTP 500"):
            loopback.stats(loopback.Endpoint("127.0.0.1", server.server_address[1]))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_a_busy_port_is_reported() -> None:
    with loopback.serve(delay=0) as first:
        busy = pytest.raises(loopback.ServerError, match=r"exited .* before it listened")
        with busy, loopback.serve(delay=0, port=first.port):
            pass


def test_a_server_that_does_not_start_in_time_is_reported() -> None:
    late = pytest.raises(loopback.ServerError, match="did not start")
    with late, loopback.serve(delay=0, start_timeout=0):
        pass


def test_a_server_that_does_not_stop_in_time_is_killed() -> None:
    started = time.perf_counter()
    with loopback.serve(delay=0, stop_timeout=0) as endpoint:
        assert get(endpoint, "/x") == (200, "/x")
    assert time.perf_counter() - started < 30


def test_delay_is_checked_before_starting() -> None:
    with pytest.raises(ValueError, match="delay must be"), loopback.serve(delay=-1):
        pass
