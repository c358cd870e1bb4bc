"""exercise_solution.py: fetch_report keeps order and the limit, reports failures, never blocks
the loop with the parser.

To grade your own solution, point SOLUTION at your file: it must define ``fetch_report`` and
``fetch_report_queue``, and may import ``fetch_async`` and ``HTTPError`` from async_client.py as
the model solution does. Every test runs against both versions.
"""

from __future__ import annotations

import asyncio
import runpy
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator

import pytest

from coursecode import loopback
from tests.snippets.m04_executors_asyncio.snippet import SNIPPETS, load

load("async_client")  # puts the snippets' folder on sys.path for the solution's own imports
SOLUTION = runpy.run_path(str(SNIPPETS / "exercise_solution.py"), run_name="m04_exercise")


@pytest.fixture(scope="module")
def service() -> Iterator[loopback.Endpoint]:
    with loopback.serve(delay=0.05) as endpoint:
        yield endpoint


@pytest.fixture(params=["fetch_report", "fetch_report_queue"])
def report(request: pytest.FixtureRequest) -> Callable[..., list[tuple]]:
    fetch = SOLUTION[request.param]

    def run(port: int, paths: list[str], **options: object) -> list[tuple]:
        options = {"limit": 3, "timeout": 2.0, "parse": len} | options
        outcomes = asyncio.run(fetch(port, paths, **options))
        return [(o.path, o.value, o.error) for o in outcomes]

    return run


def test_values_in_input_order(service: loopback.Endpoint, report: Callable) -> None:
    paths = [f"/{'x' * n}" for n in (5, 1, 3, 8, 2)]
    assert report(service.port, paths) == [(p, len(p), None) for p in paths]


def test_empty_input(service: loopback.Endpoint, report: Callable) -> None:
    assert report(service.port, []) == []


def test_at_most_limit_requests_in_flight(report: Callable) -> None:
    with loopback.serve(delay=0.1) as endpoint:
        report(endpoint.port, [f"/{i}" for i in range(12)], limit=3)
        peak = loopback.stats(endpoint)["peak_in_flight"]
    assert 1 <= peak <= 3


def test_failures_become_outcomes(service: loopback.Endpoint, report: Callable) -> None:
    outcomes = report(service.port, ["/ok", "/status/500", "/late?delay=5", "/fine"], timeout=1.0)
    assert outcomes[0] == ("/ok", 3, None)
    assert outcomes[1][:2] == ("/status/500", None) and "500" in outcomes[1][2]
    assert outcomes[2][:2] == ("/late?delay=5", None) and outcomes[2][2]
    assert outcomes[3] == ("/fine", 5, None)


def test_a_parse_that_raises_becomes_that_paths_outcome(
    service: loopback.Endpoint, report: Callable
) -> None:
    def parse(body: str) -> int:
        if body == "/broken":
            raise ValueError("not a record")
        return len(body)

    outcomes = report(service.port, ["/a", "/broken", "/ccc"], parse=parse)
    assert outcomes[0] == ("/a", 2, None)
    assert outcomes[1][:2] == ("/broken", None) and "not a record" in outcomes[1][2]
    assert outcomes[2] == ("/ccc", 4, None)


def test_a_failed_connection_becomes_an_outcome(report: Callable) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcomes = report(port, ["/a", "/b"], timeout=5.0)
    assert [outcome[:2] for outcome in outcomes] == [("/a", None), ("/b", None)]
    assert all(outcome[2] for outcome in outcomes), outcomes


@pytest.mark.parametrize("answer", [b"not http at all", b"HTTP/1.1 two-hundred OK\r\n\r\nx"])
def test_an_answer_that_is_not_http_becomes_an_outcome(report: Callable, answer: bytes) -> None:
    class Garbled(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(4096)
            self.request.sendall(answer)

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Garbled) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            outcomes = report(server.server_address[1], ["/a", "/b"])
        finally:
            server.shutdown()
            thread.join(timeout=5)
    assert [outcome[:2] for outcome in outcomes] == [("/a", None), ("/b", None)]
    assert all("not an HTTP answer" in outcome[2] for outcome in outcomes), outcomes


def test_parse_runs_off_the_event_loop_thread(service: loopback.Endpoint, report: Callable) -> None:
    threads: set[int] = set()

    def parse(body: str) -> int:
        threads.add(threading.get_ident())
        return len(body)

    assert report(service.port, ["/a", "/b"], parse=parse) == [("/a", 2, None), ("/b", 2, None)]
    # asyncio.run() runs the loop in this (the calling) thread.
    assert threads and threading.get_ident() not in threads


def test_limit_must_be_positive(service: loopback.Endpoint, report: Callable) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        report(service.port, ["/a"], limit=0)
