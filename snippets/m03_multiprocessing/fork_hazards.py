# test: pythons
"""What ``fork`` copies that it should not: a lock another thread holds stays locked forever.

``fork`` copies the whole memory of the parent but only the thread that called it. A lock that
another thread held at that moment is copied in its locked state, and nothing in the child will
ever release it. Python 3.12 and later warn (``DeprecationWarning``) when a process that has
started threads forks, for this reason.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import threading
import warnings

# --8<-- [start:hazard]
LOCK_WAIT_SECONDS = 1.0


def try_lock(lock: threading.Lock) -> None:
    """Runs in the child: exit status 0 if it got the lock, 1 if it gave up waiting."""
    got_it = lock.acquire(timeout=LOCK_WAIT_SECONDS)  # never wait forever on an inherited lock
    sys.exit(0 if got_it else 1)


def fork_while_a_thread_holds(lock: threading.Lock) -> tuple[int | None, list[str]]:
    """Fork while another thread holds ``lock``: (the child's exit status, warnings raised)."""
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:  # e.g. a connection pool's lock, taken by its background thread
            holding.set()
            done.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(timeout=30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        child = mp.get_context("fork").Process(target=try_lock, args=(lock,))
        child.start()
    child.join(timeout=30)
    done.set()
    holder.join(timeout=30)
    return child.exitcode, [type(w.message).__name__ for w in caught]
    # --8<-- [end:hazard]


if __name__ == "__main__":
    # --8<-- [start:demo]
    lock = threading.Lock()
    exitcode, raised = fork_while_a_thread_holds(lock)
    print("child got the lock:", exitcode == 0)
    #> child got the lock: False
    print("parent can lock it now:", lock.acquire(timeout=1))
    #> parent can lock it now: True
    # 3.12+ warns when a process with threads forks; 3.10 and 3.11 fork silently.
    print(("DeprecationWarning" in raised) == (sys.version_info >= (3, 12)))
    #> True
    # --8<-- [end:demo]
