"""GcWatch counts the collections that run inside its block, and only those."""

from __future__ import annotations

import gc
import weakref

import pytest

from coursecode.gcwatch import GcStats, GcWatch, collector_paused


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_counts_explicit_collections_per_generation() -> None:
    with GcWatch() as stats:
        gc.collect(0)
        gc.collect(1)
        gc.collect()
    assert stats.collections[0] >= 1
    assert stats.collections[1] >= 1
    assert stats.collections[2] >= 1
    assert stats.total == sum(stats.collections.values()) >= 3
    assert 0 < stats.longest_pause_s <= stats.pause_s


def test_counts_freed_cycles() -> None:
    gc.collect()
    with GcWatch() as stats:
        for _ in range(10):
            Node()
        gc.collect()
    assert stats.collected >= 10
    assert stats.uncollectable == 0


def test_automatic_collections_are_counted() -> None:
    threshold = gc.get_threshold()
    gc.set_threshold(100, *threshold[1:])
    try:
        with GcWatch() as stats:
            kept = [[] for _ in range(2000)]  # net new containers trigger young collections
    finally:
        gc.set_threshold(*threshold)
    assert len(kept) == 2000
    assert stats.collections[0] >= 5


def test_stops_counting_and_unregisters_on_exit() -> None:
    watch = GcWatch()
    with pytest.raises(RuntimeError), watch as stats:
        raise RuntimeError("the callback is removed even when the block fails")
    assert watch._callback not in gc.callbacks
    gc.collect()
    assert stats.total == 0


def test_a_stop_without_a_start_is_ignored() -> None:
    watch = GcWatch()
    watch._callback("stop", {"generation": 2, "collected": 5, "uncollectable": 0})
    assert watch.stats == GcStats()


def test_collector_paused_restores_the_previous_state() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner pause must not switch the collector back on"
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("restored even when the block fails")
    assert gc.isenabled()


def test_cycles_wait_while_the_collector_is_paused() -> None:
    gc.collect()
    threshold = gc.get_threshold()
    gc.set_threshold(10, *threshold[1:])
    try:
        with collector_paused(), GcWatch() as stats:
            probes = [weakref.ref(Node()) for _ in range(500)]
            assert all(probe() is not None for probe in probes)
            assert stats.total == 0
            gc.collect()
            assert all(probe() is None for probe in probes)
    finally:
        gc.set_threshold(*threshold)
