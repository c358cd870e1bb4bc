# test: timeout=120
"""The same log-summary job on Dask distributed: a local cluster here, a real one by changing
one line (or setting one environment variable).

The job does not change: ``summarize_file`` and ``merge`` are the functions of
``file_processing.py``. Only who runs them does: a Dask scheduler hands the files to worker
processes, which may be on this machine (a local cluster) or on many machines.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from dask.distributed import Client, wait
from file_processing import SIZES, Summary, merge, run_sequential, summarize_file

from coursecode.logfiles import write_logs

# --8<-- [start:connect]
# Two worker processes with one thread each: the parsing is pure Python, so threads inside one
# worker would take turns on its GIL. No dashboard: it needs a free port and the bokeh package.
LOCAL_CLUSTER = {"n_workers": 2, "threads_per_worker": 1, "processes": True}
ADDRESS_VARIABLE = "DASK_SCHEDULER_ADDRESS"


def connect() -> Client:
    """A client of the cluster at $DASK_SCHEDULER_ADDRESS, else of a new local cluster."""
    address = os.environ.get(ADDRESS_VARIABLE)
    if address:
        return Client(address, timeout="30s")  # a real cluster: "tcp://scheduler.internal:8786"
    # No address: the client starts a LocalCluster, and closing the client closes it too.
    client = Client(**LOCAL_CLUSTER, dashboard_address=None)
    client.wait_for_workers(LOCAL_CLUSTER["n_workers"], timeout=60)
    return client
    # --8<-- [end:connect]


# --8<-- [start:job]
def run_dask(paths: list[Path], client: Client, timeout: float = 600) -> Summary:
    """Summarise each file on some worker, then merge the small summaries here.

    Workers open the files themselves, so on a real cluster the paths must name shared storage
    (a network file system, or object-store URLs with a matching open function).
    """
    futures = client.map(summarize_file, paths)
    wait(futures, timeout=timeout)  # bounded: a lost worker is an error, not a hang
    return merge(client.gather(futures))
    # --8<-- [end:job]


# --8<-- [start:measure]
def measure(size: str) -> dict[str, float]:
    # Imported here: workers import this module, and they need no SQLAlchemy (which it brings).
    from coursecode.measure import best_of_interleaved

    files, lines = SIZES[size]  # the same files as file_processing.py measures
    with tempfile.TemporaryDirectory() as folder:
        paths = write_logs(Path(folder), files, lines)
        started = time.perf_counter()
        with connect() as client:
            cluster_start = time.perf_counter() - started  # one cold start: scheduler, workers
            workers = len(client.scheduler_info()["workers"])
            runs = {
                "sequential": lambda: run_sequential(paths),
                "dask": lambda: run_dask(paths, client),
            }
            best = best_of_interleaved(runs)
    return {
        "sequential_s": best["sequential"],
        "dask_s": best["dask"],
        "cluster_start_s": cluster_start,
        "dask_speedup_x": best["sequential"] / best["dask"],
        "workers_n": workers,
        "files_n": files,
    }
    # --8<-- [end:measure]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with tempfile.TemporaryDirectory() as folder:
        paths = write_logs(Path(folder), files=6, lines=2_000, seed=7)
        expected = run_sequential(paths)  # in this process: the reference answer
        with connect() as client:
            print(len(client.scheduler_info()["workers"]), "workers")
            #> 2 workers
            summary = run_dask(paths, client)
        print(summary == expected, summary["requests"])
        #> True 11997
    # --8<-- [end:demo]
