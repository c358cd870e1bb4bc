"""streaming_files.py: streaming a file keeps the peak flat; loading it does not."""

from __future__ import annotations

import runpy
from pathlib import Path

from tests.conftest import ROOT

SNIPPET = ROOT / "snippets/m08_memory_efficient/streaming_files.py"
FILES = runpy.run_path(str(SNIPPET), run_name="m08_streaming_files")


def test_streaming_csv_peaks_far_below_loading(first: dict[str, float]) -> None:
    # Hundreds of times lower at the test size (a 2 MiB file): loading keeps every line and
    # a dict per row, streaming one row.
    assert first["csv_peak_ratio_x"] > 20, first
    assert first["csv_streamed_peak_kib"] < first["file_mib"] * 1024


def test_block_hashing_peaks_below_the_file_size(first: dict[str, float]) -> None:
    # read_bytes() holds the whole file; 64 KiB blocks hold about two blocks.
    assert first["hash_loaded_peak_mib"] > first["file_mib"] * 0.95, first
    assert first["hash_streamed_peak_kib"] < first["hash_loaded_peak_mib"] * 1024 / 3, first


def test_both_ways_agree_on_an_empty_export(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_id,quantity\n")
    assert FILES["units_loaded"](path) == FILES["units_streamed"](path) == 0
    assert FILES["sha256_streamed"](path, block=4) == FILES["sha256_loaded"](path)
