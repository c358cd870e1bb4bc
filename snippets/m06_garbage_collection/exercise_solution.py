"""Exercise solution: an event bus whose subscriptions do not keep subscribers alive.

Requirements (from the exercise): ``subscribe(callback)`` returns a ``Subscription``; a bound
method is held through ``weakref.WeakMethod``, so an object that subscribed its own method can
still be freed, and its entry then disappears without anyone calling ``cancel``; other callables
(module-level functions, ``functools.partial`` objects) are held strongly, because a weak
reference to a lambda would die at once; ``cancel()`` is idempotent and ``Subscription`` works
as a context manager; ``publish`` calls the live callbacks in subscription order and returns how
many it called, and a callback may cancel subscriptions while it runs.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from types import MethodType
from typing import Any

Callback = Callable[[Any], object]


# --8<-- [start:solution]
class Subscription:
    def __init__(self, bus: EventBus, token: int) -> None:
        self._bus = weakref.ref(bus)  # a subscription kept by a subscriber must not pin the bus
        self._token = token

    def cancel(self) -> None:
        bus = self._bus()
        if bus is not None:
            bus._drop(self._token)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()


class EventBus:
    def __init__(self) -> None:
        # token -> zero-argument function returning the callback, or None once it is gone
        self._entries: dict[int, Callable[[], Callback | None]] = {}
        self._tokens = itertools.count()

    def subscribe(self, callback: Callback) -> Subscription:
        token = next(self._tokens)
        if isinstance(callback, MethodType):
            # WeakMethod's callback runs when the subscriber dies: the entry goes with it. It
            # holds the bus weakly too, so the bus itself can still be freed.
            bus = weakref.ref(self)

            def gone(_: object) -> None:
                live_bus = bus()
                if live_bus is not None:
                    live_bus._drop(token)

            self._entries[token] = weakref.WeakMethod(callback, gone)
        else:
            self._entries[token] = lambda: callback
        return Subscription(self, token)

    def _drop(self, token: int) -> None:
        self._entries.pop(token, None)

    def publish(self, event: Any) -> int:
        called = 0
        for get in list(self._entries.values()):  # a snapshot: callbacks may cancel
            callback = get()
            if callback is not None:
                callback(event)
                called += 1
        return called

    def __len__(self) -> int:
        return len(self._entries)
        # --8<-- [end:solution]


class PriceWidget:
    """A subscriber that also keeps a reference to the bus: a cycle, if the bus held it strongly."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.seen: list[Any] = []
        self.subscription = bus.subscribe(self.on_price)

    def on_price(self, event: Any) -> None:
        self.seen.append(event)


AUDIT_LOG: list[Any] = []


def audit(event: Any) -> None:
    AUDIT_LOG.append(event)


if __name__ == "__main__":
    # --8<-- [start:demo]
    bus = EventBus()
    widget = PriceWidget(bus)
    bus.subscribe(audit)  # a module-level function: held strongly
    print("called:", bus.publish({"sku": "pen", "price": 1.5}))
    #> called: 2
    print("widget saw:", widget.seen, "| audit log:", len(AUDIT_LOG))
    #> widget saw: [{'sku': 'pen', 'price': 1.5}] | audit log: 1

    del widget  # no strong reference from the bus: freed at once, and its entry with it
    print("subscriptions left:", len(bus))
    #> subscriptions left: 1

    # list.append is a built-in method, not a Python bound method (MethodType): held strongly.
    with bus.subscribe(AUDIT_LOG.append) as subscription:
        print("called inside the with block:", bus.publish("inside"))
        #> called inside the with block: 2
    subscription.cancel()  # cancelling twice is harmless
    print("subscriptions left:", len(bus), "| audit log:", len(AUDIT_LOG))
    #> subscriptions left: 1 | audit log: 3
    # --8<-- [end:demo]
