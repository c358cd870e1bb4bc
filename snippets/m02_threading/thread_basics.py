"""Starting threads two ways (a target function, a Thread subclass), naming them, and waiting
for them with ``join``, including what ``join(timeout)`` does and does not tell you.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence


# --8<-- [start:target]
def fetch_size(url: str, sizes: dict[str, int]) -> None:
    """The work of one thread: wait like a download would, then record a result."""
    time.sleep(0.01)  # a real download waits on a socket here, with the GIL released
    sizes[url] = len(url)  # one dict item per thread: a single store, safe to share


def fetch_all(urls: list[str]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    threads = [
        threading.Thread(target=fetch_size, args=(url, sizes), name=f"fetch-{i}")
        for i, url in enumerate(urls)
    ]
    for thread in threads:
        thread.start()  # start() runs target(*args) in a new OS thread; run() would not
    join_all(threads, timeout=10)  # wait for every one, with a bound (join_all is below)
    return dict(sorted(sizes.items()))  # threads finish in any order: sort for a stable result
    # --8<-- [end:target]


# --8<-- [start:subclass]
class Checksum(threading.Thread):
    """Subclass Thread when the thread carries state: override run(), never start()."""

    def __init__(self, data: bytes) -> None:
        super().__init__(name=f"checksum-{len(data)}")  # call the base __init__ first
        self.data = data
        self.result: int | None = None  # read it only after join()

    def run(self) -> None:
        self.result = sum(self.data) % 65_536
        # --8<-- [end:subclass]


# --8<-- [start:timeout]
def wait_briefly(release: threading.Event) -> tuple[bool, bool]:
    """join(timeout) returns None whether or not the thread finished: ask is_alive()."""
    worker = threading.Thread(target=release.wait, args=(5.0,), name="slow-worker")
    worker.start()
    worker.join(timeout=0.05)  # gives up after 50 ms; the thread keeps running
    still_running = worker.is_alive()
    release.set()  # let it finish...
    worker.join(timeout=5.0)  # ...and wait again, still with a bound
    return still_running, worker.is_alive()


def join_all(threads: Sequence[threading.Thread], timeout: float) -> None:
    """Join every thread within ``timeout`` seconds in all, then check: a bounded join that
    cannot go unnoticed. The examples of this module wait for their threads with it."""
    deadline = time.monotonic() + timeout
    for thread in threads:  # the order of joins does not matter
        thread.join(max(0.0, deadline - time.monotonic()))
    alive = [thread.name for thread in threads if thread.is_alive()]
    if alive:
        raise RuntimeError(f"still running after {timeout} s: {alive}")
    # --8<-- [end:timeout]


if __name__ == "__main__":
    # --8<-- [start:demo]
    print(fetch_all(["https://a.example", "https://bb.example"]))
    #> {'https://a.example': 17, 'https://bb.example': 18}

    checksum = Checksum(b"threads")
    checksum.start()
    checksum.join()
    print(checksum.name, checksum.result)
    #> checksum-7 747

    # Without name=, a thread is called "Thread-N (target)" (the target part since 3.10):
    print(threading.Thread(target=fetch_size).name.endswith("(fetch_size)"))
    #> True
    print(threading.current_thread().name)
    #> MainThread

    still_running, alive_at_the_end = wait_briefly(threading.Event())
    print(f"alive after join(timeout=0.05): {still_running}; after release: {alive_at_the_end}")
    #> alive after join(timeout=0.05): True; after release: False

    release = threading.Event()
    slow = threading.Thread(target=release.wait, args=(5.0,), name="slow-worker")
    slow.start()
    try:
        join_all([slow], timeout=0.05)  # says so, instead of returning as if all went well
    except RuntimeError as exc:
        print(exc)
        #> still running after 0.05 s: ['slow-worker']
    release.set()
    join_all([slow], timeout=5.0)
    # --8<-- [end:demo]
