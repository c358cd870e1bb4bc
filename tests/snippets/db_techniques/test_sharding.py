"""sharding.py: a customer's data is on one shard; anything else fans out to every shard and
merges to the unsharded answer; a hash ring moves far fewer keys than hash % n when a shard is
added."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from coursecode.bench import measure_snippet
from coursecode.db import URL_VARIABLE
from coursecode.postgres import PostgresServer
from tests.snippets.db_techniques.conftest import FOLDER, snippet
from tests.support.timing import measure_until

SNIPPET = FOLDER / "sharding.py"


@pytest.mark.databases
def test_one_shard_for_a_customer_every_shard_for_the_rest(database_url: str | None) -> None:
    first = measure_snippet(SNIPPET, size="test", database_url=database_url)
    figures = measure_until(
        SNIPPET, lambda f: f["fan_out_vs_unsharded_x"] > 0.5, first, database_url
    )
    assert figures["single_shard_statements_n"] == 1
    assert figures["fan_out_statements_n"] == 3
    # A fan-out reads the same rows as the unsharded query, on three databases instead of one.
    # At this size it costs about as much (0.9-1.1x seen on both databases); at the bench size
    # SQLite's nested-loop join gains from the smaller per-shard B-trees. A router that asked
    # one shard only would read a third of the rows (and the counts above would catch it too).
    assert figures["fan_out_vs_unsharded_x"] > 0.5, figures


def test_the_shard_key_hash_is_stable_and_spreads_keys() -> None:
    module = snippet("sharding")
    assert [module.shard_of(k, 3) for k in (1, 2, 42)] == [2, 1, 2]  # crc32: same everywhere
    counts = [0, 0, 0]
    for key in range(1, 3_001):
        counts[module.shard_of(key, 3)] += 1
    assert min(counts) > 900


def test_a_hash_ring_moves_about_a_quarter_of_the_keys_modulo_three_quarters() -> None:
    module = snippet("sharding")
    keys = range(1, 10_001)
    assert 0.7 < module.moved_by_modulo(keys, 3, 4) < 0.8  # 3/4 in theory
    assert 0.15 < module.moved_by_ring(keys, 3, 4) < 0.4  # 1/4 in theory
    ring = module.HashRing(4)
    assert {ring.shard_of(k) for k in keys} == {0, 1, 2, 3}


def test_merging_partial_answers() -> None:
    module = snippet("sharding")
    rows = [("GB", 1.5), ("DE", 2), ("GB", Decimal("0.25"))]
    assert module.revenue_by_country(rows) == {"DE": Decimal("2.00"), "GB": Decimal("1.75")}
    shard_tops = [(1, 5.0), (2, 9.0), (3, 5.0), (4, 1.0)]
    assert module.top_customers(shard_tops, 3) == [
        (2, Decimal("9.00")),
        (1, Decimal("5.00")),
        (3, Decimal("5.00")),
    ]


@pytest.fixture
def database_env(database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if database_url:
        monkeypatch.setenv(URL_VARIABLE, database_url)
    else:
        monkeypatch.delenv(URL_VARIABLE, raising=False)
    yield


@pytest.mark.postgres
def test_postgres_shards_are_databases_dropped_afterwards(
    database_env: None, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    module = snippet("sharding")
    with module.shard_engines(tmp_path) as engines:
        names = [engine.url.database for engine in engines]
        assert len(set(names)) == 3 and all(name.startswith("shard_") for name in names)
    admin = postgres_server.admin_engine()
    try:
        with admin.connect() as conn:
            left = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"),
                {"names": names},
            ).all()
    finally:
        admin.dispose()
    assert left == []
