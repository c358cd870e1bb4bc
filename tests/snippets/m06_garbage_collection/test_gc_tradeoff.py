"""gc_tradeoff.py: fewer collections save time; a paused collector lets cyclic garbage pile up."""

from __future__ import annotations

import gc
import runpy

import pytest

from tests.conftest import ROOT
from tests.support.timing import measure_until

SNIPPET = ROOT / "snippets/m06_garbage_collection/gc_tradeoff.py"
SETTINGS = ("default", "raised", "disabled")


def test_figures_are_complete_and_positive(first: dict[str, float]) -> None:
    assert set(first) == {
        "records_n",
        *(f"{name}_s" for name in SETTINGS),
        *(f"{name}_peak_mib" for name in SETTINGS),
        "default_collections_n",
        "raised_collections_n",
        "raised_speedup_x",
        "disabled_speedup_x",
        "disabled_peak_x",
    }
    assert all(value > 0 for value in first.values()), first


def test_raised_threshold_runs_far_fewer_collections(first: dict[str, float]) -> None:
    # threshold0 is ten times higher: about ten times fewer young collections, allow 5.
    assert first["raised_collections_n"] * 5 < first["default_collections_n"], first


def test_paused_collector_lets_cyclic_garbage_pile_up(first: dict[str, float]) -> None:
    # Every record leaves a four-node cycle behind: with no collection they all stay.
    assert first["disabled_peak_x"] > 2, first
    # Raising the threshold only lets a few more young cycles wait: nothing like pausing.
    assert first["raised_peak_mib"] * 2 < first["disabled_peak_mib"], first


def test_raised_threshold_saves_time(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["raised_speedup_x"] > 1.05, first)
    assert figures["raised_speedup_x"] > 1.05, figures


def test_settings_are_restored_and_unknown_ones_rejected() -> None:
    tradeoff = runpy.run_path(str(SNIPPET), run_name="m06_gc_tradeoff")
    before = gc.get_threshold()
    for name in SETTINGS:
        with tradeoff["gc_setting"](name):
            pass
        assert gc.get_threshold() == before
        assert gc.isenabled()
    with pytest.raises(ValueError, match="unknown setting"), tradeoff["gc_setting"]("off"):
        pass  # pragma: no cover - the setting is rejected before the block runs
    assert gc.get_threshold() == before
