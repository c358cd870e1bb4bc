# test: pythons
"""``del`` gives memory back to Python's allocator, not necessarily to the operating system.

pymalloc returns an arena to the OS only when every block in it is free. Free all the objects
and the arenas go back; keep one object in a thousand alive and almost every arena still holds
one, so the process's resident memory (RSS) hardly falls, although 99.9% of the objects are gone.
The space is not lost: new small objects reuse the free blocks without growing the process.

The demo prints what pymalloc reports (arena counts, which are reproducible); ``measure()`` runs
each case in a fresh process and reports the operating system's view, the RSS.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import psutil
from pymalloc_stats import malloc_stats

MIB = 1024 * 1024
KEEP_EVERY = 1000  # keep one object in this many alive
COUNTS = {"test": 400_000, "bench": 2_000_000}  # float objects built per case


def rss_mib() -> float:
    """Resident set size of this process: the memory the OS has actually given it."""
    return psutil.Process().memory_info().rss / MIB


# --8<-- [start:scenario]
def build(count: int) -> list[float]:
    return [float(n) for n in range(count)]  # each float is its own 32-byte pymalloc block


def release(data: list[float], keep_every: int) -> list[float]:
    """Drop every object in ``data`` except one in ``keep_every`` (0: keep none)."""
    survivors = data[::keep_every] if keep_every else []
    data.clear()
    return survivors


def scenario(count: int, keep_every: int) -> dict[str, float]:
    """Build, release, build again; RSS (MiB) and pymalloc arenas after each step."""
    start_rss, start_arenas = rss_mib(), malloc_stats().arenas
    data = build(count)
    built_rss, built_arenas = rss_mib(), malloc_stats().arenas
    survivors = release(data, keep_every)
    held_rss, held_arenas = rss_mib(), malloc_stats().arenas
    again = build(count // 2)  # new objects of the same size: do they need new memory?
    rebuilt_rss = rss_mib()
    result = {
        "built_mib": built_rss - start_rss,
        "held_mib": held_rss - start_rss,
        "rebuild_growth_mib": rebuilt_rss - held_rss,
        "built_arenas": built_arenas - start_arenas,
        "held_arenas": held_arenas - start_arenas,
        "survivors": len(survivors),
    }
    del again, survivors
    return result
    # --8<-- [end:scenario]


def in_fresh_process(count: int, keep_every: int) -> dict[str, float]:
    """Run ``scenario`` in a new interpreter, so earlier work cannot blur its RSS."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(scenario, count, keep_every).result(timeout=300)


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    count = COUNTS[size]
    freed = in_fresh_process(count, keep_every=0)
    sparse = in_fresh_process(count, keep_every=KEEP_EVERY)
    return {
        "built_mib": sparse["built_mib"],
        "freed_all_held_mib": freed["held_mib"],
        "freed_all_held_pct": 100 * freed["held_mib"] / freed["built_mib"],
        "kept_sparse_held_mib": sparse["held_mib"],
        "kept_sparse_held_pct": 100 * sparse["held_mib"] / sparse["built_mib"],
        "survivors_n": sparse["survivors"],
        "rebuild_growth_mib": sparse["rebuild_growth_mib"],
        "objects_n": count,
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    freed = scenario(300_000, keep_every=0)
    sparse = scenario(300_000, keep_every=KEEP_EVERY)
    print(f"survivors: {freed['survivors']} and {sparse['survivors']}")
    #> survivors: 0 and 300
    # Everything freed: the arenas go back to the OS (pymalloc may keep one spare).
    print(freed["held_arenas"] < freed["built_arenas"] / 4)
    #> True
    # One object in a thousand kept: nearly every arena stays.
    print(sparse["held_arenas"] > sparse["built_arenas"] * 0.9)
    #> True
    # --8<-- [end:demo]
