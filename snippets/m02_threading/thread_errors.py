"""An exception in a thread does not reach the thread that started it: ``join()`` returns as if
all went well, and ``threading.excepthook`` (default: print a traceback to stderr) is the only
one told. Install a hook that logs, and hand errors back explicitly when the caller needs them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger("threads")


# --8<-- [start:hook]
def log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """A process-wide ``threading.excepthook``: uncaught thread errors go to the log."""
    if args.exc_type is SystemExit:
        return  # sys.exit() in a thread ends that thread quietly, as the default hook does
    name = args.thread.name if args.thread is not None else "unknown thread"
    log.error(
        "uncaught exception in %s",
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
    )


@contextmanager
def excepthook(hook: Callable[[threading.ExceptHookArgs], object]) -> Iterator[None]:
    """Install ``hook`` for the block. A service sets it once at start-up instead."""
    previous = threading.excepthook
    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous
        # --8<-- [end:hook]


# --8<-- [start:result]
class ResultThread(threading.Thread, Generic[T]):
    """A thread whose caller gets the target's return value, or its exception, from result()."""

    def __init__(self, target: Callable[[], T], name: str | None = None) -> None:
        super().__init__(name=name)
        self._work = target
        self._value: T | None = None
        self._error: Exception | None = None

    def run(self) -> None:
        try:
            self._value = self._work()
        except Exception as exc:  # kept for the caller, so the excepthook never sees it
            self._error = exc

    def result(self, timeout: float | None = None) -> T:
        self.join(timeout)
        if self.is_alive():
            raise TimeoutError(f"{self.name} still running after {timeout} s")
        if self._error is not None:
            raise self._error  # the original exception, with its traceback from the thread
        return self._value  # type: ignore[return-value]


def outcome_in_thread(func: Callable[[], object], timeout: float = 10.0) -> str:
    """Call ``func`` in a new thread: "ok", or the name of the exception it raised there."""
    thread = ResultThread(func)
    thread.start()
    try:
        thread.result(timeout)
    except Exception as exc:
        return type(exc).__name__
    return "ok"
    # --8<-- [end:result]


def parse_port(text: str) -> int:
    port = int(text)
    if not 0 < port < 65_536:
        raise ValueError(f"port out of range: {port}")
    return port


if __name__ == "__main__":
    # --8<-- [start:demo]
    seen: list[str] = []
    with excepthook(lambda args: seen.append(f"{args.exc_type.__name__} in {args.thread.name}")):
        thread = threading.Thread(target=parse_port, args=("http",), name="config-loader")
        thread.start()
        thread.join()  # returns normally: the caller is not told
    print(thread.is_alive(), seen)
    #> False ['ValueError in config-loader']

    good = ResultThread(lambda: parse_port("8080"), name="good")
    bad = ResultThread(lambda: parse_port("99999"), name="bad")
    good.start()
    bad.start()
    print(good.result(timeout=5))
    #> 8080
    try:
        bad.result(timeout=5)
    except ValueError as exc:
        print(f"caller got: {exc!r}")
        #> caller got: ValueError('port out of range: 99999')
    # --8<-- [end:demo]
