"""The case study's sample service: a price-quote endpoint whose memory grows with every request.

It is the handler code of a small web service, with a traffic simulator in place of the web
server. Run ``python snippets/m07_memory_profiling/shop_service.py --requests 20000`` and watch
its memory climb (``mprof run`` or ``top``); ``case_study.py`` finds out why, step by step, and
``shop_service_fixed.py`` is the repaired version.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# Unit prices in cents; in the real service they come from the catalogue database.
PRICES = {f"SKU-{n:03d}": 100 + 7 * n for n in range(50)}
BODY_BYTES = 2048  # the raw request body a web framework hands over (a JSON cart, say)


@dataclass(frozen=True, slots=True)
class Request:
    request_id: int
    customer: str
    sku: str
    quantity: int
    body: bytes


@dataclass(frozen=True, slots=True)
class Quote:
    sku: str
    quantity: int
    total_cents: int


def unit_price(sku: str) -> int:
    """Cents per item. Stands in for a slow catalogue lookup."""
    return PRICES[sku]


def total(unit: int, quantity: int) -> int:
    """Cents for ``quantity`` items, 10% off from ten items."""
    discount = 10 if quantity >= 10 else 0
    return unit * quantity * (100 - discount) // 100


# --8<-- [start:leak]
# The last requests, for a /debug page that shows "what came in recently". Nothing trims it.
RECENT_REQUESTS: list[Request] = []


@functools.cache  # "pricing is slow, cache it": but the key is the whole request
def quote(request: Request) -> Quote:
    unit = unit_price(request.sku)
    return Quote(request.sku, request.quantity, total(unit, request.quantity))


def handle(request: Request) -> str:
    RECENT_REQUESTS.append(request)
    return respond(request, quote(request))
    # --8<-- [end:leak]


def respond(request: Request, result: Quote) -> str:
    """The response body the endpoint returns."""
    return json.dumps({"id": request.request_id, "sku": result.sku, "total": result.total_cents})


# --8<-- [start:traffic]
def traffic(count: int, start: int = 0, seed: int = 7) -> Iterator[Request]:
    """``count`` simulated requests with ids from ``start``: the same sequence for the same seed."""
    rng = random.Random(seed + start)  # noqa: S311 - simulated traffic, not security
    skus = sorted(PRICES)
    for request_id in range(start, start + count):
        customer = f"customer-{rng.randrange(500)}"
        sku, quantity = rng.choice(skus), rng.randint(1, 20)
        # The posted body (a JSON cart, say): a 2 KiB bytes object per request.
        body = f"{request_id:08d}".encode() * (BODY_BYTES // 8)
        yield Request(request_id, customer, sku, quantity, body)


def serve(handler: Callable[[Request], str], requests: Iterable[Request]) -> int:
    """Run every request through ``handler``, as the web server would; return how many."""
    handled = 0
    for request in requests:
        handler(request)
        handled += 1
    return handled
    # --8<-- [end:traffic]


def main(handler: Callable[[Request], str], argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="simulate traffic through the quote handler")
    parser.add_argument("--requests", type=int, default=5000, help="how many (default 5000)")
    args = parser.parse_args(argv)
    if args.requests < 0:
        parser.error("--requests must be 0 or more")
    print(f"handled {serve(handler, traffic(args.requests))} requests")
    #> handled 5000 requests


if __name__ == "__main__":
    main(handle)
