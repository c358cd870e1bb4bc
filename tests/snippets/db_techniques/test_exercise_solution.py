"""The exercise solution: cached answers equal uncached ones after every write, with far fewer
queries; a cache that skips invalidation is caught by the same comparison; with Redis down the
answers still come, from the database."""

from __future__ import annotations

from typing import Any

import pytest

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.redis_server import RedisServer
from coursecode.shop import load
from tests.snippets.db_techniques.conftest import FOLDER, snippet
from tests.support.timing import measure_until

SNIPPET = FOLDER / "exercise_solution.py"


@pytest.mark.databases
def test_the_cached_shop_is_faster_and_never_stale(
    database_url: str | None, redis_url: str
) -> None:
    # measure() raises if the cached answers differ from the uncached ones at any point.
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    figures = measure_until(SNIPPET, lambda f: f["speedup_x"] > 1.5, first, database_url)
    assert figures["requests_n"] == 300
    assert figures["cached_queries_n"] < figures["uncached_queries_n"] / 2, figures
    # Typically 3-6x at this size; most requests are hits, orders and misses still cost.
    assert figures["speedup_x"] > 1.5, figures


@pytest.mark.databases
def test_forgetting_to_invalidate_serves_stale_dashboards(
    database_url: str | None, redis_server: RedisServer
) -> None:
    module = snippet("exercise_solution")

    class Forgetful(module.CachedShop):
        def place_order(self, customer_id: int, product_id: int, quantity: int) -> None:
            module.place_order(self.engine, customer_id, product_id, quantity)

    mix = module.requests(count=120)
    answers: dict[str, list[Any]] = {}
    client = redis_server.client()
    caches = []
    try:
        for label, shop_class in (
            ("uncached", None),
            ("right", module.CachedShop),
            ("forgetful", Forgetful),
        ):
            engine = get_engine(database_url)
            load(engine, "tiny")
            shop = None
            if shop_class is not None:
                caches.append(module.new_cache(client, ttl_s=60))
                shop = shop_class(engine, caches[-1])
            answers[label] = module.serve(shop, engine, mix)
            engine.dispose()
    finally:
        for cache in caches:
            cache.clear()
        client.close()
    assert answers["right"] == answers["uncached"]
    assert answers["forgetful"] != answers["uncached"]


@pytest.mark.databases
def test_the_cached_shop_answers_from_the_database_while_redis_is_down(
    database_url: str | None, unreachable_redis: RedisServer
) -> None:
    module = snippet("exercise_solution")
    mix = module.requests(count=40)
    answers: dict[str, list[Any]] = {}
    client = module.cache_client(unreachable_redis)
    cache = module.new_cache(client, ttl_s=60)
    try:
        for label in ("uncached", "redis down"):
            engine = get_engine(database_url)
            load(engine, "tiny")
            shop = module.CachedShop(engine, cache) if label == "redis down" else None
            answers[label] = module.serve(shop, engine, mix)  # orders included: none raise
            engine.dispose()
    finally:
        client.close()
    assert answers["redis down"] == answers["uncached"]
    orders = sum(kind == "order" for kind, _ in mix)
    assert orders > 0
    # Every read failed once and went to the database; every order failed twice after its
    # commit (the dashboard delete and the leaderboard version bump).
    assert cache.errors == len(answers["uncached"]) + 2 * orders
    assert cache.hits == 0


def test_measure_refuses_a_cache_that_changes_the_answers() -> None:
    module = snippet("exercise_solution")
    module.check_same([{"orders": 3}], [{"orders": 3}])
    with pytest.raises(RuntimeError, match="stale data"):
        module.check_same([{"orders": 4}], [{"orders": 3}])
