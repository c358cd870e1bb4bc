"""Watch and steer the cyclic garbage collector.

:class:`GcWatch` is a context manager: while it is active, every collection the interpreter runs
(automatic or ``gc.collect()``) is counted per generation, with the objects it freed, the objects
it could not free and how long it paused the program. The same hook is what a production service
uses to log or export its collector pauses.

``gc.callbacks`` exists since Python 3.3; the ``info`` dict it passes has held ``generation``,
``collected`` and ``uncollectable`` on every supported version (3.10-3.13). Keys added by later
versions are ignored here.

:func:`collector_paused` switches automatic collection off for a block and restores the previous
state afterwards, even if the block fails or the collector was already off.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GcStats:
    """What the collector did while a :class:`GcWatch` was active."""

    collections: Counter[int] = field(default_factory=Counter)  # generation -> collections
    collected: int = 0  # unreachable objects found and freed
    uncollectable: int = 0  # unreachable objects left in gc.garbage
    pause_s: float = 0.0  # time spent inside collections, in seconds
    longest_pause_s: float = 0.0

    @property
    def total(self) -> int:
        """Collections of any generation."""
        return sum(self.collections.values())


# --8<-- [start:watch]
class GcWatch:
    """``with GcWatch() as stats: ...`` fills ``stats`` (a :class:`GcStats`) with every
    collection that ran inside the block.

    Collections triggered in other threads are counted too: the collector is per interpreter.
    """

    def __init__(self) -> None:
        self.stats = GcStats()
        self._started: float | None = None

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        if self._started is None:  # the watch began while a collection was already running
            return
        pause = time.perf_counter() - self._started
        self._started = None
        stats = self.stats
        stats.collections[info["generation"]] += 1
        stats.collected += info["collected"]
        stats.uncollectable += info["uncollectable"]
        stats.pause_s += pause
        stats.longest_pause_s = max(stats.longest_pause_s, pause)

    def __enter__(self) -> GcStats:
        gc.callbacks.append(self._callback)
        return self.stats

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)
        # --8<-- [end:watch]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside the block; ``gc.collect()`` still works.

    Reference counting is unaffected: only objects kept alive by reference cycles pile up.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
