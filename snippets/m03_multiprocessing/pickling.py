"""What crosses a process boundary is pickled: what can be, and what it costs.

A worker process shares no memory with its parent. The function to run, its arguments and its
result are pickled, written to a pipe, read and unpickled on the other side. Functions travel as
a *name* (module and qualified name) that the worker imports, which is why lambdas and functions
defined inside other functions cannot go. Data travels as bytes, and its shape decides the cost:
a list of dicts is pickled object by object, an ``array`` of numbers as one block of bytes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import sqlite3
import threading
from array import array
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing

CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")


# --8<-- [start:what]
def total_bytes(records: list[dict[str, object]]) -> int:
    return sum(record["bytes"] for record in records)  # type: ignore[misc]


def can_pickle(obj: object) -> bool:
    try:
        pickle.dumps(obj)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False  # the three errors pickle raises for "cannot be pickled"
    return True


def picklability() -> dict[str, bool]:
    with open(os.devnull) as file, closing(sqlite3.connect(":memory:")) as connection:
        candidates = {
            "module-level function": total_bytes,
            "lambda": lambda record: record["bytes"],
            "threading.Lock": threading.Lock(),
            "sqlite3 connection": connection,
            "open file": file,
            "generator": (n for n in range(3)),
        }
        return {name: can_pickle(candidate) for name, candidate in candidates.items()}
    # --8<-- [end:what]


# --8<-- [start:shape]
def make_records(count: int) -> list[dict[str, object]]:
    """Parsed log lines, as code often holds them: one small dict per request."""
    return [
        {"status": 200, "bytes": 1_000 + n % 5_000, "path": f"/products/{n % 2_000}"}
        for n in range(count)
    ]


def bytes_column(records: list[dict[str, object]]) -> array:
    """Only what the worker needs, in a compact form: one 8-byte integer per request."""
    return array("q", (record["bytes"] for record in records))  # type: ignore[misc]


def pickled_mib(obj: object) -> float:
    return len(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)) / 2**20
    # --8<-- [end:shape]


SIZES = {"test": 50_000, "bench": 500_000}


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    from coursecode.measure import best_of  # here: workers import this module, not SQLAlchemy

    records = make_records(SIZES[size])
    column = bytes_column(records)
    with ProcessPoolExecutor(max_workers=1, mp_context=CTX) as executor:
        executor.submit(sum, [0]).result()  # start the worker before timing
        runs = {
            "in_process": lambda: total_bytes(records),
            "pickle_round_trip": lambda: pickle.loads(pickle.dumps(records)),  # noqa: S301
            "worker_records": lambda: executor.submit(total_bytes, records).result(),
            "worker_array": lambda: executor.submit(sum, column).result(),
        }
        best = {name: best_of(run) for name, run in runs.items()}
    return {
        **{f"{name}_s": seconds for name, seconds in best.items()},
        "records_mib": pickled_mib(records),
        "array_mib": pickled_mib(column),
        "worker_records_vs_in_process_x": best["worker_records"] / best["in_process"],
        "worker_records_vs_array_x": best["worker_records"] / best["worker_array"],
        "records_n": len(records),
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(picklability())
    '''
    {
        'module-level function': True,
        'lambda': False,
        'threading.Lock': False,
        'sqlite3 connection': False,
        'open file': False,
        'generator': False,
    }
    '''
    # A function is pickled as its module and name, a few dozen bytes, not as its code:
    print(pickle.loads(pickle.dumps(total_bytes)) is total_bytes)  # noqa: S301
    #> True
    records = make_records(10_000)
    print(round(pickled_mib(records) / pickled_mib(bytes_column(records))))
    #> 4
    with ProcessPoolExecutor(max_workers=1, mp_context=CTX) as executor:
        from_records = executor.submit(total_bytes, records).result()
        from_array = executor.submit(sum, bytes_column(records)).result()
    print(from_records == from_array == total_bytes(records))
    #> True
    # --8<-- [end:demo]
