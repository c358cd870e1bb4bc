# test: databases
# test: output=per-database
"""JSON documents in a relational table: PostgreSQL JSONB with a GIN index, SQLite's JSON
functions with an expression index.

Every order gets an event document (channel, tracking number, tags, customer). The same two
questions are asked on both databases: one document by tracking number, and every document with
a given tag. measure() times both with and without the index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Engine,
    Index,
    Integer,
    MetaData,
    Select,
    Table,
    exists,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB

from coursecode.db import get_engine
from coursecode.indexes import explain_sent, relation_bytes, vacuum_analyze
from coursecode.measure import best_of, count_queries
from coursecode.shop import ShopData, load

# --8<-- [start:table]
metadata = MetaData()
events = Table(
    "order_events",
    metadata,
    Column("id", Integer, primary_key=True),
    # JSON on SQLite (stored as text), JSONB (a parsed binary form) on PostgreSQL.
    Column("payload", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
)
# SQLite can index an expression; the query must then contain exactly the same expression, so
# it is written once, with the JSON path as SQL text rather than a bound parameter.
tracking_value = func.json_extract(events.c.payload, literal_column("'$.tracking'"))
# The column's Python-side type is the portable JSON; JSONB's operators (@> is .contains) need
# the JSONB type on the expression.
as_jsonb = type_coerce(events.c.payload, JSONB)


def json_index(dialect: str) -> Index:
    if dialect == "postgresql":
        # One GIN index serves @> containment on every key, nested object and array element.
        return Index(
            "ix_order_events_payload",
            events.c.payload,
            postgresql_using="gin",
            postgresql_ops={"payload": "jsonb_path_ops"},
        )
    return Index("ix_order_events_tracking", tracking_value)


# --8<-- [end:table]


def document(order: tuple[Any, ...], country: str) -> dict[str, Any]:
    """The event document for one shop order (deterministic)."""
    order_id, customer_id, status = order[0], order[1], order[2]
    every = {"gift": 53, "express": 7, "fragile": 11}
    tags = [tag for tag, n in every.items() if order_id % n == 0]
    return {
        "status": status,
        "channel": ("web", "web", "app", "web", "phone")[order_id % 5],
        "tracking": f"TRK{order_id * 7919 % 100_000_000:08d}",
        "tags": tags,
        "customer": {"id": customer_id, "country": country},
    }


def fill(engine: Engine, data: ShopData) -> None:
    country = {row[0]: row[3] for row in data.customers}
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(events),
            [{"id": o[0], "payload": document(o, country[o[1]])} for o in data.orders],
        )
    vacuum_analyze(engine)


# --8<-- [start:queries]
def by_tracking(dialect: str, tracking: str) -> Select[tuple[int]]:
    if dialect == "postgresql":
        condition: ColumnElement[bool] = as_jsonb.contains({"tracking": tracking})
    else:
        condition = tracking_value == tracking
    return select(events.c.id).where(condition)


def with_tag(dialect: str, tag: str) -> Select[tuple[int]]:
    if dialect == "postgresql":
        condition: ColumnElement[bool] = as_jsonb.contains({"tags": [tag]})
    else:
        # Array elements come out of json_each one row each; no index reaches inside an array.
        elements = func.json_each(events.c.payload, literal_column("'$.tags'")).table_valued(
            "value"
        )
        condition = exists().where(elements.c.value == tag)
    return select(events.c.id).where(condition).order_by(events.c.id)


# --8<-- [end:queries]


def plan_of(engine: Engine, stmt: Select[Any]) -> tuple[str, list[int]]:
    """The SQL the statement sends (with its parameters), its plan, and its rows."""
    with engine.connect() as conn, count_queries(engine) as log:
        rows = list(conn.scalars(stmt))
    sent = log.statements[0]
    with engine.connect() as conn:
        plan = explain_sent(conn, sent)
    return f"{log.sql()[0]}\nparameters: {sent.parameters}\n{plan}", rows


def demo(engine: Engine) -> None:
    dialect = engine.dialect.name
    data = load(engine, "small")  # 5,000 orders, so 5,000 event documents
    fill(engine, data)
    with engine.connect() as conn:
        print("one document:", conn.scalar(select(events.c.payload).where(events.c.id == 77)))
    print()
    tracking = document(data.orders[76], "GB")["tracking"]
    # --8<-- [start:demo]
    for title in ("no index", "with the index"):
        if title == "with the index":
            json_index(dialect).create(engine)
            vacuum_analyze(engine)
        plan, rows = plan_of(engine, by_tracking(dialect, tracking))
        print(f"== by tracking number, {title}: {rows} ==", plan, "", sep="\n")
        plan, rows = plan_of(engine, with_tag(dialect, "gift"))
        print(f"== tagged 'gift', {title}: {len(rows)} rows ==", plan, "", sep="\n")
    # --8<-- [end:demo]
    # --8<-- [start:pitfall]
    # SQLAlchemy's JSON index operator sends the path as a bound parameter: on SQLite that is
    # not the indexed expression, so the index is not used.
    generic = select(events.c.id).where(events.c.payload["tracking"].as_string() == tracking)
    plan, rows = plan_of(engine, generic)
    print(f"== payload['tracking'].as_string() == ...: {rows} ==", plan, sep="\n")
    # --8<-- [end:pitfall]


def measure(size: str) -> dict[str, float]:
    engine = get_engine()
    dialect = engine.dialect.name
    data = load(engine, {"test": 3_000, "bench": "medium"}[size])  # customers; 5 orders each
    fill(engine, data)
    picks = data.orders[:: max(1, len(data.orders) // 50)][:50]
    trackings = [document(order, "GB")["tracking"] for order in picks]

    def lookups() -> None:
        with engine.connect() as conn:
            for tracking in trackings:
                conn.execute(by_tracking(dialect, tracking)).one()

    def tagged() -> None:
        with engine.connect() as conn:
            conn.execute(with_tag(dialect, "gift")).all()

    figures = {"tracking_scan_s": best_of(lookups) / len(trackings), "tags_scan_s": best_of(tagged)}
    json_index(dialect).create(engine)
    vacuum_analyze(engine)
    figures["tracking_indexed_s"] = best_of(lookups) / len(trackings)
    figures["tags_indexed_s"] = best_of(tagged)
    with engine.connect() as conn:
        figures["index_mib"] = relation_bytes(conn, json_index(dialect).name) / 2**20
        figures["table_mib"] = relation_bytes(conn, "order_events") / 2**20
    figures["tracking_speedup_x"] = figures["tracking_scan_s"] / figures["tracking_indexed_s"]
    figures["tags_speedup_x"] = figures["tags_scan_s"] / figures["tags_indexed_s"]
    return figures


if __name__ == "__main__":
    demo(get_engine())
