"""The unmeasured module 1 examples, imported as modules: their functions do what the page says."""

from __future__ import annotations

import os
import runpy
import threading
from typing import Any

from tests.conftest import ROOT

SNIPPETS = ROOT / "snippets/m01_concurrency"


def load(name: str) -> dict[str, Any]:
    # Not run as __main__: the demo stays quiet and only the definitions are tested.
    return runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name=f"m01_{name}")


def test_round_robin_interleaves_on_one_thread() -> None:
    cvp = load("concurrency_vs_parallelism")
    assert cvp["round_robin"](cvp["task"]("a", 2), cvp["task"]("b", 1)) == ["a:1", "b:1", "a:2"]
    seen = cvp["run_in_threads"](3)
    assert {pid for pid, _ in seen} == {os.getpid()}
    assert len({tid for _, tid in seen}) == 3


def test_increment_is_read_add_write() -> None:
    gil = load("gil_bytecode")
    assert gil["steps"](gil["increment"]) == ["read counter", "add", "write counter"]


def test_forced_interleaving_loses_an_update_and_the_lock_does_not() -> None:
    lost = load("lost_update")
    counter = lost["Counter"]()
    lost["run_threads"](lost["unsafe_increment"], 2, counter, threading.Barrier(2))
    assert counter.value == 1
    counter = lost["Counter"]()
    lost["run_threads"](lost["safe_increments"], 4, counter, threading.Lock(), 1000)
    assert counter.value == 4000


def test_choose() -> None:
    choosing = load("choosing")
    work, machine, choose = choosing["Work"], choosing["Machine"], choosing["choose"]
    gil_server = machine(cpus=4, gil_enabled=True)
    assert choose(work.IO, gil_server) == "threads"
    assert choose(work.IO, gil_server, simultaneous_waits=choosing["MANY_WAITS"] + 1) == "asyncio"
    assert choose(work.CPU_PYTHON, gil_server) == "processes"
    assert choose(work.CPU_RELEASES_GIL, gil_server) == "threads"
    assert choose(work.CPU_PYTHON, machine(cpus=4, gil_enabled=False)) == "threads"
    assert choose(work.CPU_RELEASES_GIL, machine(cpus=1, gil_enabled=True)) == "sequential"
