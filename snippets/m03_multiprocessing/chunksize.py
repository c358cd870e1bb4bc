"""Many tiny tasks: ``chunksize`` decides how many travel to a worker in one message.

``ProcessPoolExecutor.map`` and ``Pool.imap`` send one item per message by default
(``chunksize=1``), so each item costs a pickle, a pipe write and a wake-up of the worker and of
the result handler: far more than parsing one log line. ``Pool.map`` computes a chunk size
itself (about four chunks per worker). Same results either way; very different times.
"""

from __future__ import annotations

import multiprocessing as mp
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

from coursecode.logfiles import log_lines

CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
STATUS = re.compile(r'" (\d{3}) ')


# --8<-- [start:task]
def status_of(line: str) -> int:
    """A tiny task, a few microseconds: the HTTP status of one log line (0 if it is cut short)."""
    match = STATUS.search(line)
    return int(match[1]) if match else 0


def pool_map_chunksize(items: int, workers: int) -> int:
    """What ``Pool.map`` picks when given no chunksize (CPython Lib/multiprocessing/pool.py)."""
    chunksize, extra = divmod(items, workers * 4)
    return chunksize + 1 if extra else chunksize


def statuses(lines: list[str], executor: ProcessPoolExecutor, chunksize: int = 1) -> Counter[int]:
    return Counter(executor.map(status_of, lines, chunksize=chunksize, timeout=600))
    # --8<-- [end:task]


SIZES = {"test": 2_000, "bench": 50_000}
WORKERS = 2


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    from coursecode.measure import best_of_interleaved  # here: workers need no SQLAlchemy

    lines = list(log_lines(0, SIZES[size]))
    chunk = pool_map_chunksize(len(lines), WORKERS)
    with (
        ProcessPoolExecutor(max_workers=WORKERS, mp_context=CTX) as executor,
        CTX.Pool(processes=WORKERS) as pool,
    ):
        best = best_of_interleaved(
            {
                "sequential": lambda: Counter(map(status_of, lines)),
                "chunksize_1": lambda: statuses(lines, executor),  # the default
                "chunked": lambda: statuses(lines, executor, chunk),
                # map_async chunks exactly as map does, and its get() takes a timeout
                "pool_map_default": lambda: Counter(
                    pool.map_async(status_of, lines).get(timeout=600)
                ),
            }
        )
        pool.close()
        pool.join()
    return {
        **{f"{name}_s": seconds for name, seconds in best.items()},
        "chunked_vs_chunksize_1_x": best["chunksize_1"] / best["chunked"],
        "chunked_vs_sequential_x": best["sequential"] / best["chunked"],
        "tasks_n": len(lines),
        "chunksize_n": chunk,
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    lines = list(log_lines(0, 2_000))
    print(pool_map_chunksize(len(lines), workers=2))
    #> 250
    with ProcessPoolExecutor(max_workers=2, mp_context=CTX) as executor:
        one_by_one = statuses(lines, executor)
        chunked = statuses(lines, executor, chunksize=250)
    print(one_by_one == chunked == Counter(map(status_of, lines)), chunked.most_common(2))
    #> True [(200, 1759), (304, 182)]
    # --8<-- [end:demo]
