"""exercise_solution.py: expect_released catches objects that outlive their block, and only those.

To grade your own solution, point SOLUTION at your file.
"""

from __future__ import annotations

import gc
import runpy
from collections.abc import Callable

import pytest

from coursecode.gcwatch import collector_paused
from tests.conftest import ROOT

SOLUTION = runpy.run_path(
    str(ROOT / "snippets/m05_memory_architecture/exercise_solution.py"), run_name="m05_exercise"
)
expect_released = SOLUTION["expect_released"]
StillAlive = SOLUTION["StillAlive"]


class Resource:
    def __init__(self) -> None:
        self.partner: Resource | None = None


def test_released_objects_pass() -> None:
    with expect_released() as track:
        resource = track(Resource())
        assert isinstance(resource, Resource)  # track returns the object itself
        del resource


def test_tracking_does_not_keep_objects_alive() -> None:
    with expect_released() as track:
        track(Resource())  # dropped at once: only the tracker's weak reference remains


def test_a_survivor_fails_with_its_label() -> None:
    keep = []
    message = r"1 tracked object\(s\) still alive: cached session$"
    with pytest.raises(StillAlive, match=message), expect_released() as track:
        keep.append(track(Resource(), "cached session"))
        track(Resource())  # released: not named
    assert issubclass(StillAlive, AssertionError)


def test_default_label_is_the_type_name() -> None:
    keep = []
    with pytest.raises(StillAlive, match="Resource"), expect_released() as track:
        keep.append(track(Resource()))


def test_cycles_need_collect() -> None:
    def make_cycle(track: Callable[[Resource], Resource]) -> None:
        first, second = track(Resource()), track(Resource())
        first.partner, second.partner = second, first

    # No automatic collection may free the first cycle behind the test's back.
    with collector_paused():
        with pytest.raises(StillAlive, match="2 tracked"), expect_released() as track:
            make_cycle(track)
        with expect_released(collect=True) as track:
            make_cycle(track)
    gc.collect()  # the first cycle


def test_objects_without_weakref_support_are_rejected() -> None:
    with expect_released() as track, pytest.raises(TypeError, match="weak references"):
        track([1, 2, 3])


def test_an_error_in_the_block_propagates_unchanged() -> None:
    keep = []
    with pytest.raises(KeyError, match="boom"), expect_released() as track:
        keep.append(track(Resource()))  # would be StillAlive, but the block failed first
        raise KeyError("boom")
