"""coursecode.indexes: plans as text, sizes, and B-tree shapes read from both databases."""

from __future__ import annotations

import struct
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, text

from coursecode import indexes
from coursecode.db import get_engine
from coursecode.measure import count_queries

ROWS = 20_000


@pytest.fixture
def engine(database_url: str | None) -> Iterator[Engine]:
    """A table of ROWS ~100-character keys with a B-tree index on them."""
    engine = get_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, k VARCHAR(120) NOT NULL)"))
        conn.execute(
            text(
                "INSERT INTO t (id, k) WITH RECURSIVE s(n) AS"
                " (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :rows)"
                " SELECT n, :prefix || n FROM s"
            ),
            {"rows": ROWS, "prefix": "x" * 95},
        )
        conn.execute(text("CREATE INDEX ix_t_k ON t (k)"))
        conn.execute(text("CREATE INDEX ix_t_id_partial ON t (id) WHERE id < 10"))
    indexes.vacuum_analyze(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.mark.databases
def test_plans_name_the_index(engine: Engine) -> None:
    with engine.connect() as conn:
        plan = indexes.explain(conn, "SELECT id FROM t WHERE k = :k", {"k": "x" * 95 + "7"})
        assert "ix_t_k" in plan
        assert not indexes.full_scan(conn, plan, "t")
        assert not indexes.sort_step(plan)
        scan = indexes.explain(conn, "SELECT id FROM t WHERE id + 0 = 7 ORDER BY k DESC, id")
        assert indexes.full_scan(conn, scan, "t")
        assert indexes.sort_step(scan)
        with count_queries(engine) as log:
            conn.execute(text("SELECT id FROM t WHERE k = :k"), {"k": "y"}).all()
        assert "ix_t_k" in indexes.explain_sent(conn, log.statements[0])


@pytest.mark.databases
def test_analyze_runs_the_statement_on_postgres_only(engine: Engine, backend: str) -> None:
    with engine.connect() as conn:
        plan = indexes.explain(conn, "SELECT count(*) FROM t", analyze=True)
    assert ("actual rows" in plan) == (backend == "postgresql")
    assert "Planning" not in plan and "Execution Time" not in plan
    if backend == "postgresql":
        assert indexes.buffers_touched(plan) > 0


@pytest.mark.databases
def test_shape_of_a_three_level_tree(engine: Engine, backend: str) -> None:
    with engine.connect() as conn:
        shape = indexes.btree_shape(conn, "ix_t_k")
        size = indexes.relation_bytes(conn, "ix_t_k")
        parts = indexes.structures(conn, "t")
    # ~100-byte keys: dozens per page, so 20,000 of them need a root, a middle level and leaves.
    assert shape.levels == 3
    assert shape.leaf_pages < shape.pages < 1.2 * shape.leaf_pages
    assert 10 < shape.fanout < 100
    assert 10 < shape.entries_per_leaf < 100
    if backend == "postgresql":
        assert shape.leaf_entries == ROWS  # a B+tree: every entry sits in a leaf
    else:
        assert 0.9 * ROWS < shape.leaf_entries < ROWS  # internal cells hold keys too
    # The file also holds a metapage (PostgreSQL) and may hold free pages.
    assert size >= shape.pages * shape.page_size
    assert parts[0][:2] == ("t", "table")
    assert {name for name, kind, _ in parts if kind == "index"} >= {"ix_t_k", "ix_t_id_partial"}
    assert all(size > 0 for _, _, size in parts)


@pytest.mark.databases
def test_a_single_page_tree(engine: Engine) -> None:
    with engine.connect() as conn:
        shape = indexes.btree_shape(conn, "ix_t_id_partial")
    assert (shape.levels, shape.pages, shape.leaf_pages, shape.fanout) == (1, 1, 1, 0.0)
    assert shape.leaf_entries == 9


@pytest.mark.databases
def test_what_is_not_a_btree(engine: Engine, backend: str) -> None:
    with engine.connect() as conn:
        with pytest.raises(ValueError, match="no_such_index"):
            indexes.btree_shape(conn, "no_such_index")
        if backend == "postgresql":
            conn.execute(text("CREATE INDEX ix_t_hash ON t USING hash (k)"))
            with pytest.raises(ValueError, match="access method: hash"):
                indexes.btree_shape(conn, "ix_t_hash")


def test_sqlite_without_dbstat_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = get_engine()
    with engine.connect() as conn:
        assert indexes.dbstat_available(conn)  # the SQLite the tests run on has it
        monkeypatch.setattr(indexes, "dbstat_available", lambda conn: False)
        for look in (indexes.btree_shape, indexes.relation_bytes):
            with pytest.raises(indexes.ShapeUnavailable, match="SQLITE_ENABLE_DBSTAT_VTAB"):
                look(conn, "sqlite_schema")


@pytest.mark.postgres
def test_postgres_without_privileges_says_so(database_url: str) -> None:
    engine = get_engine(database_url)
    role = f"reader_{uuid.uuid4().hex[:8]}"
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role}"))
            conn.execute(text("CREATE TABLE u (k INTEGER)"))
            conn.execute(text("CREATE INDEX ix_u ON u (k)"))
        with engine.connect() as conn:
            conn.execute(text(f"SET ROLE {role}"))
            with pytest.raises(indexes.ShapeUnavailable, match="pageinspect"):
                indexes.btree_shape(conn, "ix_u")
            # The failed statement's transaction was rolled back, and SET ROLE with it.
            assert conn.execute(text("SELECT current_user")).scalar_one() != role
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        engine.dispose()


@pytest.mark.postgres
def test_postgres_reads_one_segment_only(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = get_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE u (k INTEGER)"))
            conn.execute(text("CREATE INDEX ix_u ON u (k)"))
        monkeypatch.setattr(indexes, "_SEGMENT", 0)
        with engine.connect() as conn, pytest.raises(ValueError, match="segment"):
            indexes.btree_shape(conn, "ix_u")
    finally:
        engine.dispose()


def _page(items: int, right_sibling: int, flags: int) -> tuple[bytes, bytes]:
    lower = 24 + 4 * items
    return struct.pack("<3H", lower, 8000, 8176), struct.pack(
        "<3I2H", 0, right_sibling, 0, flags, 0
    )


def test_decoding_skips_unused_and_deleted_pages() -> None:
    meta = bytes(24) + struct.pack("<4I", 0x053162, 4, 3, 1)
    pages = [
        _page(100, right_sibling=2, flags=1),  # a leaf: a high key and 99 entries
        _page(50, right_sibling=0, flags=1),  # the right-most leaf: 50 entries
        _page(2, right_sibling=0, flags=2),  # the root: two downlinks
        (struct.pack("<3H", 0, 0, 0), bytes(16)),  # a page never used
        _page(7, right_sibling=0, flags=1 | 4),  # a deleted leaf
    ]
    shape = indexes._decode_btree("ix", meta, pages, 8192)
    assert shape == indexes.BtreeShape("ix", 2, 3, 2, 149, 2.0, 8192)
    with pytest.raises(ValueError, match="not a B-tree metapage"):
        indexes._decode_btree("ix", bytes(48), pages, 8192)


def test_postgres_plan_helpers_read_text() -> None:
    postgres = SimpleNamespace(dialect=SimpleNamespace(name="postgresql"))
    plan = "\n".join(
        [
            "Limit  (cost=1.00..2.00 rows=1 width=4) (actual rows=1.00 loops=1)",
            "  Buffers: shared hit=5 read=2",
            "  ->  Incremental Sort  (cost=1.00..2.00 rows=1 width=4)",
            "        ->  Seq Scan on orders  (cost=0.00..1.00 rows=1 width=4)",
            "  ->  Bitmap Index Scan on ix_orders_x  (cost=0.00..1.00 rows=1 width=0)",
            "        Buffers: shared read=3",
        ]
    )
    assert indexes.full_scan(postgres, plan, "orders")  # type: ignore[arg-type]
    assert not indexes.full_scan(postgres, plan, "order")  # type: ignore[arg-type]
    assert indexes.sort_step(plan)
    assert indexes.buffers_touched(plan) == 7
    assert indexes.buffers_touched(plan, "ix_orders_x") == 3
