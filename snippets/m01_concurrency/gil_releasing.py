"""Threads DO speed up CPU work when the C code doing it releases the GIL.

hashlib releases the GIL while it hashes more than 2047 bytes in one call (hashlib docs), so
threads hashing large buffers run on several cores at once. Feed it small buffers instead and
every call holds the GIL for its whole (short) life: the same total work no longer scales.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

from coursecode.measure import best_of_interleaved

LARGE = 1024 * 1024  # 1 MiB per update() call: the GIL is released for each
SMALL = 1024  # 1 KiB per call: below the threshold, the GIL stays held


# --8<-- [start:digest]
def digest(buffers: list[bytes]) -> str:
    """SHA-256 of a batch of buffers fed one update() at a time."""
    h = hashlib.sha256()
    for buffer in buffers:
        h.update(buffer)
    return h.hexdigest()


def digest_sequential(batches: list[list[bytes]]) -> list[str]:
    return [digest(batch) for batch in batches]


def digest_threads(batches: list[list[bytes]], workers: int) -> list[str]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(digest, batches))
    # --8<-- [end:digest]


def make_batches(batches: int, batch_bytes: int, buffer_bytes: int) -> list[list[bytes]]:
    """``batches`` batches of ``batch_bytes`` each, cut into buffers of ``buffer_bytes``."""
    block = bytes(range(256)) * (buffer_bytes // 256)
    return [[block] * (batch_bytes // buffer_bytes) for _ in range(batches)]


# Bytes hashed per batch; there are workers * 2 batches.
BATCH_BYTES = {"test": 192 * LARGE, "bench": 1024 * LARGE}


def fastest(batches: list[list[bytes]], workers: int) -> tuple[float, float]:
    """Fastest sequential and threaded runs, taking turns (see cpu_bound.py for why)."""
    best = best_of_interleaved(
        {
            "sequential": lambda: digest_sequential(batches),
            "threads": lambda: digest_threads(batches, workers),
        }
    )
    return best["sequential"], best["threads"]


def measure(size: str) -> dict[str, float]:
    workers = min(os.cpu_count() or 1, 4)
    figures: dict[str, float] = {"workers_n": workers}
    for label, buffer_bytes in (("large", LARGE), ("small", SMALL)):
        batches = make_batches(workers * 2, BATCH_BYTES[size], buffer_bytes)
        sequential, threads = fastest(batches, workers)
        figures[f"{label}_sequential_s"] = sequential
        figures[f"{label}_threads_s"] = threads
        figures[f"{label}_threads_speedup_x"] = sequential / threads
    return figures


if __name__ == "__main__":
    # --8<-- [start:demo]
    batches = make_batches(4, batch_bytes=4 * LARGE, buffer_bytes=LARGE)
    print(digest_threads(batches, workers=2)[0][:16])
    #> 2b07811057df8870
    print(digest_threads(batches, workers=2) == digest_sequential(batches))
    #> True
    # Same bytes in 1 KiB pieces: same digest, only the GIL behaviour differs.
    small = make_batches(4, batch_bytes=4 * LARGE, buffer_bytes=SMALL)
    print(digest_sequential(small) == digest_sequential(batches))
    #> True
    # --8<-- [end:demo]
