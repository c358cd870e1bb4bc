"""A real leak: a module-level cache keeps a small child object, whose back-pointer to its parent
keeps the whole tree (and the request body it was parsed from) alive. Then three fixes.

Counts come from the collector itself (``gc.get_objects``), not from the process size, so they are
the same on every run. The automatic collector is paused while requests run: that shows which
fixes free memory at once (reference counting) and which wait for a collection.
"""
# test: pythons

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, MutableMapping

from coursecode.gcwatch import collector_paused

BODY_BYTES = 16 * 1024  # each request body: what a leaked order drags along


# --8<-- [start:model]
class Order:
    """A parsed order: the parent of its lines. ``body`` is the raw request it came from."""

    def __init__(self, order_id: int, body: bytes) -> None:
        self.order_id = order_id
        self.body = body
        self.discount = 0.1
        self.lines: list[Line] = []  # parent -> children

    def add_line(self, sku: str, quantity: int, unit_price: float) -> Line:
        line = self.line_type(self, sku, quantity, unit_price)
        self.lines.append(line)
        return line

    line_type: type[Line]  # set below: the fixes swap in another kind of line


class Line:
    def __init__(self, order: Order, sku: str, quantity: int, unit_price: float) -> None:
        self.order = order  # child -> parent: the back-pointer closes a reference cycle
        self.sku = sku
        self.quantity = quantity
        self.unit_price = unit_price

    def total(self) -> float:
        return self.quantity * self.unit_price * (1 - self.order.discount)


Order.line_type = Line


def parse_order(order_id: int, order_type: type[Order] = Order) -> Order:
    """Stands in for parsing a request body into objects."""
    order = order_type(order_id, bytes(BODY_BYTES))
    for sku, quantity, price in (("pen", 3, 1.5), ("pad", 1, 4.0), ("ink", 2, 7.25)):
        order.add_line(sku, quantity, price)
    return order
    # --8<-- [end:model]


# --8<-- [start:leak]
# "Last line each customer ordered per product", for a re-order button. Module level, so it
# lives as long as the process, and so does everything it can reach.
LAST_LINE: dict[tuple[str, str], Line] = {}


def handle_request(order_id: int, customer: str) -> float:
    order = parse_order(order_id)
    for line in order.lines:
        LAST_LINE[customer, line.sku] = line  # one small line... and its .order, and its .body
    return sum(line.total() for line in order.lines)
    # --8<-- [end:leak]


def live(cls: type) -> int:
    """Instances of ``cls`` the collector can see: user-class instances are always tracked."""
    return sum(type(obj) is cls for obj in gc.get_objects())


# --8<-- [start:fix_weak_parent]
class WeakParentLine(Line):
    """Fix 1, break the cycle: the back-pointer is a weak reference.

    ``Line.__init__`` still assigns ``self.order``; the property stores a weakref instead, so a
    cached line no longer keeps its order alive, and a finished order is freed by reference
    counting at once, collector or not.
    """

    @property
    def order(self) -> Order:
        order = self._order()
        if order is None:
            raise ReferenceError(f"the order of line {self.sku!r} no longer exists")
        return order

    @order.setter
    def order(self, order: Order) -> None:
        self._order = weakref.ref(order)


class WeakParentOrder(Order):
    line_type = WeakParentLine
    # --8<-- [end:fix_weak_parent]


# --8<-- [start:fix_weak_cache]
# Fix 2: the cache does not own its values. An entry disappears when its line is freed; the
# order and its lines are still a cycle, so that happens when the collector runs.
LAST_LINE_WEAK: weakref.WeakValueDictionary[tuple[str, str], Line] = (
    weakref.WeakValueDictionary()
)
# --8<-- [end:fix_weak_cache]


# --8<-- [start:fix_finalize]
# Fix 3: the cache keeps plain values (tuples cannot be weakly referenced, so a
# WeakValueDictionary cannot hold them) and weakref.finalize removes an order's entries when the
# order is freed. The callback holds the keys, never the order itself.
LAST_ITEM: dict[tuple[str, str], tuple[int, int]] = {}  # -> (order_id, quantity)


def forget(keys: list[tuple[str, str]]) -> None:
    for key in keys:
        LAST_ITEM.pop(key, None)


def remember(order: Order, customer: str) -> None:
    keys = [(customer, line.sku) for line in order.lines]
    for key, line in zip(keys, order.lines, strict=True):
        LAST_ITEM[key] = (order.order_id, line.quantity)
    weakref.finalize(order, forget, keys)
    # --8<-- [end:fix_finalize]


def run_requests(
    count: int, handle: Callable[[int, str], float], cache: MutableMapping, order_type: type
) -> tuple[int, int]:
    """(orders alive, cache entries) after ``count`` requests, with the collector paused."""
    with collector_paused():
        for i in range(count):
            handle(i, f"customer-{i}")
        return live(order_type), len(cache)


def handle_weak_parent(order_id: int, customer: str) -> float:
    order = parse_order(order_id, WeakParentOrder)
    for line in order.lines:
        LAST_LINE[customer, line.sku] = line
    return sum(line.total() for line in order.lines)


def handle_weak_cache(order_id: int, customer: str) -> float:
    order = parse_order(order_id)
    for line in order.lines:
        LAST_LINE_WEAK[customer, line.sku] = line
    return sum(line.total() for line in order.lines)


def handle_finalize(order_id: int, customer: str) -> float:
    order = parse_order(order_id)
    remember(order, customer)
    return sum(line.total() for line in order.lines)


if __name__ == "__main__":
    # --8<-- [start:demo_leak]
    gc.collect()
    for batch in range(1, 4):
        for i in range(100):
            order_id = (batch - 1) * 100 + i
            handle_request(order_id, customer=f"customer-{order_id}")
        counts = f"{live(Order)} orders alive, {len(LAST_LINE)} cached lines"
        print(f"after {batch * 100} requests: {counts}")
        #> after 100 requests: 100 orders alive, 300 cached lines
        #> after 200 requests: 200 orders alive, 600 cached lines
        #> after 300 requests: 300 orders alive, 900 cached lines
    gc.collect()
    print("after gc.collect():", live(Order), "orders alive: reachable, so not garbage")
    #> after gc.collect(): 300 orders alive: reachable, so not garbage
    # --8<-- [end:demo_leak]

    # --8<-- [start:demo_fixes]
    LAST_LINE.clear()  # the leaked orders go with the cache that held them
    gc.collect()
    for name, handle, cache, order_type in (
        ("weak back-pointer", handle_weak_parent, LAST_LINE, WeakParentOrder),
        ("weak-value cache", handle_weak_cache, LAST_LINE_WEAK, Order),
        ("finalize eviction", handle_finalize, LAST_ITEM, Order),
    ):
        alive, entries = run_requests(300, handle, cache, order_type)
        gc.collect()
        collected = f"after gc.collect(): {live(order_type)} alive, {len(cache)} entries"
        print(f"{name}: {alive} alive, {entries} entries; {collected}")
        #> weak back-pointer: 0 alive, 900 entries; after gc.collect(): 0 alive, 900 entries
        #> weak-value cache: 300 alive, 900 entries; after gc.collect(): 0 alive, 0 entries
        #> finalize eviction: 300 alive, 900 entries; after gc.collect(): 0 alive, 0 entries

    # The weak back-pointer freed the orders, but the orphaned lines still pile up in the cache:
    line = next(iter(LAST_LINE.values()))
    try:
        line.total()
    except ReferenceError as exc:
        print("ReferenceError:", exc)
        #> ReferenceError: the order of line 'pen' no longer exists
    # --8<-- [end:demo_fixes]
