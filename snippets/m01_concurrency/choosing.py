"""Threads, processes, asyncio or nothing: the decision as code.

The inputs are facts you can find out: what the work waits on, how many cores there are, and
whether the interpreter runs with a GIL (see free_threading.py). Nothing here is measured;
cpu_bound.py, io_bound.py and gil_releasing.py measure what each branch claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Work(Enum):
    IO = "waits on the network, a disk or a database"
    CPU_PYTHON = "computes in Python bytecode"
    CPU_RELEASES_GIL = "computes in C code that releases the GIL (hashlib, zlib, NumPy)"


@dataclass(frozen=True)
class Machine:
    cpus: int
    gil_enabled: bool


# A rule of thumb, not a law: past a few thousand simultaneous waits, one thread per wait costs
# more (stacks, scheduling) than an event loop does.
MANY_WAITS = 1_000


# --8<-- [start:choose]
def choose(work: Work, machine: Machine, simultaneous_waits: int = 1) -> str:
    if work is Work.IO:
        # Blocking I/O releases the GIL: threads overlap waits even on one core.
        return "asyncio" if simultaneous_waits > MANY_WAITS else "threads"
    if machine.cpus < 2:
        return "sequential"  # one core: parallelism has nowhere to run, only overhead to add
    if work is Work.CPU_RELEASES_GIL or not machine.gil_enabled:
        return "threads"  # parallel without pickling or process start-up
    return "processes"  # pure-Python CPU work under a GIL: one interpreter per core
    # --8<-- [end:choose]


if __name__ == "__main__":
    # --8<-- [start:demo]
    server = Machine(cpus=8, gil_enabled=True)
    print(choose(Work.IO, server, simultaneous_waits=50))
    #> threads
    print(choose(Work.IO, server, simultaneous_waits=10_000))
    #> asyncio
    print(choose(Work.CPU_PYTHON, server))
    #> processes
    print(choose(Work.CPU_RELEASES_GIL, server))
    #> threads
    print(choose(Work.CPU_PYTHON, Machine(cpus=8, gil_enabled=False)))
    #> threads
    print(choose(Work.CPU_PYTHON, Machine(cpus=1, gil_enabled=True)))
    #> sequential
    # --8<-- [end:demo]
