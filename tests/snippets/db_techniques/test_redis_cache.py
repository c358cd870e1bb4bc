"""redis_cache.py: hits are much faster than misses and save the database a query each; the
cache degrades to the database when Redis fails (a fake client, and a real refused connection),
and cleans up only its own keys."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import redis
from sqlalchemy import func, select

from coursecode.bench import measure_snippet
from coursecode.db import get_engine
from coursecode.redis_server import RedisServer
from coursecode.shop import CATEGORIES, OrderItem, load
from tests.snippets.db_techniques.conftest import FOLDER, snippet
from tests.support.timing import measure_until

SNIPPET = FOLDER / "redis_cache.py"


@pytest.mark.databases
def test_hits_beat_misses_and_the_mix_queries_once_per_category(
    database_url: str | None, redis_url: str
) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    figures = measure_until(
        SNIPPET,
        lambda f: f["hit_speedup_x"] > 3 and f["requests_speedup_x"] > 2,
        first,
        database_url,
    )
    # A hit is one GET and a JSON decode; a miss runs the aggregate first. Typically 20-50x
    # at this size (docs/data/bench.json has the bench size); the bound leaves room for noise.
    assert figures["hit_speedup_x"] > 3, figures
    assert figures["requests_speedup_x"] > 2, figures
    # Cache-aside: each category misses once, every later request for it is a hit.
    assert figures["cached_db_queries_n"] == len(CATEGORIES)
    assert figures["requests_n"] == 200


class BrokenRedis:
    """A client whose server is down for reads, writes, or both."""

    def __init__(self, fail_get: bool, fail_set: bool) -> None:
        self.fail_get, self.fail_set = fail_get, fail_set
        self.stored: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        if self.fail_get:
            raise redis.ConnectionError("connection refused")
        return self.stored.get(key)

    def set(self, key: str, value: str, px: int) -> None:
        if self.fail_set:
            raise redis.ConnectionError("connection refused")
        self.stored[key] = value


@pytest.mark.parametrize(("fail_get", "fail_set"), [(True, False), (False, True)])
def test_a_failing_redis_falls_back_to_the_database(
    fail_get: bool, fail_set: bool, caplog: pytest.LogCaptureFixture
) -> None:
    module = snippet("redis_cache")
    cache = module.QueryCache(BrokenRedis(fail_get, fail_set), "test:ns", ttl_s=1)
    loads = []
    assert cache.get_or_load("test:ns:k", lambda: loads.append(1) or [1, 2]) == [1, 2]
    assert cache.get_or_load("test:ns:k", lambda: loads.append(1) or [1, 2]) == [1, 2]
    assert len(loads) == 2  # nothing was cached, so the database answered both
    assert cache.errors == 2
    expected = "cache read failed, using the database" if fail_get else "cache write failed"
    assert expected in caplog.text


@pytest.mark.databases
def test_reads_and_writes_work_while_redis_is_down(
    database_url: str | None, unreachable_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    module = snippet("redis_cache")
    engine = get_engine(database_url)
    load(engine, "tiny")
    client = module.cache_client(unreachable_redis)
    cache = module.new_cache(client, ttl_s=60)
    try:
        with caplog.at_level(logging.WARNING, logger=module.log.name):
            start = time.perf_counter()
            top = module.cached_top_products(engine, cache, "books")
            assert top == module.top_products(engine, "books")  # the database answered
            # The write commits, and the failed invalidation after it does not undo or fail it.
            module.record_sale(engine, cache, order_id=1, product_id=top[0]["id"], qty=1)
            elapsed = time.perf_counter() - start
        with engine.connect() as conn:
            assert conn.scalar(select(func.sum(OrderItem.quantity))) > 0
            last = conn.execute(select(OrderItem).order_by(OrderItem.id.desc()).limit(1)).one()
        assert (last.product_id, last.quantity) == (top[0]["id"], 1)
        assert module.cached_top_products(engine, cache, "books") == module.top_products(
            engine, "books"
        )
    finally:
        client.close()
        engine.dispose()
    # Two reads and the invalidation failed, each logged; the database answered both reads.
    assert (cache.hits, cache.misses, cache.errors) == (0, 0, 3)
    assert "cache read failed, using the database" in caplog.text
    assert "cache invalidation failed, entries expire with their TTL" in caplog.text
    assert "Connection refused" in caplog.text
    # Refused at once, retried once without back-off: no multi-second stall per request (the
    # default client retries 10 times with back-off). A generous bound, not a timing figure.
    assert elapsed < 5, elapsed


def test_the_cache_client_gives_up_quickly(unreachable_redis: RedisServer) -> None:
    client = snippet("redis_cache").cache_client(unreachable_redis, timeout_s=0.25)
    try:
        options = client.connection_pool.connection_kwargs
        assert (options["socket_timeout"], options["socket_connect_timeout"]) == (0.25, 0.25)
        assert client.get_retry().get_retries() == 1
        with pytest.raises(redis.ConnectionError):
            client.ping()
    finally:
        client.close()


def test_entries_expire_with_jitter_and_clear_removes_only_the_namespace(
    redis_server: RedisServer,
) -> None:
    module = snippet("redis_cache")
    client = redis_server.client()
    cache = module.new_cache(client, ttl_s=10)
    neighbour = module.new_cache(client, ttl_s=10)  # another run, another application
    try:
        started = time.monotonic()
        for i in range(1_203):  # more than two SCAN/UNLINK batches of 500
            cache.get_or_load(cache.key("item", i), lambda i=i: i)
        neighbour.get_or_load(neighbour.key("item", 0), lambda: "kept")
        ttls = [client.pttl(cache.key("item", i)) for i in range(0, 1_203, 100)]
        # 10 s plus up to 10% jitter, less the time the entries have been waiting (a busy
        # machine may take more than a second over the 1,203 round trips).
        waited_ms = (time.monotonic() - started) * 1000
        assert all(10_000 - waited_ms - 1 <= ttl <= 11_000 for ttl in ttls), (ttls, waited_ms)
        assert len(set(ttls)) > 1  # jitter: they do not all expire in the same millisecond
        assert cache.clear() == 1_203
        assert cache.clear() == 0
        assert neighbour.get_or_load(neighbour.key("item", 0), lambda: "reloaded") == "kept"
    finally:
        neighbour.clear()
        client.close()


def test_invalidate_reports_what_it_deleted(redis_server: RedisServer) -> None:
    module = snippet("redis_cache")
    client = redis_server.client()
    cache = module.new_cache(client, ttl_s=10)
    try:
        cache.get_or_load(cache.key("a"), lambda: 1)
        assert cache.invalidate(cache.key("a"), cache.key("never-set")) == 1
    finally:
        cache.clear()
        client.close()
