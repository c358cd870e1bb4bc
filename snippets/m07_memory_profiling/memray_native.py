# test: pythons
"""memray sees what tracemalloc cannot: SQLite's pages, allocated with C's malloc.

memray (Linux and macOS only) intercepts the C allocator itself, so it accounts for native
libraries too, and it attributes each allocation to the Python line that led to it.
"""

from __future__ import annotations

import linecache
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tracemalloc_blind_spots import database_bytes, load_events

if sys.platform == "win32":  # pragma: no cover - memray has no Windows build; CI runs Linux
    raise SystemExit("memray runs on Linux and macOS only: use tracemalloc on Windows")

import memray


@dataclass(frozen=True)
class Capture:
    peak_bytes: int  # the process's peak while tracked, native allocations included
    database_bytes: int
    top_function: str  # the Python function under which most of the peak was allocated
    top_line: str


# --8<-- [start:capture]
def capture_load(folder: Path, rows: int) -> Capture:
    """Load the events under memray and read back where the peak memory came from."""
    capture_file = folder / "load_events.bin"
    with memray.Tracker(capture_file):  # records every malloc and free, with its Python stack
        con = load_events(rows)
    held = database_bytes(con)
    con.close()
    reader = memray.FileReader(capture_file)
    # What was alive at the peak, one record per allocating stack: take the largest.
    records = reader.get_high_watermark_allocation_records(merge_threads=True)
    top = max(records, key=lambda record: record.size)
    function, filename, lineno = top.stack_trace()[0]  # the innermost Python frame
    line = linecache.getline(filename, lineno).strip()
    return Capture(reader.metadata.peak_memory, held, function, line)
    # --8<-- [end:capture]


if __name__ == "__main__":
    # --8<-- [start:demo]
    with tempfile.TemporaryDirectory() as folder:
        capture = capture_load(Path(folder), 100_000)
    print(f"memray's peak covers the database: {capture.peak_bytes >= capture.database_bytes}")
    #> memray's peak covers the database: True
    call = capture.top_line.split("(", 1)[0]
    print(f"most of it allocated in {capture.top_function}(), by {call}(...)")
    #> most of it allocated in load_events(), by con.executemany(...)
    # --8<-- [end:demo]
