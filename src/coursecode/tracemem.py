"""How much memory one call allocates, seen by :mod:`tracemalloc`.

``traced(func)`` runs ``func()`` with tracemalloc on and reports two numbers:

* ``peak``: the most memory the call had allocated at any moment (its high-water mark above the
  starting point), which is what decides whether a job fits in a container's memory limit;
* ``retained``: what it still held when it returned, i.e. what the result keeps alive.

tracemalloc sees only memory allocated through Python's allocators (objects, and libraries such
as NumPy that report their buffers to it); memory a C library mallocs for itself, such as a
database driver's result buffer, is invisible to it. It also slows the traced code down (the
CPython developers measured about 3.3x on pyperformance, cpython PR #151935), so time code
without it.

``memory_over_time(func)`` samples the same measure while ``func()`` runs, for a plot of memory
against time.
"""

from __future__ import annotations

import gc
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MIB = 1024 * 1024


@dataclass(frozen=True)
class Traced(Generic[T]):
    """What :func:`traced` saw: the call's result and its memory, in bytes."""

    result: T
    peak: int
    retained: int

    @property
    def peak_mib(self) -> float:
        return self.peak / MIB

    @property
    def retained_mib(self) -> float:
        return self.retained / MIB


def traced(func: Callable[[], T]) -> Traced[T]:
    """Run ``func()`` under tracemalloc; return its result, peak and retained bytes.

    Garbage is collected first, so that memory freed by earlier work is not counted as freed
    during this call. If tracemalloc is already running (``python -X tracemalloc``, or an outer
    ``traced``), it is left running, but its peak is reset.
    """
    gc.collect()
    started_here = not tracemalloc.is_tracing()
    if started_here:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = func()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        if started_here:
            tracemalloc.stop()
    return Traced(result, peak - before, after - before)


def memory_over_time(
    func: Callable[[], object], interval: float = 0.01
) -> list[tuple[float, float]]:
    """(seconds since the start, MiB) points of traced memory while ``func()`` runs.

    A sampling thread wakes every ``interval`` seconds and records the highest traced memory
    since its previous sample (tracemalloc's peak, then reset), so the highest point of the line
    is the call's true peak even if it lasted less than one interval. The first point is
    (0, 0); the last is taken when ``func`` returns. Needs tracemalloc not already running.
    """
    if tracemalloc.is_tracing():
        raise RuntimeError("memory_over_time() needs tracemalloc to be off: it resets the peak")
    points = [(0.0, 0.0)]
    finished = threading.Event()
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    start = time.perf_counter()

    def sample() -> None:
        done = False
        while not done:
            done = finished.wait(interval)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            points.append((time.perf_counter() - start, max(peak - base, 0) / MIB))

    sampler = threading.Thread(target=sample, name="memory_over_time", daemon=True)
    sampler.start()
    try:
        func()
    finally:
        finished.set()
        sampler.join()
        tracemalloc.stop()
    return points
