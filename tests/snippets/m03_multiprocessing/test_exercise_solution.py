"""exercise_solution.py: the parallel error report equals the sequential one, survives unreadable
files, and merges exactly (integer milliseconds, sums and counts)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from coursecode.logfiles import write_logs

Load = Callable[[str], ModuleType]


@pytest.fixture(scope="module")
def solution(load: Load) -> ModuleType:
    return load("exercise_solution")


@pytest.fixture
def logs(tmp_path: Path) -> list[Path]:
    return write_logs(tmp_path, files=5, lines=1_500, seed=21)


def test_parallel_report_equals_sequential(solution: ModuleType, logs: list[Path]) -> None:
    sequential = solution.merge(map(solution.report_file, logs))
    assert solution.error_report(logs, workers=2) == sequential
    assert solution.error_report(list(reversed(logs)), workers=3) == sequential
    assert sequential["failed"] == {}


def test_counts_and_means(solution: ModuleType, logs: list[Path]) -> None:
    report = solution.error_report(logs, workers=2)
    assert sum(report["requests"].values()) > 0.99 * 5 * 1_500  # all but the malformed lines
    assert report["server_errors"]["/checkout"] > 0
    assert set(report["server_errors"]) <= set(report["requests"])
    slowest = solution.slowest(report, 3)
    assert len(slowest) == 3
    assert [mean for _, mean in slowest] == sorted((mean for _, mean in slowest), reverse=True)
    assert slowest[0][1] == round(solution.mean_ms(report, slowest[0][0]), 1)
    assert slowest[0][1] > solution.mean_ms(report, "/static/style.css")


def test_unreadable_files_are_reported_not_fatal(
    solution: ModuleType, logs: list[Path], tmp_path: Path
) -> None:
    good = solution.error_report(logs, workers=2)
    truncated = tmp_path / "cut.log.gz"
    truncated.write_bytes(logs[0].read_bytes()[:3_000])
    not_gzip = tmp_path / "plain.log.gz"
    not_gzip.write_text('1.2.3.4 - - [x] "GET / HTTP/1.1" 200 1 "-" "a" 0.1\n')
    missing = tmp_path / "missing.log.gz"
    report = solution.error_report([*logs, truncated, not_gzip, missing], workers=2)
    assert report["failed"] == {
        "cut.log.gz": "EOFError",
        "plain.log.gz": "BadGzipFile",
        "missing.log.gz": "FileNotFoundError",
    }
    # A damaged file counts not at all, not in part.
    assert {**report, "failed": {}} == good


def test_empty_input(solution: ModuleType) -> None:
    report = solution.error_report([], workers=2)
    assert report == solution.empty_report()
    assert solution.slowest(report, 5) == []


def test_one_file_by_hand(solution: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "tiny.log.gz"
    lines = [
        '1.2.3.4 - - [t] "GET /api/orders/7 HTTP/1.1" 200 10 "-" "a" 0.100',
        '1.2.3.4 - - [t] "GET /api/orders/8 HTTP/1.1" 503 10 "-" "a" 0.301',
        "garbage",
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    report = solution.report_file(path)
    assert report["requests"] == {"/api/orders/{id}": 2}
    assert report["server_errors"] == {"/api/orders/{id}": 1}
    assert report["total_ms"] == {"/api/orders/{id}": 401}
    assert solution.slowest(report, 1) == [("/api/orders/{id}", 200.5)]
