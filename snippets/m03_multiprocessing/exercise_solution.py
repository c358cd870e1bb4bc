"""Exercise solution: which endpoints are slow and which fail, over a folder of access logs.

Requirements (from the exercise): one file per task in a process pool with a chosen start
method; per endpoint, the number of requests, of server errors (5xx) and the mean response time;
a file that cannot be read is reported by name and does not stop the job; the parallel report is
identical to the sequential one.
"""

from __future__ import annotations

import gzip
import multiprocessing as mp
import tempfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypedDict

from file_processing import LINE, endpoint

from coursecode.logfiles import write_logs

CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")


# --8<-- [start:solution]
class Report(TypedDict):
    """Sums and counts only: they merge exactly, in any order (averages of averages do not).

    A plain dict at run time, like file_processing.py's Summary: small to pickle.
    """

    requests: Counter[str]
    server_errors: Counter[str]
    total_ms: Counter[str]  # whole milliseconds: integer sums are exact whatever the order
    failed: dict[str, str]  # file name -> error type


COUNTERS = ("requests", "server_errors", "total_ms")


def empty_report() -> Report:
    return Report(requests=Counter(), server_errors=Counter(), total_ms=Counter(), failed={})


def report_file(path: Path) -> Report:
    """One task: a whole file counts, or none of it does (its name goes to ``failed``)."""
    report = empty_report()
    try:
        with gzip.open(path, "rt", encoding="ascii", errors="replace") as lines:
            for line in lines:
                match = LINE.match(line.rstrip("\n"))
                if match is None:
                    continue  # a malformed line: file_processing.py counts these
                route = endpoint(match["path"])
                report["requests"][route] += 1
                report["server_errors"][route] += match["status"].startswith("5")
                report["total_ms"][route] += round(float(match["seconds"]) * 1000)
    except (OSError, EOFError) as exc:  # missing, not gzip (BadGzipFile), or cut short
        return {**empty_report(), "failed": {path.name: type(exc).__name__}}
    return report


def merge(reports: Iterable[Report]) -> Report:
    total = empty_report()
    for report in reports:
        for key in COUNTERS:
            total[key].update(report[key])  # type: ignore[literal-required]
        total["failed"].update(report["failed"])
    return total


def mean_ms(report: Report, route: str) -> float:
    return report["total_ms"][route] / report["requests"][route]


def slowest(report: Report, count: int) -> list[tuple[str, float]]:
    means = [(route, round(mean_ms(report, route), 1)) for route in report["requests"]]
    return sorted(means, key=lambda item: (-item[1], item[0]))[:count]


def error_report(paths: list[Path], workers: int, timeout: float = 600) -> Report:
    with ProcessPoolExecutor(max_workers=workers, mp_context=CTX) as executor:
        # chunksize=1: each task is a file. The timeout bounds the whole job.
        return merge(executor.map(report_file, paths, timeout=timeout))
    # --8<-- [end:solution]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with tempfile.TemporaryDirectory() as folder:
        paths = write_logs(Path(folder), files=4, lines=3_000, seed=3)
        damaged = Path(folder, "access-damaged.log.gz")
        damaged.write_bytes(paths[0].read_bytes()[:5_000])  # a copy cut short mid-transfer
        paths += [damaged, Path(folder, "access-missing.log.gz")]
        report = error_report(paths, workers=2)
        print(report == merge(map(report_file, paths)))
        #> True
        print(slowest(report, 2))
        #> [('/checkout', 376.6), ('/search', 145.4)]
        print(report["server_errors"].most_common(2))
        #> [('/checkout', 14), ('/products/{id}', 10)]
        print(report["failed"])
        #> {'access-damaged.log.gz': 'EOFError', 'access-missing.log.gz': 'FileNotFoundError'}
    # --8<-- [end:demo]
