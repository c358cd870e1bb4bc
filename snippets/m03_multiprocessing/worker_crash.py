"""When a worker process dies in the middle of a task (the out-of-memory killer, a segfault in a
C extension), the two pools behave differently: ``ProcessPoolExecutor`` fails the pending tasks
with ``BrokenProcessPool``; ``multiprocessing.Pool`` starts a new worker, but the task that was
running is lost, and a ``get()`` without a timeout would wait for it forever.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from concurrent.futures import ProcessPoolExecutor

CTX = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
# What the out-of-memory killer sends: no handler runs, nothing is cleaned up. (Windows has no
# SIGKILL; os.kill with SIGTERM ends a process there just as abruptly.)
KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


# --8<-- [start:crash]
def executor_after_crash() -> str:
    with ProcessPoolExecutor(max_workers=1, mp_context=CTX) as executor:
        pid = executor.submit(os.getpid).result(timeout=30)
        doomed = executor.submit(os.kill, pid, KILL)  # the task kills the worker running it
        return type(doomed.exception(timeout=30)).__name__


def pool_after_crash(wait_seconds: float = 1.0) -> bool:
    """Is the killed task's result ready after waiting? (It never will be.)"""
    # Leaving the with block terminates the workers; close() and join() would wait for the lost
    # task forever.
    with CTX.Pool(processes=1) as pool:
        pid = pool.apply_async(os.getpid).get(timeout=30)
        doomed = pool.apply_async(os.kill, (pid, KILL))
        doomed.wait(timeout=wait_seconds)  # always a timeout: get() alone would hang here
        return doomed.ready()
    # --8<-- [end:crash]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(executor_after_crash())
    #> BrokenProcessPool
    print(pool_after_crash())
    #> False
    # --8<-- [end:demo]
