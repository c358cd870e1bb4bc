"""A real job: summarise a folder of gzip-compressed access logs, one file per task.

The same work three ways: one file after another, a ``multiprocessing.Pool`` and a
``ProcessPoolExecutor``. Each worker receives only a file *path* and sends back a small summary
made of built-in types, so almost nothing is pickled; the parent merges the summaries and checks
that every variant gives exactly the same answer.
"""

from __future__ import annotations

import gzip
import multiprocessing as mp
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TypedDict

from coursecode.logfiles import write_logs

# Chosen, not left to the platform default (fork on Linux up to 3.13): forkserver where there is
# one (POSIX), else spawn. Either way a worker inherits nothing by accident from this process.
CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
TIMEOUT = 300  # seconds a file may take: a lost or stuck worker is an error, not a hang


# --8<-- [start:summary]
LINE = re.compile(
    r'(?P<client>\S+) \S+ \S+ \[[^\]]+\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" '
    r'(?P<status>\d{3}) (?P<sent>\d+) "[^"]*" "[^"]*" (?P<seconds>\d+\.\d+)$'
)
NUMBER = re.compile(r"/\d+")
SLOW_SECONDS = 1.0
COUNTS = ("requests", "malformed", "bytes_sent", "slow")


class Summary(TypedDict):
    """What one log file, or several merged, says about the traffic.

    A plain dict at run time: small to pickle, and whoever unpickles it needs no class of ours.
    """

    requests: int
    malformed: int
    bytes_sent: int
    slow: int
    status: Counter[int]
    endpoints: Counter[str]


def empty_summary() -> Summary:
    return Summary(
        requests=0, malformed=0, bytes_sent=0, slow=0, status=Counter(), endpoints=Counter()
    )


def endpoint(path: str) -> str:
    """``/products/42?ref=x`` -> ``/products/{id}``: group requests by route, not by URL."""
    return NUMBER.sub("/{id}", path.split("?", 1)[0])


def summarize_file(path: Path) -> Summary:
    """Parse one gzip log file. Runs in a worker process: a module-level function of a path."""
    summary = empty_summary()
    with gzip.open(path, "rt", encoding="ascii", errors="replace") as lines:
        for line in lines:
            match = LINE.match(line.rstrip("\n"))
            if match is None:
                summary["malformed"] += 1  # a truncated or garbled line: count it, keep going
                continue
            summary["requests"] += 1
            summary["bytes_sent"] += int(match["sent"])
            summary["slow"] += float(match["seconds"]) >= SLOW_SECONDS
            summary["status"][int(match["status"])] += 1
            summary["endpoints"][endpoint(match["path"])] += 1
    return summary


def merge(summaries: Iterable[Summary]) -> Summary:
    """Counts add up exactly, whatever order the summaries arrive in."""
    total = empty_summary()
    for summary in summaries:
        for key in COUNTS:
            total[key] += summary[key]  # type: ignore[literal-required]
        total["status"].update(summary["status"])
        total["endpoints"].update(summary["endpoints"])
    return total
    # --8<-- [end:summary]


# --8<-- [start:runners]
def run_sequential(paths: list[Path]) -> Summary:
    return merge(map(summarize_file, paths))


def run_pool(paths: list[Path], pool: Pool) -> Summary:
    # One file per task (chunksize=1 is right for big tasks); unordered results let the parent
    # merge each summary as soon as a worker finishes it, waiting at most TIMEOUT for each.
    results = pool.imap_unordered(summarize_file, paths)
    return merge(results.next(timeout=TIMEOUT) for _ in paths)


def run_executor(paths: list[Path], executor: ProcessPoolExecutor) -> Summary:
    return merge(executor.map(summarize_file, paths, timeout=TIMEOUT * len(paths)))
    # --8<-- [end:runners]


def usable_cpus() -> int:
    """CPUs this process may use: os.process_cpu_count (3.13+) respects CPU affinity."""
    return getattr(os, "process_cpu_count", os.cpu_count)() or 1


def start_and_stop_pool(workers: int) -> None:
    with CTX.Pool(processes=workers) as pool:
        pool.map_async(abs, range(workers)).get(timeout=TIMEOUT)
        pool.close()
        pool.join()


# files x lines per file: "test" keeps the test suite quick, "bench" is the published figure.
SIZES = {"test": (8, 4_000), "bench": (16, 40_000)}


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    # Imported here: workers import this module, and they need no SQLAlchemy (which it brings).
    from coursecode.measure import best_of, best_of_interleaved

    files, lines = SIZES[size]
    workers = usable_cpus()
    with (
        tempfile.TemporaryDirectory() as folder,
        CTX.Pool(processes=workers) as pool,
        ProcessPoolExecutor(max_workers=workers, mp_context=CTX) as executor,
    ):
        paths = write_logs(Path(folder), files, lines)
        # The demo below and the tests check that all three give the same summary.
        # Pools already running, as in a service or a long job: start-up is measured apart.
        best = best_of_interleaved(
            {
                "sequential": lambda: run_sequential(paths),
                "pool": lambda: run_pool(paths, pool),
                "executor": lambda: run_executor(paths, executor),
            }
        )
        pool.close()
        pool.join()
    startup = best_of(lambda: start_and_stop_pool(workers))
    return {
        "sequential_s": best["sequential"],
        "pool_s": best["pool"],
        "executor_s": best["executor"],
        "pool_startup_s": startup,
        "pool_speedup_x": best["sequential"] / best["pool"],
        "executor_speedup_x": best["sequential"] / best["executor"],
        # The ceiling: the speed-up can approach the number of cores, never pass it.
        "pool_efficiency_pct": 100 * best["sequential"] / best["pool"] / workers,
        "workers_n": workers,
        "files_n": files,
        "lines_n": files * lines,
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with tempfile.TemporaryDirectory() as folder:
        paths = write_logs(Path(folder), files=6, lines=2_000, seed=7)
        print([path.name for path in paths[:2]])
        #> ['access-2026-03-01T00.log.gz', 'access-2026-03-01T01.log.gz']
        expected = run_sequential(paths)
        print(expected["requests"], expected["malformed"], expected["status"].most_common(3))
        #> 11997 3 [(200, 10690), (304, 999), (404, 243)]
        print(expected["endpoints"].most_common(2))
        #> [('/products/{id}', 2922), ('/static/app.js', 1488)]
        # Same summary, to the last byte counted, whichever way the files are spread:
        with CTX.Pool(processes=2) as pool:
            print(run_pool(paths, pool) == expected)
            #> True
            pool.close()  # leaving the with block alone would terminate() the workers
            pool.join()
        with ProcessPoolExecutor(max_workers=2, mp_context=CTX) as executor:
            print(run_executor(paths, executor) == expected)
            #> True
    # --8<-- [end:demo]
