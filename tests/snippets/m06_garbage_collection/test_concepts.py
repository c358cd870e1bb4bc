"""The unmeasured module 6 examples, imported as modules: their functions do what the page says."""

from __future__ import annotations

import gc
import runpy
from typing import Any

import pytest

from tests.conftest import ROOT

SNIPPETS = ROOT / "snippets/m06_garbage_collection"


def load(name: str) -> dict[str, Any]:
    # Not run as __main__: the demo stays quiet and only the definitions are tested.
    return runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name=f"m06_{name}")


def test_cycles_wait_for_the_collector() -> None:
    cycles = load("cycles")
    assert cycles["freed_by_refcounting"]() is True
    assert cycles["cycle_needs_the_collector"]() == (True, True)
    assert cycles["cycles_alive"](50) == (50, 0)
    assert gc.isenabled()


def test_generations_and_triggers() -> None:
    generations = load("generations")
    gc.collect()
    obj = generations["Session"]()
    assert generations["generation_of"](obj) == 0
    assert generations["generation_of"](42) is None, "an int is never tracked"
    n, threshold0 = 20_000, gc.get_threshold()[0]
    in_python = generations["collections_while"](generations["build_in_python"], n)
    assert in_python >= n // threshold0 // 2
    describe = generations["describe"]
    assert describe(1, n, threshold0).startswith("1 (")
    assert describe(10, 7000, 700) == "about n / threshold0 (1.0 x 10)"


def test_leak_grows_and_each_fix_stops_it() -> None:
    leak = load("leak")
    gc.collect()
    alive, entries = leak["run_requests"](
        20, leak["handle_request"], leak["LAST_LINE"], leak["Order"]
    )
    assert (alive, entries) == (20, 60)
    gc.collect()
    assert leak["live"](leak["Order"]) == 20, "reachable from the cache: not garbage"
    leak["LAST_LINE"].clear()
    gc.collect()
    assert leak["live"](leak["Order"]) == 0

    fixes = [
        ("handle_weak_parent", "LAST_LINE", "WeakParentOrder", 0),
        ("handle_weak_cache", "LAST_LINE_WEAK", "Order", 20),
        ("handle_finalize", "LAST_ITEM", "Order", 20),
    ]
    for handle, cache, order_type, alive_while_paused in fixes:
        alive, entries = leak["run_requests"](20, leak[handle], leak[cache], leak[order_type])
        assert (alive, entries) == (alive_while_paused, 60), handle
        gc.collect()
        assert leak["live"](leak[order_type]) == 0, handle
    assert len(leak["LAST_LINE_WEAK"]) == len(leak["LAST_ITEM"]) == 0


def test_weak_parent_line_reports_a_freed_order() -> None:
    leak = load("leak")
    order = leak["parse_order"](1, leak["WeakParentOrder"])
    line = order.lines[0]
    assert line.total() == pytest.approx(3 * 1.5 * 0.9)
    assert line.order is order
    del order
    with pytest.raises(ReferenceError, match="'pen' no longer exists"):
        line.total()


def test_finalizers() -> None:
    finalizers = load("finalizers")
    after_del, after_collect, garbage = finalizers["del_in_a_cycle"]()
    assert after_del == []
    assert after_collect == ["a (peer b)", "b (peer a)"]
    assert garbage == 0
    phoenix = finalizers["Phoenix"]
    assert finalizers["resurrect"]() == (1, 1)
    assert phoenix.graveyard == []
    assert finalizers["exception_in_del"]() == ["ValueError('cleanup failed')"]
    assert finalizers["finalize_demo"]() == {
        "closed explicitly": True,
        "forgotten file before collection": True,
        "forgotten file after collection": False,
    }


def test_a_connection_without_a_peer_finalizes_cleanly() -> None:
    finalizers = load("finalizers")
    finalizers["Connection"].closed.clear()
    finalizers["Connection"]("solo")
    assert finalizers["Connection"].closed == ["solo (peer None)"]


def test_gc_controls() -> None:
    control = load("gc_control")
    assert 100 <= control["young_count_growth"](100) <= 110
    node = control["Node"]("x")
    holders = control["holders"]
    assert holders(node, {"in a list": [node], "elsewhere": []}) == ["in a list"]
    assert control["saved_by_debug_saveall"]() == ["a", "b"]
    assert gc.garbage == [] and gc.get_debug() == 0
    before = gc.get_threshold()
    with control["thresholds"](123):
        assert gc.get_threshold()[0] == 123
    assert gc.get_threshold() == before
    assert control["collections_for"](10_000, 100) > control["collections_for"](10_000, 5000)
