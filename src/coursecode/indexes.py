"""Look inside indexes on SQLite and PostgreSQL: plans, sizes, and the shape of each B-tree.

* :func:`explain` returns the plan the database chooses, as text, on either backend;
  :func:`explain_sent` does the same for a statement that ``count_queries`` recorded, and
  :func:`show_plan` prints one with a title.
* :func:`vacuum_analyze` refreshes planner statistics (and, on PostgreSQL, the visibility map
  that index-only scans need).
* :func:`btree_shape` reads a B-tree's real depth, page counts and fan-out from the database:
  SQLite's ``dbstat`` virtual table (present when SQLite was compiled with
  ``SQLITE_ENABLE_DBSTAT_VTAB``), or PostgreSQL's own index pages. PostgreSQL's ``pageinspect``
  extension would give the same numbers (``bt_metap``, ``bt_page_stats``), but it is a contrib
  module that not every server ships, so the pages are decoded here instead: the metapage for the
  root's level, each page's header for its item count, and each page's B-tree trailer for its
  level and flags (the layout of ``src/include/access/nbtree.h`` and ``bufpage.h``).
* :func:`relation_bytes` is the on-disk size of one table or index.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, text
from sqlalchemy.exc import DBAPIError

from coursecode.measure import Statement

# PostgreSQL's page layout (bufpage.h, nbtree.h in PostgreSQL 18). A server with another byte
# order or layout fails the metapage's magic-number check instead of giving wrong numbers.
_PAGE_HEADER = 24  # bytes before the first line pointer
_LINE_POINTER = 4  # bytes per item pointer
_BTREE_MAGIC = 0x053162
_BTP_LEAF, _BTP_ROOT, _BTP_DELETED, _BTP_META, _BTP_HALF_DEAD = 1, 2, 4, 8, 16


class ShapeUnavailable(RuntimeError):
    """This database cannot show a B-tree's pages (no dbstat, or not allowed to read files)."""


@dataclass(frozen=True)
class BtreeShape:
    """What one B-tree looks like on disk."""

    name: str
    levels: int  # root to leaf inclusive: 1 means the root is the only page
    pages: int  # internal and leaf pages (no metapage, free or overflow pages)
    leaf_pages: int
    leaf_entries: int  # rows (a table B-tree) or index entries (an index) on leaf pages
    fanout: float  # average children per internal page below the root; 0 if there is none
    page_size: int

    @property
    def entries_per_leaf(self) -> float:
        return self.leaf_entries / self.leaf_pages


def explain(
    conn: Connection, sql: str, params: Mapping[str, object] | None = None, analyze: bool = False
) -> str:
    """The plan for ``sql`` as text: ``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL.

    ``analyze=True`` on PostgreSQL runs the statement and adds, per plan node, the actual rows,
    index searches, heap fetches and buffers: wrap DML in a transaction you roll back. Timings
    and the planner's own buffer use are left out, so the text depends on the data and the
    plan only. SQLite has no ANALYZE option and ignores it.
    """
    rows = conn.execute(text(f"{_explain(conn, analyze)} {sql}"), params or {}).all()
    return _plan_text(conn, rows)


def explain_sent(conn: Connection, statement: Statement, analyze: bool = False) -> str:
    """The plan of a statement exactly as the driver sent it: SQL with the driver's
    placeholders, and its parameters, as :class:`coursecode.measure.QueryLog` records them."""
    prefix = _explain(conn, analyze)
    rows = conn.exec_driver_sql(f"{prefix} {statement.sql}", statement.parameters).all()
    return _plan_text(conn, rows)


def show_plan(
    conn: Connection,
    title: str,
    sql: str,
    params: Mapping[str, object] | None = None,
    *,
    analyze: bool = False,
    echo: bool = False,
) -> None:
    """Print ``== title ==``, the SQL and its parameters (with ``echo``), the plan and a blank
    line: how the examples show a plan."""
    print(f"== {title} ==")
    if echo:
        print(f"{sql}  {dict(params or {})}")
    print(explain(conn, sql, params, analyze=analyze))
    print()


def _explain(conn: Connection, analyze: bool) -> str:
    if conn.dialect.name == "sqlite":
        return "EXPLAIN QUERY PLAN"
    return "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY OFF)" if analyze else "EXPLAIN"


def _plan_text(conn: Connection, rows: Sequence[Row[Any]]) -> str:
    if conn.dialect.name == "sqlite":
        # Rows are (id, parent, notused, detail): indent each step under its parent.
        indent: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in rows:
            indent[node] = indent.get(parent, -1) + 1
            lines.append("  " * indent[node] + detail)
        return "\n".join(lines)
    lines = [row[0] for row in rows]
    if "Planning:" in lines:  # the planner's catalog reads: they vary with what is cached
        lines = lines[: lines.index("Planning:")]
    return "\n".join(lines)


def full_scan(conn: Connection, plan: str, table: str) -> bool:
    """Whether ``plan`` reads all of ``table``: a PostgreSQL ``Seq Scan``, or a SQLite ``SCAN``
    of the table or of a whole index on it (a partial index holds only the rows it names)."""
    if conn.dialect.name == "postgresql":
        return any(f"Seq Scan on {table} " in f"{line} " for line in plan.splitlines())
    for line in plan.splitlines():
        words = line.split()
        if words[:2] != ["SCAN", table]:
            continue
        if "INDEX" not in words:
            return True
        index = words[words.index("INDEX") + 1]
        partial = conn.execute(
            text("SELECT partial FROM pragma_index_list(:t) WHERE name = :i"),
            {"t": table, "i": index},
        ).scalar()
        if not partial:
            return True
    return False


def sort_step(plan: str) -> bool:
    """Whether ``plan`` sorts rows itself rather than reading them in order from an index."""
    steps = [line.strip().removeprefix("->").strip() for line in plan.splitlines()]
    # SQLite: USE TEMP B-TREE FOR ORDER BY (or FOR RIGHT PART OF ORDER BY, a partial sort).
    sqlite = any(s.startswith("USE TEMP B-TREE FOR") and s.endswith("ORDER BY") for s in steps)
    return sqlite or any(s.startswith(("Sort ", "Incremental Sort ")) for s in steps)


def buffers_touched(plan: str, node: str = "") -> int:
    """Pages a PostgreSQL ``explain(..., analyze=True)`` plan touched (cached and read alike):
    the whole plan's, or those of the first node whose line contains ``node`` (an index name,
    say), read from that node's ``Buffers: shared hit=... read=...`` line."""
    lines = plan.splitlines()
    start = next(i for i, line in enumerate(lines) if node in line)
    line = next(line for line in lines[start:] if "Buffers:" in line)
    return sum(int(part.split("=")[1]) for part in line.split() if "=" in part)


def vacuum_analyze(engine: Engine) -> None:
    """Refresh statistics; on PostgreSQL also VACUUM, which marks all-visible pages so that
    index-only scans need not visit the table (and plans do not change when autovacuum runs)."""
    command = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(command))


def relation_bytes(conn: Connection, name: str) -> int:
    """Bytes on disk of one table or index (its main data only, as ``dbstat`` counts it)."""
    if conn.dialect.name == "postgresql":
        return int(conn.execute(text("SELECT pg_relation_size(:n)"), {"n": name}).scalar_one())
    _require_dbstat(conn)
    total = conn.execute(
        text("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = :n"), {"n": name}
    ).scalar_one()
    return int(total)


def btree_shape(conn: Connection, name: str) -> BtreeShape:
    """Depth, pages and fan-out of the B-tree ``name``, read from the database itself.

    On SQLite ``name`` is a table (its rowid B-tree) or an index; on PostgreSQL, a B-tree index.
    Raises :class:`ShapeUnavailable` when this database cannot show its pages.
    """
    if conn.dialect.name == "postgresql":
        return _postgres_shape(conn, name)
    return _sqlite_shape(conn, name)


def dbstat_available(conn: Connection) -> bool:
    """Whether this SQLite library was compiled with the ``dbstat`` virtual table."""
    return bool(
        conn.execute(
            text("SELECT count(*) FROM pragma_compile_options WHERE compile_options = :o"),
            {"o": "ENABLE_DBSTAT_VTAB"},
        ).scalar_one()
    )


def _require_dbstat(conn: Connection) -> None:
    if not dbstat_available(conn):
        raise ShapeUnavailable(
            "this SQLite was compiled without SQLITE_ENABLE_DBSTAT_VTAB: no per-table pages "
            "(PRAGMA page_count and page_size give only the whole database's size)"
        )


def _sqlite_shape(conn: Connection, name: str) -> BtreeShape:
    _require_dbstat(conn)
    rows = conn.execute(
        text("SELECT path, pagetype, ncell, pgsize FROM dbstat WHERE name = :n"), {"n": name}
    ).all()
    pages = [(path, kind, ncell, size) for path, kind, ncell, size in rows if kind != "overflow"]
    if not pages:
        raise ValueError(f"no B-tree named {name!r} in this database")
    leaves = [ncell for _, kind, ncell, _ in pages if kind == "leaf"]
    # An internal page has ncell children plus its right-most child pointer. The root is the
    # page at path "/", its children "/000/", "/001/"..., their children "/000/000/"...
    internal = [(path == "/", ncell + 1) for path, kind, ncell, _ in pages if kind == "internal"]
    return BtreeShape(
        name=name,
        levels=max(path.count("/") for path, *_ in pages),
        pages=len(pages),
        leaf_pages=len(leaves),
        leaf_entries=sum(leaves),
        fanout=_typical_fanout(internal),
        page_size=pages[0][3],
    )


def _typical_fanout(internal: list[tuple[bool, int]]) -> float:
    """Average children per internal page, leaving out the root (which is only partly full)
    unless it is the only internal page."""
    below_root = [children for is_root, children in internal if not is_root]
    counted = below_root or [children for _, children in internal]
    return sum(counted) / len(counted) if counted else 0.0


# Per page, the server returns 6 bytes of the page header (pd_lower, pd_upper, pd_special) and
# the 16-byte B-tree trailer at pd_special (btpo_prev, btpo_next, btpo_level, btpo_flags,
# btpo_cycleid), so that only a few bytes per page cross the connection.
_PAGES_SQL = """
SELECT substring(page FROM 13 FOR 6),
       substring(page FROM get_byte(page, 16) + 256 * get_byte(page, 17) + 1 FOR 16)
FROM (SELECT pg_read_binary_file(:path, block * :size, :size) AS page
      FROM generate_series(1, :blocks - 1) AS block) AS pages
"""
_SEGMENT = 1 << 30  # PostgreSQL splits a relation into 1 GiB files; we read the first only


def _postgres_shape(conn: Connection, name: str) -> BtreeShape:
    method, path, size, page_size = conn.execute(
        text(
            "SELECT am.amname, pg_relation_filepath(c.oid), pg_relation_size(c.oid),"
            " current_setting('block_size')::int"
            " FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.oid = to_regclass(:n)"
        ),
        {"n": name},
    ).one_or_none() or (None, None, 0, 0)
    if method != "btree":
        raise ValueError(f"{name!r} is not a B-tree index (access method: {method})")
    if size > _SEGMENT:
        raise ValueError(f"{name!r} is larger than one 1 GiB segment file")
    params = {"path": path, "size": page_size, "blocks": size // page_size}
    try:
        # Recent changes may sit only in shared buffers: write them to the files first.
        conn.execute(text("CHECKPOINT"))
        meta = conn.execute(
            text("SELECT pg_read_binary_file(:path, 0, :size)"), params
        ).scalar_one()
        pages = conn.execute(text(_PAGES_SQL), params).all()
    except DBAPIError as exc:
        conn.rollback()
        raise ShapeUnavailable(
            "reading index pages needs superuser, or the roles pg_checkpoint and "
            f"pg_read_server_files; with the pageinspect extension use bt_metap({name!r}) "
            f"instead ({str(exc.orig).strip().splitlines()[0]})"
        ) from None
    return _decode_btree(name, bytes(meta), [(bytes(h), bytes(t)) for h, t in pages], page_size)


def _decode_btree(
    name: str, meta: bytes, pages: list[tuple[bytes, bytes]], page_size: int
) -> BtreeShape:
    """Count a PostgreSQL B-tree's pages from its metapage and, for every other page, the
    header fields and B-tree trailer (little-endian, as on x86-64 and arm64)."""
    magic, _version, _root, root_level = struct.unpack_from("<4I", meta, _PAGE_HEADER)
    if magic != _BTREE_MAGIC:
        raise ValueError(f"{name!r}: block 0 is not a B-tree metapage")
    leaf_pages = leaf_entries = 0
    internal: list[tuple[bool, int]] = []
    for header, trailer in pages:
        lower, _upper, special = struct.unpack("<3H", header)
        if special == 0:  # a page the relation was extended by, not yet used
            continue
        _prev, right_sibling, _level, flags, _cycle = struct.unpack("<3I2H", trailer)
        if flags & (_BTP_DELETED | _BTP_HALF_DEAD | _BTP_META):
            continue
        items = (lower - _PAGE_HEADER) // _LINE_POINTER
        # Every page but the right-most of its level starts with a "high key", not an entry.
        entries = items - (1 if right_sibling else 0)
        if flags & _BTP_LEAF:
            leaf_pages += 1
            leaf_entries += entries
        else:
            internal.append((bool(flags & _BTP_ROOT), entries))
    return BtreeShape(
        name=name,
        levels=root_level + 1,
        pages=leaf_pages + len(internal),
        leaf_pages=leaf_pages,
        leaf_entries=leaf_entries,
        fanout=_typical_fanout(internal),
        page_size=page_size,
    )


def structures(conn: Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, "table" or "index", bytes) for a table and each of its indexes, table first.

    On SQLite each one is a B-tree in the database file; on PostgreSQL the table is a heap and
    each index a separate file.
    """
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT c.relname, 'table' FROM pg_class c WHERE c.oid = to_regclass(:t)"
                " UNION ALL"
                " SELECT i.relname, 'index' FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                " WHERE x.indrelid = to_regclass(:t)"
            ),
            {"t": table},
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT name, type FROM sqlite_schema WHERE tbl_name = :t"
                " AND type IN ('table', 'index') AND rootpage > 0"
            ),
            {"t": table},
        ).all()
    ordered = sorted(rows, key=lambda row: (row[1] != "table", row[0]))
    return [(name, kind, relation_bytes(conn, name)) for name, kind in ordered]
