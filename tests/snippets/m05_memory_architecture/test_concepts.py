"""The unmeasured module 5 examples, loaded as modules: their functions do what the page says.

Version-dependent facts are asserted per version, as the page states them.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import threading
from typing import Any

import pytest

from tests.conftest import ROOT

# Branches on the Python version: `nox -s pythons` runs it on every supported Python.
pytestmark = pytest.mark.pythons

SNIPPETS = ROOT / "snippets/m05_memory_architecture"
# size_classes.py and memory_not_returned.py import pymalloc_stats from their own folder.
if str(SNIPPETS) not in sys.path:
    sys.path.insert(0, str(SNIPPETS))

PY310 = sys.version_info < (3, 11)
BITS_64 = sys.maxsize > 2**32


def load(name: str) -> dict[str, Any]:
    # Not run as __main__: the demo stays quiet and only the definitions are tested.
    return runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name=f"m05_{name}")


def test_names_are_references_and_objects_outlive_frames() -> None:
    m = load("names_and_frames")
    assert m["share_and_rebind"]() == ([1, 2, 3], [9], True)
    cart = ["apple"]
    m["add_item"](cart, "pear")
    m["replace_cart"](cart)
    assert cart == ["apple", "pear"]
    assert m["outer"]()[:3] == ["call_stack", "inner", "outer"]
    probe, kept = m["build_report"](keep=True)
    assert probe() is kept
    probe, _ = m["build_report"](keep=False)
    assert probe() is None
    assert m["nest"](50) == 50


def test_call_stack_outside_module_code_runs_to_the_outermost_frame() -> None:
    m = load("names_and_frames")
    seen: list[list[str]] = []
    worker = threading.Thread(target=lambda: seen.append(m["call_stack"]()))
    worker.start()
    worker.join(timeout=10)
    # A thread's outermost frame is threading's bootstrap, not module code.
    assert seen[0][0] == "call_stack" and "<module>" not in seen[0]


def test_frames_are_heap_blocks_only_up_to_310() -> None:
    m = load("frame_allocation")
    per_call = m["blocks_per_call"]()
    if PY310:
        assert per_call > 0.9
    else:
        assert per_call < 0.1
    # Asking for the frame object creates one on every version.
    assert m["blocks_per_call"](want_frame=True) > 0.9
    # nest() also runs traced here, so coverage sees the lines blocks_per_call runs untraced.
    assert m["nest"](2, True) > 0
    assert m["nest"](2, False) > 0
    expected = "FrameLocalsProxy" if sys.version_info >= (3, 13) else "dict"
    assert m["locals_type"]() == expected


def test_call_untraced_restores_the_previous_tracer() -> None:
    m = load("frame_allocation")
    before = sys.gettrace()
    assert m["call_untraced"](sys.gettrace) is None
    assert sys.gettrace() is before
    with pytest.raises(ZeroDivisionError):
        m["call_untraced"](lambda: 1 / 0)
    assert sys.gettrace() is before


REPORT = """Small block threshold = 512, in 32 size classes.

class   size   num pools   blocks in use  avail blocks
-----   ----   ---------   -------------  ------------
    0     16           1              89           164
    1     32           3             700            65

# arenas allocated total           =                    2
2 arenas * 1048576 bytes/arena     =            2,097,152
25 unused pools * 16384 bytes      =              409,600
"""


def test_parse_reads_the_layout() -> None:
    m = load("pymalloc_stats")
    stats = m["parse"](REPORT)
    assert (stats.threshold, stats.size_classes, stats.alignment) == (512, 32, 16)
    assert (stats.pool_size, stats.arena_size, stats.arenas) == (16384, 1048576, 2)
    assert stats.blocks_in_use == {16: 89, 32: 700}
    assert m["parse"]("   4 free PyFloatObjects * 24 bytes each =   96\n") is None
    assert [m["block_size"](n, stats) for n in (0, 1, 16, 17, 512, 513)] == [
        16,
        16,
        16,
        32,
        512,
        None,
    ]


def test_live_layout_matches_the_page() -> None:
    m = load("pymalloc_stats")
    stats = m["malloc_stats"]()
    assert stats.threshold == 512
    if BITS_64:
        # 16-byte spacing since 3.8; 16 KiB pools and 1 MiB arenas since 3.10.
        assert (stats.alignment, stats.pool_size, stats.arena_size) == (16, 16384, 1 << 20)
    assert stats.arenas >= 1
    assert sum(stats.blocks_in_use.values()) > 0


def test_only_small_requests_take_pymalloc_blocks() -> None:
    m = load("pymalloc_stats")
    assert m["new_blocks_per_object"](lambda: bytes(100), count=5000) > 0.9
    assert m["new_blocks_per_object"](lambda: bytes(1000), count=5000) < 0.1


def test_malloc_stats_says_when_pymalloc_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    m = load("pymalloc_stats")
    monkeypatch.setitem(m["malloc_stats"].__globals__, "debug_malloc_report", lambda: "")
    with pytest.raises(m["PymallocUnavailable"]):
        m["malloc_stats"]()


def test_blocks_for_sees_the_hidden_parts() -> None:
    m = load("size_classes")
    assert m["blocks_for"](object) == [16]
    assert m["blocks_for"](lambda: bytes(1000)) == []
    point = m["Point"](None, None)
    # getsizeof counts the instance only; its attribute storage is more blocks (or a bigger one).
    assert sum(m["blocks_for"](lambda: m["Point"](None, None))) > sys.getsizeof(point)
    assert set(m["examples"]()) >= {"object()", "float", "instance with __slots__"}


def test_reference_counting_frees_at_zero() -> None:
    m = load("refcounts")
    assert m["freed_when_last_reference_goes"]() == [
        "two references (name, list): alive=True",
        "after del order",
        "freed",
        "after basket.clear()",
    ]


def test_refcount_caveats_by_version() -> None:
    m = load("refcount_caveats")
    assert m["extra_refs_inside_a_call"]() == (2 if PY310 else 1)
    immortal = m["behaviour"](None).startswith("immortal")
    assert immortal is (sys.version_info >= (3, 12))
    assert m["behaviour"](["fresh"]) == "counted"
    small_int = m["behaviour"](int("7"))
    if sys.version_info[:2] == (3, 11):
        assert small_int == "counted, starts near 10**9"


def test_a_count_that_does_not_move_is_immortal(monkeypatch: pytest.MonkeyPatch) -> None:
    m = load("refcount_caveats")

    class ImmortalSys:  # what 3.12+ reports for None, whichever Python runs this test
        @staticmethod
        def getrefcount(obj: object) -> int:
            return 4294967295

    monkeypatch.setitem(m["behaviour"].__globals__, "sys", ImmortalSys)
    assert m["behaviour"](object()) == "immortal, getrefcount reports 4294967295"


@pytest.mark.parametrize("name", ["pymalloc_stats", "size_classes"])
def test_demos_say_when_pymalloc_is_off(name: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(SNIPPETS / f"{name}.py")],
        env={**os.environ, "PYTHONMALLOC": "malloc"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "pymalloc is not in use" in proc.stderr


def test_life_cycle_order() -> None:
    m = load("lifecycle")
    assert m["life_of_an_object"]() == [
        "__new__(a): memory allocated",
        "__init__(a): attributes set",
        "del first",
        "__del__(a)",
        "weakref callback, referent gone: True",
        "del second",
    ]
    # __new__ hands out the shared object; __init__ still runs on every call.
    assert m["shared_instances"]() == (True, 2)


def test_small_ints_and_interning() -> None:
    m = load("small_ints_and_interning")
    assert m["small_int_range"]() == (-5, 256)
    assert m["distinct_objects"](m["parse_statuses"](1000, intern=False)) == 1000
    assert m["distinct_objects"](m["parse_statuses"](1000, intern=True)) == 2


def test_memory_not_returned_scenario() -> None:
    m = load("memory_not_returned")
    data = [1.0, 2.0, 3.0, 4.0]
    assert m["release"](data, 2) == [1.0, 3.0] and data == []
    # Everything freed first: the sparse case's survivors would otherwise leave free space in
    # their arenas, which the next build fills before it needs new arenas.
    freed = m["scenario"](400_000, keep_every=0)
    assert freed["held_arenas"] < freed["built_arenas"] / 4
    sparse = m["scenario"](400_000, keep_every=1000)
    assert sparse["survivors"] == 400
    assert sparse["held_arenas"] > 0.9 * sparse["built_arenas"] > 0
