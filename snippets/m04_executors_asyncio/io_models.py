"""The same I/O workload three ways: one request after another, a thread pool, and asyncio.

Every request goes to the slow loopback service (``coursecode.loopback``, a real HTTP server in a
child process) and waits ``delay`` seconds for its answer. The blocking client is Module 1's
``fetch`` (http.client, one connection per request); the asyncio client is ``fetch_async`` from
async_client.py (asyncio streams). Each concurrent model runs twice: capped at ``workers``
requests in flight, and with every request in flight at once.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from async_client import fetch_many

from coursecode import loopback
from coursecode.measure import best_of_interleaved

# Module 1's blocking client, imported rather than copied.
sys.path.append(str(Path(__file__).resolve().parents[1] / "m01_concurrency"))
from io_bound import fetch_sequential, fetch_threads


# --8<-- [start:models]
def run_sequential(port: int, paths: list[str]) -> list[str]:
    return fetch_sequential(port, paths)  # one blocking request after another


def run_threads(port: int, paths: list[str], workers: int) -> list[str]:
    return fetch_threads(port, paths, workers)  # ThreadPoolExecutor(workers).map(fetch, ...)


def run_asyncio(port: int, paths: list[str], limit: int) -> list[str]:
    return asyncio.run(fetch_many(port, paths, limit))  # one thread, `limit` requests in flight
    # --8<-- [end:models]


# (requests, seconds per answer, workers) per size.
SIZES = {"test": (24, 0.025, 6), "bench": (200, 0.05, 20)}


def measure(size: str) -> dict[str, float]:
    requests, delay, workers = SIZES[size]
    paths = [f"/item/{i}" for i in range(requests)]
    with loopback.serve(delay) as service:
        port = service.port
        best = best_of_interleaved(
            {
                "sequential": lambda: run_sequential(port, paths),
                "threads": lambda: run_threads(port, paths, workers),
                "asyncio": lambda: run_asyncio(port, paths, workers),
                "threads_all": lambda: run_threads(port, paths, requests),
                "asyncio_all": lambda: run_asyncio(port, paths, requests),
            }
        )
    figures = {f"{name}_s": seconds for name, seconds in best.items()}
    for name in ("threads", "asyncio", "threads_all", "asyncio_all"):
        figures[f"{name}_speedup_x"] = best["sequential"] / best[name]
    figures |= {"requests_n": requests, "workers_n": workers, "delay_ms_n": delay * 1000}
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    paths = [f"/item/{i}" for i in range(8)]
    with loopback.serve(delay=0.02) as service:
        sequential = run_sequential(service.port, paths)
        print(sequential[:3])
        #> ['/item/0', '/item/1', '/item/2']
        threads = run_threads(service.port, paths, workers=4)
        in_asyncio = run_asyncio(service.port, paths, limit=4)
    print(sequential == threads == in_asyncio == paths)
    #> True
    # --8<-- [end:demo]
