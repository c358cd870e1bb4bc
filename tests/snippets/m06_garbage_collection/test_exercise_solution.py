"""exercise_solution.py: the event bus never keeps a subscriber (or itself) alive."""

from __future__ import annotations

import functools
import gc
import runpy
import weakref
from typing import Any

from tests.conftest import ROOT

# Point this at your own file to grade your solution.
SOLUTION = runpy.run_path(
    str(ROOT / "snippets/m06_garbage_collection/exercise_solution.py"), run_name="m06_exercise"
)
EventBus = SOLUTION["EventBus"]


class Listener:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def on_event(self, event: Any) -> None:
        self.events.append(event)


def test_publish_calls_live_callbacks_in_order() -> None:
    bus = EventBus()
    calls: list[str] = []
    bus.subscribe(lambda event: calls.append(f"first {event}"))
    bus.subscribe(functools.partial(calls.append))
    assert bus.publish("x") == 2
    assert calls == ["first x", "x"], "lambdas and partials are held strongly"


def test_a_subscribed_method_does_not_keep_its_object_alive() -> None:
    bus = EventBus()
    listener = Listener()
    bus.subscribe(listener.on_event)
    bus.publish(1)
    assert listener.events == [1]
    probe = weakref.ref(listener)
    del listener
    assert probe() is None, "freed by reference counting: the bus holds the method weakly"
    assert len(bus) == 0, "the dead subscriber's entry is gone without a publish"
    assert bus.publish(2) == 0


def test_a_subscriber_that_holds_the_bus_is_collected() -> None:
    bus = EventBus()
    widget = SOLUTION["PriceWidget"](bus)
    widget.self_reference = widget  # a cycle: now only the collector can free it
    probe = weakref.ref(widget)
    del widget
    gc.collect()
    assert probe() is None
    assert len(bus) == 0


def test_cancel_is_idempotent_and_works_as_a_context_manager() -> None:
    bus = EventBus()
    listener = Listener()
    with bus.subscribe(listener.on_event) as subscription:
        assert bus.publish("in") == 1
    assert bus.publish("out") == 0
    subscription.cancel()
    assert listener.events == ["in"]
    assert len(bus) == 0


def test_a_callback_may_cancel_during_publish() -> None:
    bus = EventBus()
    seen: list[str] = []
    subscriptions = []

    def once(event: str) -> None:
        seen.append(event)
        subscriptions[0].cancel()

    subscriptions.append(bus.subscribe(once))
    bus.subscribe(seen.append)
    assert bus.publish("a") == 2
    assert bus.publish("b") == 1
    assert seen == ["a", "a", "b"]


def test_subscriptions_do_not_keep_the_bus_alive() -> None:
    bus = EventBus()
    listener = Listener()
    subscription = bus.subscribe(listener.on_event)
    probe = weakref.ref(bus)
    del bus
    assert probe() is None
    subscription.cancel()  # the bus is gone: nothing to do, no error
    del listener  # its WeakMethod callback finds no bus either


def test_a_subscriber_freed_during_publish_is_skipped() -> None:
    bus = EventBus()
    holder = [Listener()]
    bus.subscribe(lambda event: holder.clear())  # frees the listener mid-publish
    bus.subscribe(holder[0].on_event)
    assert bus.publish("x") == 1, "the listener died before its turn: not called"
    assert len(bus) == 1


def test_a_late_weakmethod_callback_after_the_bus_is_gone_does_nothing() -> None:
    bus = EventBus()
    listener = Listener()
    bus.subscribe(listener.on_event)
    (weak_method,) = bus._entries.values()
    on_subscriber_gone = weak_method.__callback__
    del bus
    on_subscriber_gone(weak_method)  # as if the subscriber died after the bus: no error
