# test: databases
"""The lost update, shown step by step, and two fixes that need no locks of their own.

Two clerks sell 3 of a product with 10 in stock. Each reads the quantity, subtracts in Python
and writes the result back. When both read before either writes, both write 7: one sale is
lost, and no error says so. The steps are interleaved explicitly, on two connections in one
thread, so the race happens on every run rather than by bad luck.

On SQLite the engine is the plain ``get_engine()``: Python's sqlite3 driver, by default, runs a
``SELECT`` outside any transaction, so the race happens there too. (With real transactions,
SQLite refuses the second write instead: ``tx_single_writer.py`` shows it.)

Fixes: an atomic ``UPDATE ... SET quantity = quantity - :n`` (the database reads and writes in
one step), and an optimistic version check (write only if nobody wrote since you read; else read
again and retry), by hand and with the ORM's ``version_id_col``. ``tx_for_update.py`` shows the
third fix, locking the row before reading it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session
from sqlalchemy.orm.exc import StaleDataError

from coursecode.db import get_engine
from coursecode.dbapi import shared_database
from coursecode.inventory import STOCK, create_stock, quantity_of

PRODUCT = 1
IN_STOCK = 10
SALE = 3


# --8<-- [start:naive]
def write_quantity(conn: Connection, product_id: int, quantity: int) -> None:
    conn.execute(
        update(STOCK).where(STOCK.c.product_id == product_id).values(quantity=quantity)
    )


def race(engine: Engine) -> int:
    with engine.connect() as a, engine.connect() as b:
        seen_by_a = quantity_of(a, PRODUCT)  # A reads 10
        seen_by_b = quantity_of(b, PRODUCT)  # B reads 10
        write_quantity(a, PRODUCT, seen_by_a - SALE)  # A writes 7
        a.commit()
        write_quantity(b, PRODUCT, seen_by_b - SALE)  # B writes 7 over A's 7
        b.commit()
        return quantity_of(a, PRODUCT)


# --8<-- [end:naive]


# --8<-- [start:atomic]
def sell_atomic(conn: Connection, product_id: int, n: int) -> bool:
    """Subtract in the database, in one statement; False when there are not n left."""
    result = conn.execute(
        update(STOCK)
        .where(STOCK.c.product_id == product_id, STOCK.c.quantity >= n)
        .values(quantity=STOCK.c.quantity - n)  # SET quantity = quantity - :n
    )
    return result.rowcount == 1


def atomic(engine: Engine) -> int:
    with engine.connect() as a, engine.connect() as b:
        quantity_of(a, PRODUCT), quantity_of(b, PRODUCT)  # both read 10, as before
        sell_atomic(a, PRODUCT, SALE)
        a.commit()
        sell_atomic(b, PRODUCT, SALE)  # computes from the committed 7, not from what B read
        b.commit()
        return quantity_of(a, PRODUCT)


# --8<-- [end:atomic]


# --8<-- [start:optimistic]
def read_with_version(conn: Connection, product_id: int) -> tuple[int, int]:
    row = conn.execute(
        select(STOCK.c.quantity, STOCK.c.version).where(STOCK.c.product_id == product_id)
    ).one()
    return row.quantity, row.version


def write_if_unchanged(conn: Connection, product_id: int, quantity: int, version: int) -> bool:
    """Write only if the row still has the version we read; True if it did."""
    result = conn.execute(
        update(STOCK)
        .where(STOCK.c.product_id == product_id, STOCK.c.version == version)
        .values(quantity=quantity, version=STOCK.c.version + 1)
    )
    return result.rowcount == 1


def optimistic(engine: Engine) -> tuple[int, int]:
    with engine.connect() as a, engine.connect() as b:
        quantity_a, version_a = read_with_version(a, PRODUCT)  # 10, version 0
        quantity_b, version_b = read_with_version(b, PRODUCT)  # 10, version 0
        write_if_unchanged(a, PRODUCT, quantity_a - SALE, version_a)  # version 0 -> 1
        a.commit()
        attempts = 1
        while not write_if_unchanged(b, PRODUCT, quantity_b - SALE, version_b):
            b.rollback()  # someone wrote since B read: start over from a fresh read
            quantity_b, version_b = read_with_version(b, PRODUCT)
            attempts += 1
        b.commit()
        return quantity_of(a, PRODUCT), attempts


# --8<-- [end:optimistic]


# --8<-- [start:orm]
class Base(DeclarativeBase):
    pass


class StockItem(Base):
    __table__ = STOCK
    # The ORM adds "AND version = <the version it loaded>" to each UPDATE, increments it, and
    # raises StaleDataError when no row matched.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": STOCK.c.version}

    product_id: Mapped[int]  # annotations only: the columns come from __table__
    quantity: Mapped[int]


def orm_race(engine: Engine) -> None:
    """Both sessions load version 0 and sell; B's commit raises StaleDataError."""
    with Session(engine) as a, Session(engine) as b:
        item_a, item_b = a.get(StockItem, PRODUCT), b.get(StockItem, PRODUCT)
        item_a.quantity -= SALE
        a.commit()  # UPDATE ... WHERE product_id = 1 AND version = 0: matches; version is 1
        item_b.quantity -= SALE
        b.commit()  # UPDATE ... WHERE product_id = 1 AND version = 0: matches nothing


# --8<-- [end:orm]


if __name__ == "__main__":
    # Two connections to one database: a file when DATABASE_URL is in-memory SQLite.
    with shared_database() as url:
        engine = get_engine(url)
        # --8<-- [start:demo]
        create_stock(engine, {PRODUCT: IN_STOCK})
        print("read, read, write, write:", race(engine), "left; two sales of 3 should leave 4")
        #> read, read, write, write: 7 left; two sales of 3 should leave 4

        create_stock(engine, {PRODUCT: IN_STOCK})
        print("atomic UPDATE:", atomic(engine), "left")
        #> atomic UPDATE: 4 left

        create_stock(engine, {PRODUCT: IN_STOCK})
        left, attempts = optimistic(engine)
        print(f"version check: {left} left; B needed {attempts} attempts")
        #> version check: 4 left; B needed 2 attempts

        create_stock(engine, {PRODUCT: IN_STOCK})
        try:
            orm_race(engine)
        except StaleDataError as exc:
            # "UPDATE statement on table 'stock' expected to update 1 row(s); 0 were matched."
            print(f"B's commit: {type(exc).__name__} ({str(exc).split('; ')[-1]})")
            #> B's commit: StaleDataError (0 were matched.)
        # --8<-- [end:demo]
        engine.dispose()
