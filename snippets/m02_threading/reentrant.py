"""RLock: a lock its owner may take again. It matters when a method that holds the lock calls
another method that takes the same lock; with a plain Lock that thread waits for itself forever.
"""

from __future__ import annotations

import threading

from thread_errors import outcome_in_thread  # runs a call in another thread, reports the outcome


# --8<-- [start:inventory]
class Inventory:
    """Stock levels; every public method is safe to call from any thread."""

    def __init__(self) -> None:
        # Re-entrant: restock_all() holds it and calls add(), which takes it again.
        # With threading.Lock() that inner acquire would never return.
        self._lock = threading.RLock()
        self._stock: dict[str, int] = {}

    def add(self, sku: str, quantity: int) -> None:
        with self._lock:
            self._stock[sku] = self._stock.get(sku, 0) + quantity

    def restock_all(self, quantity: int) -> None:
        with self._lock:  # no other thread may add or read halfway through the restock
            for sku in list(self._stock):
                self.add(sku, quantity)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._stock)
            # --8<-- [end:inventory]


# --8<-- [start:helpers]
class InventoryWithHelpers:
    """The other design: public methods lock once, private helpers assume the lock is held."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a plain Lock is enough: nothing re-enters
        self._stock: dict[str, int] = {}

    def _add_locked(self, sku: str, quantity: int) -> None:
        # Caller holds self._lock.
        self._stock[sku] = self._stock.get(sku, 0) + quantity

    def add(self, sku: str, quantity: int) -> None:
        with self._lock:
            self._add_locked(sku, quantity)

    def restock_all(self, quantity: int) -> None:
        with self._lock:
            for sku in list(self._stock):
                self._add_locked(sku, quantity)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._stock)
            # --8<-- [end:helpers]


if __name__ == "__main__":
    # --8<-- [start:demo]
    lock, rlock = threading.Lock(), threading.RLock()
    with lock:
        # The owner asks again. Without a timeout this line would wait forever:
        print("Lock, same thread again:", lock.acquire(timeout=0.1))
        #> Lock, same thread again: False
    with rlock:
        print("RLock, same thread again:", rlock.acquire(timeout=0.1))
        #> RLock, same thread again: True
        rlock.release()  # an RLock needs one release per acquire

    # An RLock belongs to the thread that took it; a Lock belongs to nobody:
    rlock.acquire()
    print("RLock released by another thread:", outcome_in_thread(rlock.release))
    #> RLock released by another thread: RuntimeError
    rlock.release()
    lock.acquire()
    print("Lock released by another thread:", outcome_in_thread(lock.release))
    #> Lock released by another thread: ok

    for inventory in (Inventory(), InventoryWithHelpers()):
        inventory.add("mug", 2)
        inventory.add("tea", 5)
        inventory.restock_all(10)
        print(type(inventory).__name__, inventory.snapshot())
        #> Inventory {'mug': 12, 'tea': 15}
        #> InventoryWithHelpers {'mug': 12, 'tea': 15}
    # --8<-- [end:demo]
