# test: pythons
"""Generators and itertools pipelines versus materialised lists: same answer, different peak.

A list comprehension builds every element before the next stage starts, so a three-stage job
holds three full lists at its peak. A generator pipeline passes one element at a time through all
the stages: its peak memory does not grow with the input at all.
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from coursecode.measure import best_of
from coursecode.tracemem import traced

T = TypeVar("T")


# --8<-- [start:source]
def access_log(lines: int) -> Iterator[str]:
    """A web server's access log, one line at a time, as reading a file would give it."""
    paths = ("/", "/products", "/cart", "/checkout", "/search")
    for i in range(lines):
        status = 500 if i % 97 == 0 else 200
        yield f"10.0.{i % 256}.{i % 7} GET {paths[i % 5]}?page={i % 50} {status} {i % 9000}"


@dataclass(frozen=True, slots=True)
class Hit:
    client: str
    path: str
    status: int
    size: int


def parse(line: str) -> Hit:
    client, _method, target, status, size = line.split()
    return Hit(client, target.partition("?")[0], int(status), int(size))
    # --8<-- [end:source]


# --8<-- [start:lists]
def errors_by_path_lists(lines: Iterable[str]) -> Counter[str]:
    every_line = list(lines)  # stage 1: the whole log
    hits = [parse(line) for line in every_line]  # stage 2: a Hit per line
    errors = [hit for hit in hits if hit.status >= 500]  # stage 3: the errors
    return Counter(hit.path for hit in errors)
    # --8<-- [end:lists]


# --8<-- [start:pipeline]
def errors_by_path_pipeline(lines: Iterable[str]) -> Counter[str]:
    hits = (parse(line) for line in lines)  # nothing runs yet: these are recipes
    errors = (hit for hit in hits if hit.status >= 500)
    return Counter(hit.path for hit in errors)  # Counter pulls one line through all stages
    # --8<-- [end:pipeline]


# --8<-- [start:itertools]
if sys.version_info >= (3, 12):  # pragma: no cover - 3.12+ only; coverage is measured on 3.11
    from itertools import batched
else:

    def batched(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
        """Tuples of ``size`` items (the last may be shorter), as ``itertools.batched`` (3.12+)."""
        iterator = iter(items)
        while batch := tuple(itertools.islice(iterator, size)):
            yield batch


def first_error_clients(lines: Iterable[str], how_many: int) -> list[str]:
    """Stops reading as soon as it has found enough: islice ends the whole pipeline early."""
    errors = (hit for hit in map(parse, lines) if hit.status >= 500)
    return [hit.client for hit in itertools.islice(errors, how_many)]


def bytes_per_batch(lines: Iterable[str], size: int) -> list[int]:
    """Total response bytes per batch of lines: what a job writing in chunks would see."""
    return [sum(hit.size for hit in map(parse, batch)) for batch in batched(lines, size)]


def errors_in(*logs: Iterable[str]) -> int:
    """Errors in several logs (today's and the rotated ones): chain reads them as one stream."""
    return sum(1 for hit in map(parse, itertools.chain(*logs)) if hit.status >= 500)


def status_runs(lines: Iterable[str]) -> list[tuple[int, int]]:
    """(status, count) for each run of equal statuses in a row. groupby needs the stream in key
    order (sorted, or already in order, as here) and holds only the current group."""
    runs = itertools.groupby(map(parse, lines), key=lambda hit: hit.status)
    return [(status, sum(1 for _ in run)) for status, run in runs]
    # --8<-- [end:itertools]


SIZES = {"test": 20_000, "bench": 500_000}


def measure(size: str) -> dict[str, float]:
    lines = SIZES[size]
    as_lists = traced(lambda: errors_by_path_lists(access_log(lines)))
    as_pipeline = traced(lambda: errors_by_path_pipeline(access_log(lines)))
    if as_lists.result != as_pipeline.result:
        raise AssertionError("the pipeline must give the same answer as the lists")
    return {
        "lines_n": lines,
        "lists_peak_mib": as_lists.peak_mib,
        "pipeline_peak_kib": as_pipeline.peak / 1024,  # a few KiB: shown in KiB
        "peak_ratio_x": as_lists.peak / as_pipeline.peak,
        "lists_s": best_of(lambda: errors_by_path_lists(access_log(lines))),
        "pipeline_s": best_of(lambda: errors_by_path_pipeline(access_log(lines))),
    }


if __name__ == "__main__":
    # --8<-- [start:demo]
    lists = traced(lambda: errors_by_path_lists(access_log(20_000)))
    pipeline = traced(lambda: errors_by_path_pipeline(access_log(20_000)))
    print(pipeline.result.most_common(2))
    #> [('/', 42), ('/cart', 42)]
    print("same answer:", lists.result == pipeline.result)
    #> same answer: True
    print("pipeline peak under a tenth of the lists':", pipeline.peak < lists.peak / 10)
    #> pipeline peak under a tenth of the lists': True

    print(first_error_clients(access_log(10**9), 3))  # a billion lines: only 195 are ever made
    #> ['10.0.0.0', '10.0.97.6', '10.0.194.5']
    print(bytes_per_batch(access_log(10), 4))
    #> [6, 22, 17]
    print(list(batched("abcdefg", 3)))
    #> [('a', 'b', 'c'), ('d', 'e', 'f'), ('g',)]
    print(errors_in(access_log(100), access_log(100)))  # two logs, neither copied
    #> 4
    print(status_runs(access_log(200)))
    #> [(500, 1), (200, 96), (500, 1), (200, 96), (500, 1), (200, 5)]

    # A generator runs once: a second pass over it sees nothing.
    hits = (parse(line) for line in access_log(5))
    print(sum(hit.size for hit in hits), sum(hit.size for hit in hits))
    #> 10 0
    # --8<-- [end:demo]
