"""compact_arrays.py: raw-value storage holds numbers in a fraction of a list's memory."""

from __future__ import annotations

import runpy

import numpy as np
import pytest

from tests.conftest import ROOT

SNIPPET = ROOT / "snippets/m08_memory_efficient/compact_arrays.py"
ARRAYS = runpy.run_path(str(SNIPPET), run_name="m08_compact_arrays")


def test_arrays_keep_a_fraction_of_a_list(first: dict[str, float]) -> None:
    # A list keeps 8 + 24 bytes per float, an array or float64 vector about 8: ratios near 4.
    assert first["list_kept_mib"] > 3 * first["array_kept_mib"], first
    assert first["list_kept_mib"] > 3 * first["numpy_fromiter_kept_mib"], first


def test_fromiter_avoids_the_intermediate_list(first: dict[str, float]) -> None:
    # np.array(list(...)) peaks at the list plus the copy; fromiter never builds the list.
    assert first["numpy_via_list_peak_mib"] > first["list_peak_mib"], first
    assert first["fromiter_vs_list_peak_x"] > 3, first
    assert first["values_n"] == ARRAYS["SIZES"]["test"]


def test_vectorised_sum_beats_a_python_loop(first: dict[str, float]) -> None:
    # Typically 50-100x; a modest bound survives a busy machine.
    assert first["python_sum_s"] > 3 * first["numpy_sum_s"], first


def test_all_builders_hold_the_same_values() -> None:
    n = 2_500
    expected = ARRAYS["as_list"](n)
    assert list(ARRAYS["as_array"](n)) == expected
    assert ARRAYS["via_list_to_numpy"](n).tolist() == expected
    assert ARRAYS["straight_to_numpy"](n).tolist() == expected


@pytest.mark.parametrize(
    ("largest", "dtype"),
    [(0, np.uint8), (255, np.uint8), (256, np.uint16), (70_000, np.uint32), (2**40, np.uint64)],
)
def test_narrowest_unsigned(largest: int, dtype: type) -> None:
    assert ARRAYS["narrowest_unsigned"](largest) == np.dtype(dtype)


def test_narrowest_unsigned_refuses_what_64_bits_cannot_hold() -> None:
    with pytest.raises(OverflowError, match="64 bits"):
        ARRAYS["narrowest_unsigned"](2**64)
