"""container_costs.py: getsizeof counts the container, tracemalloc the elements too."""

from __future__ import annotations

import runpy

import pytest

from tests.conftest import ROOT

COSTS = runpy.run_path(
    str(ROOT / "snippets/m08_memory_efficient/container_costs.py"), run_name="m08_container_costs"
)
N = COSTS["N"]  # hash-table sizes step with n: use the page's n
Costs = dict[str, tuple[float, float]]  # container name -> (shallow, deep) bytes per element


@pytest.fixture(scope="module")
def costs() -> Costs:
    return {name: COSTS["per_element"](build, N) for name, build in COSTS["containers"](N).items()}


def test_pointer_containers_pay_for_a_float_object_per_element(costs: Costs) -> None:
    for name in ("list", "tuple"):
        shallow, deep = costs[name]
        assert 7.9 < shallow < 9.5  # one 8-byte pointer (plus spare capacity for a list)
        assert 22 < deep - shallow < 26  # plus a 24-byte float object


def test_raw_value_containers_hold_the_values_inline(costs: Costs) -> None:
    for name, width in (("array('d')", 8), ("numpy float64", 8), ("numpy float32", 4)):
        shallow, deep = costs[name]
        assert width <= deep < width * 1.1, (name, costs[name])
        assert deep == pytest.approx(shallow, rel=0.05)
    assert costs["list"][1] > 3.5 * costs["array('d')"][1]


def test_hash_tables_cost_most(costs: Costs) -> None:
    assert costs["dict int->float"][1] > costs["set"][1] > costs["list"][1]
