# test: databases
"""Lazy loading in an AsyncSession raises MissingGreenlet; three ways to load what you need, and
the setting that keeps committed objects readable.

A lazy load is a query hidden in an attribute access (``customer.orders``). Sync code runs it on
the spot. Async code cannot: the access is not awaited, so there is no point at which the event
loop could wait for the database, and SQLAlchemy raises ``sqlalchemy.exc.MissingGreenlet``
instead. The same happens to an attribute that ``commit()`` expired.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import ForeignKey, select
from sqlalchemy.exc import InvalidRequestError, SQLAlchemyError, StatementError
from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncEngine, async_sessionmaker
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    mapped_column,
    raiseload,
    relationship,
    selectinload,
)

from coursecode.asyncdb import get_async_engine
from coursecode.db import get_engine
from coursecode.dbapi import shared_database
from coursecode.measure import count_queries
from coursecode.shop import load


# --8<-- [start:models]
class Base(AsyncAttrs, DeclarativeBase):  # AsyncAttrs adds .awaitable_attrs to every model
    pass


class Customer(Base):  # the shop's customers table, with the columns this example uses
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    orders: Mapped[list[Order]] = relationship(back_populates="customer", order_by="Order.id")


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str]
    customer: Mapped[Customer] = relationship(back_populates="orders")


# --8<-- [end:models]

FIRST_FIVE = select(Customer).where(Customer.id <= 5).order_by(Customer.id)


# --8<-- [start:cause]
def error_name(exc: SQLAlchemyError) -> str:
    """The error's class name. On asyncpg a lazy load raises MissingGreenlet itself; on aiosqlite
    (SQLAlchemy 2.1) it arrives wrapped in a StatementError whose .orig is the MissingGreenlet."""
    return type(exc.orig if isinstance(exc, StatementError) else exc).__name__


# --8<-- [end:cause]


# --8<-- [start:lazy]
async def lazy(sessions: async_sessionmaker) -> None:
    async with sessions() as session:
        customers = (await session.scalars(FIRST_FIVE)).all()
        try:
            print(len(customers[0].orders))  # a lazy load: SQL without an await
        except SQLAlchemyError as exc:
            print("lazy load:", error_name(exc))
            #> lazy load: MissingGreenlet


# --8<-- [end:lazy]


# --8<-- [start:fixes]
async def eager(sessions: async_sessionmaker) -> list[int]:
    # Fix 1: load the collection up front, in the awaited query (one more SELECT ... IN).
    async with sessions() as session:
        stmt = FIRST_FIVE.options(selectinload(Customer.orders))
        return [len(c.orders) for c in await session.scalars(stmt)]


async def fail_fast(sessions: async_sessionmaker) -> None:
    # Fix 2, for tests and code review: raiseload("*") turns every lazy load into an error that
    # names the attribute, raised before any SQL is attempted.
    async with sessions() as session:
        customer = (await session.scalars(FIRST_FIVE.options(raiseload("*")))).first()
        try:
            print(len(customer.orders))
        except InvalidRequestError as exc:
            print("raiseload:", str(exc).split(" (Background")[0])
            #> raiseload: 'Customer.orders' is not available due to lazy='raise'


async def awaited(sessions: async_sessionmaker) -> list[int]:
    # Fix 3: await the lazy load explicitly through AsyncAttrs (one SELECT per customer: fine
    # for one object, an N+1 loop for many).
    async with sessions() as session:
        customers = (await session.scalars(FIRST_FIVE)).all()
        return [len(await c.awaitable_attrs.orders) for c in customers]


# --8<-- [end:fixes]


# --8<-- [start:expire]
async def rename(sessions: async_sessionmaker, customer_id: int, name: str) -> str:
    async with sessions() as session:
        customer = await session.get(Customer, customer_id)
        customer.name = name
        await session.commit()  # by default, commit expires every loaded attribute...
        return customer.name  # ...so this reads the database again: MissingGreenlet


# --8<-- [end:expire]


async def demo(engine: AsyncEngine) -> None:
    # --8<-- [start:demo]
    sessions = async_sessionmaker(engine)
    await lazy(sessions)
    #> lazy load: MissingGreenlet

    with count_queries(engine.sync_engine) as log:
        print("selectinload:", await eager(sessions), "in", log.count, "queries")
        #> selectinload: [55, 32, 25, 28, 19] in 2 queries

    await fail_fast(sessions)
    #> raiseload: 'Customer.orders' is not available due to lazy='raise'

    with count_queries(engine.sync_engine) as log:
        print("awaitable_attrs:", await awaited(sessions), "in", log.count, "queries")
        #> awaitable_attrs: [55, 32, 25, 28, 19] in 6 queries

    try:
        await rename(sessions, 1, "Asha")
    except SQLAlchemyError as exc:
        print("after commit:", error_name(exc))
        #> after commit: MissingGreenlet
    keep_loaded = async_sessionmaker(engine, expire_on_commit=False)
    print("expire_on_commit=False:", await rename(keep_loaded, 1, "Asha"))
    #> expire_on_commit=False: Asha
    # --8<-- [end:demo]


async def main(url: str) -> None:
    engine = get_async_engine(url)
    try:
        await demo(engine)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    # The async engine needs its own connections to the shop: a file when DATABASE_URL is
    # in-memory SQLite, whose data would live inside the loading connection alone.
    with shared_database() as url:
        load(get_engine(url), "tiny")  # 100 customers, 500 orders, loaded the fast sync way
        asyncio.run(main(url))
