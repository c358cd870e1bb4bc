"""distributed_dask.py: the job on a Dask cluster gives the sequential answer, in parallel; and the
unchanged file runs on a separately started cluster once DASK_SCHEDULER_ADDRESS names it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.snippets.m03_multiprocessing.speedup import assert_speedup

# Threads, processes and event loops timed against each other: they need the cores to
# themselves, so nox runs these after the rest, one at a time.
pytestmark = pytest.mark.serial

SNIPPET = ROOT / "snippets/m03_multiprocessing/distributed_dask.py"
START_TIMEOUT = 60
WAIT_FOR_WORKERS = f"""
import sys
from dask.distributed import Client

with Client(sys.argv[1], timeout="{START_TIMEOUT}s") as client:
    client.wait_for_workers(2, timeout={START_TIMEOUT})
"""


def test_figures(first: dict[str, float]) -> None:
    assert set(first) == {
        "sequential_s",
        "dask_s",
        "cluster_start_s",
        "dask_speedup_x",
        "workers_n",
        "files_n",
    }
    assert all(value > 0 for value in first.values())
    assert first["workers_n"] == 2


def test_two_workers_beat_one_process(first: dict[str, float]) -> None:
    assert_speedup(SNIPPET, ("dask_speedup_x",), 1.2, first)


def _dask(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


@pytest.fixture
def separate_cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and two single-threaded worker processes, started as on a real cluster (the
    ``dask scheduler`` / ``dask worker`` commands); the workers import the job's code from
    PYTHONPATH, as a real cluster's workers would from an installed package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SNIPPET.parent), str(ROOT / "src")])
    scheduler_file = tmp_path / "scheduler.json"
    common = ["--scheduler-file", str(scheduler_file), "--no-dashboard"]
    processes = [
        _dask(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", *common],
            env,
            tmp_path / "scheduler.log",
        )
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if not scheduler_file.exists():
            pytest.fail(f"no scheduler: {(tmp_path / 'scheduler.log').read_text()[-2000:]}")
        processes.append(
            _dask(
                ["distributed.cli.dask_worker", "--nworkers", "2", "--nthreads", "1", *common],
                env,
                tmp_path / "workers.log",
            )
        )
        address = json.loads(scheduler_file.read_text())["address"]
        # Wait for both workers from another interpreter: a client here would leave threads
        # behind in the test process, and later tests fork.
        subprocess.run(
            [sys.executable, "-c", WAIT_FOR_WORKERS, address],
            env=env,
            timeout=START_TIMEOUT + 30,
            check=True,
        )
        yield address
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)  # both shut down cleanly on SIGTERM
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def test_the_unchanged_file_runs_on_a_separate_cluster(separate_cluster: str) -> None:
    env = dict(os.environ, DASK_SCHEDULER_ADDRESS=separate_cluster)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, str(SNIPPET)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    expected = [
        line.strip().removeprefix("#> ")
        for line in SNIPPET.read_text().splitlines()
        if line.strip().startswith("#> ")
    ]
    assert proc.stdout.splitlines() == expected
