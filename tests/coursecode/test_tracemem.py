import time
import tracemalloc

import pytest

from coursecode.tracemem import MIB, memory_over_time, traced


def test_traced_reports_peak_and_retained_bytes() -> None:
    def build() -> bytearray:
        scratch = bytearray(8 * MIB)  # freed before returning: counts in the peak only
        del scratch
        return bytearray(2 * MIB)

    run = traced(build)
    assert len(run.result) == 2 * MIB
    assert 8 * MIB <= run.peak < 9 * MIB
    assert 2 * MIB <= run.retained < 2.1 * MIB
    assert run.peak_mib == pytest.approx(run.peak / MIB)
    assert run.retained_mib == pytest.approx(run.retained / MIB)
    assert not tracemalloc.is_tracing()


def test_traced_leaves_a_running_tracemalloc_running() -> None:
    tracemalloc.start()
    try:
        outer = bytearray(4 * MIB)
        run = traced(lambda: bytearray(MIB))
        assert tracemalloc.is_tracing()
        assert MIB <= run.peak < 1.1 * MIB  # measured from the call's start, not from zero
        del outer
    finally:
        tracemalloc.stop()


def test_memory_over_time_rises_and_falls() -> None:
    def work() -> None:
        held = []
        for _ in range(4):
            held.append(bytearray(4 * MIB))
            time.sleep(0.02)
        held.clear()
        time.sleep(0.03)

    points = memory_over_time(work, interval=0.005)
    assert points[0] == (0.0, 0.0)
    seconds = [t for t, _ in points]
    assert seconds == sorted(seconds)
    highest = max(mib for _, mib in points)
    assert 16 <= highest < 17
    assert points[-1][1] < 1  # the last sample comes after the memory was released
    assert not tracemalloc.is_tracing()


def test_memory_over_time_needs_tracemalloc_off() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match="tracemalloc to be off"):
            memory_over_time(lambda: None)
    finally:
        tracemalloc.stop()
