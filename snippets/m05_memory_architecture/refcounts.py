# test: pythons
"""Reference counting: every new reference adds one, every dropped one subtracts one, and at zero
the object is freed at once.

``sys.getrefcount(x)`` reports one more than you might expect, because its own argument is a
reference for the duration of the call. Read changes, not absolute values: the absolute number
depends on the version and on the code around the call (see ``refcount_caveats.py``).
"""

from __future__ import annotations

import sys
import weakref


class Order:
    """A plain object; it accepts weak references, which do not count."""


# --8<-- [start:freed]
def freed_when_last_reference_goes() -> list[str]:
    """What happens to an object as its references go away, step by step."""
    events: list[str] = []
    order = Order()
    weakref.finalize(order, events.append, "freed")  # runs when the object is deallocated
    basket = [order]
    events.append(f"two references (name, list): alive={bool(basket)}")
    del order  # drops one reference: the list still holds the object
    events.append("after del order")
    basket.clear()  # the last reference: freed right here, not at some later collection
    events.append("after basket.clear()")
    return events
    # --8<-- [end:freed]


if __name__ == "__main__":
    # --8<-- [start:counting]
    order = Order()
    print(sys.getrefcount(order))  # the name 'order' + getrefcount's own argument
    #> 2
    pair = [order, order]  # a list holds a reference per slot
    print(sys.getrefcount(order))
    #> 4
    index = {"latest": order}  # a dict value is a reference too
    print(sys.getrefcount(order))
    #> 5
    del pair  # the list goes, and with it two references
    print(sys.getrefcount(order))
    #> 3
    probe = weakref.ref(order)  # weak references are not counted
    print(sys.getrefcount(order))
    #> 3
    # --8<-- [end:counting]
    # --8<-- [start:demo]
    for event in freed_when_last_reference_goes():
        print(event)
        #> two references (name, list): alive=True
        #> after del order
        #> freed
        #> after basket.clear()
    # --8<-- [end:demo]
