# test: pythons
"""Case study: the quote service's memory grows with traffic. Find why, fix it, prove it.

The steps are the ones to follow on any leak: confirm that memory grows under a steady load,
find which lines allocate what stays alive (tracemalloc), find who keeps it alive (objgraph),
fix, and measure before and after. ``measure()`` and ``series()`` produce the page's figures and
its memory-over-time plot; ``images()`` draws the reference graph.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import objgraph
import shop_service as leaky
import shop_service_fixed as fixed
from memory_profiler import memory_usage
from objgraph_tools import backrefs_svg, global_name
from shop_service import BODY_BYTES, Request, serve, traffic
from tracemalloc_basics import source

HERE = Path(__file__).resolve().parent
Handler = Callable[[Request], str]


# --8<-- [start:step1]
def traced_after_batches(handle: Handler, batches: int, size: int, start: int) -> list[int]:
    """Traced memory after each batch of ``size`` requests: flat if nothing accumulates."""
    readings = []
    tracemalloc.start()
    try:
        for batch in range(batches):
            serve(handle, traffic(size, start=start + batch * size))
            gc.collect()  # count only what is really still referenced
            readings.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    return readings


def per_request(readings: list[int], size: int) -> float:
    """Bytes kept alive per request, from the first reading to the last."""
    return (readings[-1] - readings[0]) / (size * (len(readings) - 1))
    # --8<-- [end:step1]


# --8<-- [start:step2]
def service_sites(
    handle: Handler, requests: int, start: int, group_by: str
) -> list[tracemalloc.StatisticDiff]:
    """What ``requests`` more requests left allocated, grouped by ``group_by``, limited to
    allocations whose innermost frame is in the service's code."""
    gc.collect()
    tracemalloc.start(5)  # five frames per allocation: enough to see the callers
    try:
        before = tracemalloc.take_snapshot()
        serve(handle, traffic(requests, start=start))
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()  # the snapshots stay usable, and comparing them untraced is faster
    # Filtering the statistics is much cheaper than filter_traces() on a big snapshot.
    return [
        stat
        for stat in after.compare_to(before, group_by)
        if Path(stat.traceback[-1].filename).name.startswith("shop_service")
    ]
    # --8<-- [end:step2]


# --8<-- [start:step3]
def grown_types(work: Callable[[], object]) -> dict[str, int]:
    """How many more objects of each type are alive after ``work()``."""
    objgraph.growth(limit=None)  # record the counts now
    work()
    return {name: delta for name, _, delta in objgraph.growth(limit=None)}


def holders(obj: object, limit: int = 5) -> list[str]:
    """Each module-level name that reaches ``obj`` (``limit`` at most), with the chain of types
    from it."""
    found: list[str] = []
    ignore: list[int] = []
    while len(found) < limit:
        chain = objgraph.find_backref_chain(obj, objgraph.is_proper_module, extra_ignore=ignore)
        if len(chain) == 1:  # no (more) chains from a module
            break
        name = global_name(chain[1], chain[2])  # chain: module, its __dict__, the global, ...
        types = " -> ".join(type(link).__name__ for link in chain)
        found.append(f"{chain[0].__name__}.{name}: {types}")
        ignore.append(id(chain[2]))  # look for the next chain without this one
    return found
    # --8<-- [end:step3]


# --8<-- [start:mprof]
def rss_over_time(script: Path, requests: int, interval: float = 0.01) -> list[tuple[float, float]]:
    """Run ``script`` in its own process and sample its resident memory, as ``mprof run`` does:
    [(seconds since start, MiB), ...]."""
    with subprocess.Popen(  # noqa: S603 - our interpreter running our script, no shell
        [sys.executable, str(script), "--requests", str(requests)], stdout=subprocess.DEVNULL
    ) as proc:
        samples = memory_usage(proc, interval=interval, timestamps=True)
        if proc.wait(timeout=300) != 0:
            raise RuntimeError(f"{script.name} exited with status {proc.returncode}")
    # A process that has just exited reads as 0 MiB: keep the samples from while it ran.
    samples = [(mib, at) for mib, at in samples if mib > 0]
    return [(at - samples[0][1], mib) for mib, at in samples]
    # --8<-- [end:mprof]


def traced_growth(handle: Handler, requests: int) -> int:
    """Bytes still traced after ``requests`` requests, once a first batch has warmed up."""
    tracemalloc.start()
    try:
        serve(handle, traffic(1000))  # warm-up: caches fill, lazy imports happen
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        serve(handle, traffic(requests, start=1000))
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


REQUESTS = {"test": 8_000, "bench": 50_000}
SCRIPTS = {"leaky": HERE / "shop_service.py", "fixed": HERE / "shop_service_fixed.py"}


def series(size: str) -> dict[str, list[tuple[float, float]]]:
    """Memory over time of the service before and after the fix, under the same traffic."""
    return {name: rss_over_time(script, REQUESTS[size]) for name, script in SCRIPTS.items()}


def measure(size: str) -> dict[str, float]:
    requests = REQUESTS[size]
    figures: dict[str, float] = {"requests_n": requests}
    for name, handle in (("leaky", leaky.handle), ("fixed", fixed.handle)):
        figures[f"{name}_growth_mib"] = traced_growth(handle, requests) / 2**20
    for name, script in SCRIPTS.items():
        idle = max(mib for _, mib in rss_over_time(script, 0))
        peak = max(mib for _, mib in rss_over_time(script, requests))
        figures[f"{name}_peak_rss_mib"] = peak
        # What the traffic added at the peak (sampling noise can push a flat line just below 0).
        figures[f"{name}_requests_rss_mib"] = max(0.0, peak - idle)
    figures["fixed_growth_pct"] = 100 * figures["fixed_growth_mib"] / figures["leaky_growth_mib"]
    figures["leaky_bytes_per_request_n"] = figures["leaky_growth_mib"] * 2**20 / requests
    return figures


def images(out_dir: Path, prefix: str) -> list[Path]:
    """The reference graph of one leaked request, drawn by Graphviz (committed with the page)."""
    serve(leaky.handle, traffic(200))
    return [backrefs_svg([leaky.RECENT_REQUESTS[-1]], out_dir / f"{prefix}__backrefs.svg")]


def main() -> None:
    # --8<-- [start:demo1]
    readings = traced_after_batches(leaky.handle, batches=4, size=500, start=0)
    print("memory grows with every batch:", readings == sorted(set(readings)))
    #> memory grows with every batch: True
    leaked = per_request(readings, size=500)
    print("each request leaves more than its 2 KiB body behind:", leaked > BODY_BYTES)
    #> each request leaves more than its 2 KiB body behind: True
    # --8<-- [end:demo1]

    # --8<-- [start:demo2]
    for stat in service_sites(leaky.handle, 1000, start=2000, group_by="lineno")[:3]:
        print(source(stat.traceback[-1]))
        #> shop_service.py: body = f"{request_id:08d}".encode() * (BODY_BYTES // 8)
        #> shop_service.py: return respond(request, quote(request))
        #> shop_service.py: yield Request(request_id, customer, sku, quantity, body)
    # The biggest site's stack, innermost first: the traffic simulator (the web framework, in
    # production) makes the bodies for serve(). Where memory is allocated is not the bug.
    top = service_sites(leaky.handle, 1000, start=3000, group_by="traceback")[0]
    for frame in reversed(top.traceback):
        if Path(frame.filename).name == "shop_service.py":
            print("  in", source(frame))
            #>   in shop_service.py: body = f"{request_id:08d}".encode() * (BODY_BYTES // 8)
            #>   in shop_service.py: for request in requests:
    # --8<-- [end:demo2]

    # --8<-- [start:demo3]
    grown = grown_types(lambda: serve(leaky.handle, traffic(500, start=4000)))
    print(f"500 requests later: {grown['Request']} more Request, {grown['Quote']} more Quote")
    #> 500 requests later: 500 more Request, 500 more Quote
    for held in holders(leaky.RECENT_REQUESTS[-1]):
        print(held)
        #> shop_service.RECENT_REQUESTS: module -> dict -> list -> Request
        #> shop_service.quote: module -> dict -> _lru_cache_wrapper -> dict -> tuple -> Request
    # --8<-- [end:demo3]

    # --8<-- [start:demo4]
    serve(fixed.handle, traffic(1000, start=0))  # warm-up: the bounded caches fill up
    after_fix = per_request(traced_after_batches(fixed.handle, 4, 500, start=1000), size=500)
    print(f"fixed: under 1% of the leak per request: {after_fix < leaked / 100}")
    #> fixed: under 1% of the leak per request: True
    grown = grown_types(lambda: serve(fixed.handle, traffic(500, start=3000)))
    print("fixed: more Request or Quote objects:", "Request" in grown or "Quote" in grown)
    #> fixed: more Request or Quote objects: False
    # --8<-- [end:demo4]


if __name__ == "__main__":
    main()
