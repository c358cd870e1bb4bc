"""file_processing.py: every variant gives the same summary; pools speed it up, up to the cores."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

from coursecode.logfiles import write_logs
from tests.conftest import ROOT
from tests.snippets.m03_multiprocessing.speedup import assert_speedup

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m03_multiprocessing/file_processing.py"
Load = Callable[[str], ModuleType]


def test_figures(first: dict[str, float]) -> None:
    assert set(first) == {
        "sequential_s",
        "pool_s",
        "executor_s",
        "pool_startup_s",
        "pool_speedup_x",
        "executor_speedup_x",
        "pool_efficiency_pct",
        "workers_n",
        "files_n",
        "lines_n",
    }
    assert all(value > 0 for value in first.values())
    assert (first["files_n"], first["lines_n"]) == (8, 32_000)


def test_processes_speed_up_the_job(first: dict[str, float]) -> None:
    keys = ("pool_speedup_x", "executor_speedup_x")
    figures = assert_speedup(SNIPPET, keys, 1.3, first)
    # The limit: never (beyond noise) more than one core's worth per worker.
    assert all(figures[key] < 1.15 * figures["workers_n"] for key in keys), figures


def test_a_file_summary_counts_every_line(load: Load, tmp_path: Path) -> None:
    file_processing = load("file_processing")
    (path,) = write_logs(tmp_path, files=1, lines=15_000, seed=11)
    summary = file_processing.summarize_file(path)
    with gzip.open(path, "rt") as f:
        lines = f.read().splitlines()
    assert summary["requests"] + summary["malformed"] == len(lines)
    assert summary["malformed"] > 0  # the generator cuts about one line in 5,000 short
    assert sum(summary["status"].values()) == summary["requests"]
    assert sum(summary["endpoints"].values()) == summary["requests"]
    assert 0 < summary["slow"] < summary["requests"]
    assert "/products/{id}" in summary["endpoints"]


@pytest.mark.parametrize(
    ("path", "route"),
    [("/products/42", "/products/{id}"), ("/search?q=item7", "/search"), ("/", "/")],
)
def test_endpoint(load: Load, path: str, route: str) -> None:
    assert load("file_processing").endpoint(path) == route


@pytest.mark.parametrize("files", [0, 1, 5])
def test_pool_and_executor_match_sequential(load: Load, tmp_path: Path, files: int) -> None:
    file_processing = load("file_processing")
    paths = write_logs(tmp_path, files=files, lines=500, seed=files)
    expected = file_processing.run_sequential(paths)
    with file_processing.CTX.Pool(processes=3) as pool:
        assert file_processing.run_pool(paths, pool) == expected
        pool.close()
        pool.join()
    with ProcessPoolExecutor(max_workers=3, mp_context=file_processing.CTX) as executor:
        assert file_processing.run_executor(paths, executor) == expected
    assert (expected == file_processing.empty_summary()) is (files == 0)


def test_usable_cpus(load: Load) -> None:
    assert load("file_processing").usable_cpus() >= 1
