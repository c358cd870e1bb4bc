"""io_models.py: threads and asyncio both overlap the waits of a real loopback server."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.snippets.m04_executors_asyncio.snippet import load
from tests.support.timing import measure_until

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m04_executors_asyncio/io_models.py"
CONCURRENT = ("threads", "asyncio", "threads_all", "asyncio_all")


def test_figures_are_complete(first: dict[str, float]) -> None:
    requests, delay, workers = load("io_models").SIZES["test"]
    assert (first["requests_n"], first["workers_n"], first["delay_ms_n"]) == (
        requests,
        workers,
        delay * 1000,
    )
    assert {f"{m}_s" for m in ("sequential", *CONCURRENT)} <= set(first)
    assert {f"{m}_speedup_x" for m in CONCURRENT} <= set(first)


def test_sequential_waits_for_every_answer(first: dict[str, float]) -> None:
    requests, delay, _ = load("io_models").SIZES["test"]
    assert first["sequential_s"] >= requests * delay  # the server holds each answer that long


def test_every_concurrent_model_overlaps_the_waits(first: dict[str, float]) -> None:
    # 24 requests of 25 ms with 6 in flight could reach 6x, all at once 24x; 2x is far from noise.
    def overlapped(f: dict[str, float]) -> bool:
        return all(f[f"{m}_speedup_x"] > 2 for m in CONCURRENT)

    figures = measure_until(SNIPPET, overlapped, first)
    assert overlapped(figures), figures
