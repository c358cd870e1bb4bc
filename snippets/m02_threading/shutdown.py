"""How threads end: what the interpreter does at exit with daemon and non-daemon threads, and the
graceful alternative, a stop Event the thread checks and a bounded join.

The exit behaviour is shown in child interpreters (``python -c``), because it is what happens
when a whole program ends.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType

# --8<-- [start:children]
DAEMON = """
import threading
def work():
    threading.Event().wait(5)  # five seconds of "work"
    print("daemon: finished")  # never printed: the interpreter does not wait for daemons
threading.Thread(target=work, daemon=True).start()
print("main: done")
"""

NON_DAEMON = """
import threading
main_done = threading.Event()
def work():
    main_done.wait(5)  # start "working" once main has finished
    print("worker: finished")  # printed: the interpreter joins non-daemon threads at exit
threading.Thread(target=work).start()
print("main: done")
main_done.set()
"""

ATEXIT_TOO_LATE = """
import atexit, threading
stop, main_done = threading.Event(), threading.Event()
atexit.register(lambda: (print("atexit: asking the worker to stop"), stop.set()))
def work():
    main_done.wait(5)
    stopped = stop.wait(0.3)  # a real worker would wait forever here: the program would hang
    print(f"worker: stop requested = {stopped}")
threading.Thread(target=work).start()
print("main: done")
main_done.set()
"""


def run_child(code: str) -> tuple[list[str], float]:
    """Run ``code`` in a fresh interpreter; return its output lines and how long it took."""
    start = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    return proc.stdout.splitlines(), time.perf_counter() - start
    # --8<-- [end:children]


# --8<-- [start:periodic]
class Periodic:
    """Run ``action`` every ``interval`` seconds in a background thread until the block ends.

    The thread waits on a stop Event instead of sleeping, so stopping takes effect at once
    rather than at the end of the current interval, and it runs ``action`` a last time on the
    way out (a final flush). Leaving the block joins the thread with a bound.
    """

    def __init__(
        self, interval: float, action: Callable[[], None], name: str, stop_timeout: float = 5.0
    ) -> None:
        self.interval = interval
        self.action = action
        self.stop_timeout = stop_timeout
        self._stop = threading.Event()
        # Not a daemon: we stop it ourselves, so the final flush always runs.
        self._thread = threading.Thread(target=self._run, name=name)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):  # True as soon as stop is set
            self.action()
        self.action()  # the last flush, after the stop request

    def __enter__(self) -> Periodic:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(self.stop_timeout)
        if self._thread.is_alive():
            raise RuntimeError(f"{self._thread.name} did not stop within {self.stop_timeout} s")
        # --8<-- [end:periodic]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(run_child(DAEMON)[0])
    #> ['main: done']
    print(run_child(NON_DAEMON)[0])
    #> ['main: done', 'worker: finished']
    # Non-daemon threads are joined BEFORE atexit handlers run (cpython issue #126168):
    print(run_child(ATEXIT_TOO_LATE)[0])
    #> ['main: done', 'worker: stop requested = False', 'atexit: asking the worker to stop']

    flushes: list[str] = []
    start = time.perf_counter()
    with Periodic(60.0, lambda: flushes.append("flush"), name="metrics-flusher"):
        pass  # the service's real work goes here
    # Stopped at once, not after the 60 s interval, and the last flush ran:
    print(time.perf_counter() - start < 5.0, flushes)
    #> True ['flush']
    # --8<-- [end:demo]
