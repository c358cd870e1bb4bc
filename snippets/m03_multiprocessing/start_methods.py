# test: pythons
"""``Process`` and ``Pool``, and the three ways a child process can start.

* ``fork`` copies the parent as it is: globals, open files, locks, threads' leftovers.
* ``spawn`` starts a fresh interpreter that imports the main module (as ``__mp_main__``) and
  receives the target and arguments pickled.
* ``forkserver`` forks each child from a small server process started early, itself fresh.

The demo names the method every time instead of trusting the platform default, so it prints the
same on Linux, macOS and every Python from 3.10 (fork and forkserver need a POSIX system).
"""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
import tempfile
from multiprocessing.queues import Queue
from pathlib import Path

METHODS = ("fork", "spawn", "forkserver")


# --8<-- [start:default]
def documented_default(platform: str, version: tuple[int, int]) -> str:
    """The default start method, per the multiprocessing docs ("Contexts and start methods")."""
    if platform == "win32":
        return "spawn"
    if platform == "darwin":
        return "spawn" if version >= (3, 8) else "fork"  # fork can crash macOS system libraries
    return "forkserver" if version >= (3, 14) else "fork"  # other POSIX systems
    # --8<-- [end:default]


# --8<-- [start:process]
def square(n: int) -> int:
    return n * n


def run_process(method: str) -> int | None:
    """Start one child that exits with status 3; return the status its parent sees."""
    child = mp.get_context(method).Process(target=sys.exit, args=(3,), name="exits-with-3")
    child.start()
    child.join(timeout=30)  # always bound a join: a stuck child must not hang the parent
    return child.exitcode  # None if it is still running; -N if signal N killed it


def run_pool(method: str) -> tuple[list[int], str]:
    with mp.get_context(method).Pool(processes=2) as pool:
        squares = pool.map_async(square, range(6)).get(timeout=30)  # map() has no timeout
        pending = pool.apply_async(int, ("not a number",))
        try:
            outcome = f"returned {pending.get(timeout=30)!r}"
        except ValueError as exc:  # raised in the worker, re-raised here by get()
            outcome = f"{type(exc).__name__} from the worker"
        pool.close()  # no more tasks; the with block alone would terminate() the workers
        pool.join()
    return squares, outcome
    # --8<-- [end:process]


# --8<-- [start:inherit]
SETTINGS = {"region": "default"}  # main() changes it at run time, as a CLI or config loader would


def report(results: Queue) -> None:
    """Runs in the child: what did it inherit, and under which name is the main module loaded?"""
    results.put((SETTINGS["region"], sys.modules["__main__"].__name__))


def run_child(method: str) -> tuple[str, str]:
    context = mp.get_context(method)
    results = context.Queue()
    child = context.Process(target=report, args=(results,))
    child.start()
    answer = results.get(timeout=30)  # read before join: a child with unflushed data waits
    child.join(timeout=30)
    return answer
    # --8<-- [end:inherit]


# --8<-- [start:guard]
UNGUARDED = """\
import multiprocessing as mp

def work():
    pass

# No `if __name__ == "__main__":` guard: a spawned child re-runs this line while importing.
child = mp.get_context("{method}").Process(target=work)
child.start()
child.join(timeout=30)
print(child.exitcode)
"""


def run_unguarded(method: str) -> tuple[str, bool]:
    """Run a script without the main guard: (the exit code it prints, did a child complain?)."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "unguarded.py"
        script.write_text(UNGUARDED.format(method=method))
        proc = subprocess.run(  # noqa: S603 - our own interpreter on our own script
            [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
        )
    return proc.stdout.strip(), "bootstrapping phase" in proc.stderr
    # --8<-- [end:guard]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(documented_default(sys.platform, sys.version_info[:2]) == mp.get_start_method())
    #> True
    print([documented_default("linux", v) for v in [(3, 13), (3, 14)]])
    #> ['fork', 'forkserver']
    print(run_process("spawn"), run_pool("spawn"))
    #> 3 ([0, 1, 4, 9, 16, 25], 'ValueError from the worker')
    SETTINGS["region"] = "eu-west"  # set at run time, after this module was imported
    print(run_child("fork"))
    #> ('eu-west', '__main__')
    print(run_child("spawn"), run_child("forkserver"))
    #> ('default', '__mp_main__') ('default', '__mp_main__')
    print({method: run_unguarded(method) for method in METHODS})
    #> {'fork': ('0', False), 'spawn': ('1', True), 'forkserver': ('1', True)}
    # --8<-- [end:demo]
