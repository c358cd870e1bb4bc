"""finalizer_cost.py: __del__, weakref callbacks and weakref.finalize make deallocation dearer."""

from __future__ import annotations

from tests.conftest import ROOT
from tests.support.timing import measure_until

SNIPPET = ROOT / "snippets/m05_memory_architecture/finalizer_cost.py"


def test_figures_are_complete_and_positive(first: dict[str, float]) -> None:
    assert set(first) == {
        "plain_s",
        "del_s",
        "weakref_callback_s",
        "finalize_s",
        "del_cost_x",
        "weakref_callback_cost_x",
        "finalize_cost_x",
        "objects_n",
    }
    assert all(value > 0 for value in first.values())


def test_del_costs_more_than_a_plain_object(first: dict[str, float]) -> None:
    figures = measure_until(SNIPPET, lambda f: f["del_cost_x"] > 1.05, first)
    assert figures["del_cost_x"] > 1.05, figures


def test_finalize_costs_most(first: dict[str, float]) -> None:
    def holds(f: dict[str, float]) -> bool:
        return f["finalize_cost_x"] > 2 and f["finalize_s"] > f["weakref_callback_s"]

    figures = measure_until(SNIPPET, holds, first)
    assert holds(figures), figures
