# test: pythons
"""Exercise solution: a leak check for a test suite, built on tracemalloc.

``leak_report(func)`` calls ``func`` repeatedly and reports how many bytes each call leaves
allocated, and which lines allocated them. ``assert_no_leak`` turns that into a test assertion.
"""

from __future__ import annotations

import gc
import linecache
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


# --8<-- [start:solution]
@dataclass(frozen=True)
class Site:
    filename: str
    lineno: int
    size_diff: int  # bytes this line's allocations grew by over the measured calls

    def code(self) -> str:
        return linecache.getline(self.filename, self.lineno).strip()

    def __str__(self) -> str:
        return f"{Path(self.filename).name}:{self.lineno} (+{self.size_diff:,} B) {self.code()}"


@dataclass(frozen=True)
class LeakReport:
    calls: int
    bytes_per_call: float
    top_sites: list[Site]  # the lines whose allocations grew the most, largest first


# Allocations by tracemalloc itself (the first snapshot, while the second is taken) are not
# the code's: leave them out.
_NOT_THE_CODE = [tracemalloc.Filter(False, tracemalloc.__file__)]


def leak_report(func: Callable[[], object], calls: int = 1000, warmup: int = 100) -> LeakReport:
    """Call ``func`` ``warmup`` times (caches fill, lazy imports happen), then ``calls`` more
    times between two snapshots; report the traced memory those calls left behind."""
    if calls < 1 or warmup < 0:
        raise ValueError("calls must be at least 1 and warmup at least 0")
    started_here = not tracemalloc.is_tracing()
    if started_here:
        tracemalloc.start()
    try:
        for _ in range(warmup):
            func()
        gc.collect()  # garbage in cycles is not a leak: collect it before each snapshot
        before = tracemalloc.take_snapshot().filter_traces(_NOT_THE_CODE)
        for _ in range(calls):
            func()
        gc.collect()
        after = tracemalloc.take_snapshot().filter_traces(_NOT_THE_CODE)
    finally:
        if started_here:  # leave tracing as we found it: a caller may be tracing too
            tracemalloc.stop()
    stats = after.compare_to(before, "lineno")
    growth = sum(stat.size_diff for stat in stats)
    sites = [
        Site(stat.traceback[0].filename, stat.traceback[0].lineno, stat.size_diff)
        for stat in stats[:3]
        if stat.size_diff > 0
    ]
    return LeakReport(calls, growth / calls, sites)


def assert_no_leak(
    func: Callable[[], object], max_bytes_per_call: float = 64, calls: int = 1000
) -> LeakReport:
    """Fail (AssertionError) if each call of ``func`` leaves more than ``max_bytes_per_call``."""
    report = leak_report(func, calls=calls)
    if report.bytes_per_call > max_bytes_per_call:
        sites = "\n  ".join(map(str, report.top_sites))
        raise AssertionError(
            f"{report.bytes_per_call:,.0f} B left allocated per call "
            f"(limit {max_bytes_per_call:,.0f} B); grew most in:\n  {sites}"
        )
    return report
    # --8<-- [end:solution]


if __name__ == "__main__":
    # --8<-- [start:demo]
    import shop_service
    import shop_service_fixed
    from shop_service import traffic

    requests = traffic(100_000)
    leaky = leak_report(lambda: shop_service.handle(next(requests)))
    print(f"leaky handler: over 2 KiB per call: {leaky.bytes_per_call > 2048}")
    #> leaky handler: over 2 KiB per call: True
    print("grew most in:", leaky.top_sites[0].code())
    #> grew most in: body = f"{request_id:08d}".encode() * (BODY_BYTES // 8)

    report = assert_no_leak(lambda: shop_service_fixed.handle(next(requests)))
    print(f"fixed handler passes: {report.bytes_per_call < 64}")
    #> fixed handler passes: True
    try:
        assert_no_leak(lambda: shop_service.handle(next(requests)))
    except AssertionError as failure:
        print("leaky handler fails:", "left allocated per call" in str(failure))
        #> leaky handler fails: True
    # --8<-- [end:demo]
