"""A one-table inventory for Module 11's transaction examples, where sessions collide on purpose.

* :data:`STOCK`: one row per product, its ``quantity`` (never negative, a ``CHECK`` constraint
  says so) and a ``version`` counter for optimistic concurrency control.
* :func:`transactional_engine`: :func:`coursecode.db.get_engine` set up for examples in which
  transactions meet. SQLite gets real transactions (SQLAlchemy sends ``BEGIN``, see
  :mod:`coursecode.sqlite_transactions`), write-ahead logging, and a busy timeout of a tenth of
  a second instead of sqlite3's five, so a lock wait that cannot succeed fails quickly.
  PostgreSQL gets a ``lock_timeout``, so a lock wait that nobody ends fails instead of hanging.
* :func:`create_stock` and :func:`quantity_of` set up and read the table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    insert,
    select,
)

from coursecode.db import database_url, get_engine
from coursecode.sqlite_transactions import begin_explicitly

metadata = MetaData()

STOCK = Table(
    "stock",
    metadata,
    Column("product_id", Integer, primary_key=True, autoincrement=False),
    Column("quantity", Integer, CheckConstraint("quantity >= 0"), nullable=False),
    Column("version", Integer, nullable=False, default=0),
)

SQLITE_BUSY_TIMEOUT = 0.1  # seconds sqlite3 retries a locked database before it gives up
POSTGRES_LOCK_TIMEOUT_MS = 10_000  # a safety net: no example waits for a lock this long


def transactional_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default ``$DATABASE_URL``) whose transactions behave as documented.

    SQLite: ``BEGIN`` at the start of every transaction (``BEGIN DEFERRED``; a connection may
    ask for ``execution_options(sqlite_begin="IMMEDIATE")``), ``journal_mode=WAL`` (a
    file-backed database only), ``timeout=0.1``. PostgreSQL: ``lock_timeout`` of 10 s.
    """
    parsed = database_url(url)
    connect_args = kwargs.pop("connect_args", {})
    if parsed.get_backend_name() == "sqlite":
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT)
    else:
        connect_args.setdefault("options", f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}")
    engine = get_engine(url, connect_args=connect_args, **kwargs)
    if engine.dialect.name == "sqlite":
        begin_explicitly(engine)
        # WAL lets readers keep reading while one writer writes. The setting is stored in the
        # database file, and cannot be changed inside a transaction.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    return engine


def create_stock(engine: Engine, quantities: dict[int, int]) -> None:
    """(Re)create the stock table with ``{product_id: quantity}``, every version 0."""
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(STOCK),
            [{"product_id": p, "quantity": q, "version": 0} for p, q in quantities.items()],
        )


def quantity_of(conn: Connection, product_id: int) -> int:
    """The quantity ``conn`` sees now, inside whatever transaction it has open."""
    return conn.scalar(select(STOCK.c.quantity).where(STOCK.c.product_id == product_id))
