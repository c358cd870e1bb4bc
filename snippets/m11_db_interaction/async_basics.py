# test: databases
# test: output=per-database
"""SQLAlchemy's asyncio API: the same Core and ORM calls as sync code, awaited.

``coursecode.asyncdb.get_async_engine()`` reads ``DATABASE_URL`` like every other example and swaps
its driver for an asyncio one: asyncpg on PostgreSQL, aiosqlite on SQLite. The output differs
between the two only where the drivers do: the driver's name and the placeholders in the SQL.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from coursecode.asyncdb import get_async_engine
from coursecode.measure import count_queries
from coursecode.shop import Base, Customer

JOINED = datetime(2025, 1, 6, 9, 30)


# --8<-- [start:setup]
async def create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:  # a transaction, committed when the block ends
        # drop_all and create_all are blocking code; run_sync runs each inside SQLAlchemy's
        # greenlet, where every database call they make is awaited for them.
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)


# --8<-- [end:setup]


# --8<-- [start:orm]
async def add_customers(sessions: async_sessionmaker) -> None:
    async with sessions() as session, session.begin():  # commit at the end of the block
        session.add_all(
            [
                Customer(name=name, email=f"{name.lower()}@example.com", country=country,
                         created_at=JOINED)
                for name, country in [("Asha", "GB"), ("Bruno", "DE"), ("Chen", "GB")]
            ]
        )


async def customers_in(sessions: async_sessionmaker, country: str) -> list[str]:
    async with sessions() as session:
        result = await session.scalars(  # the query runs here: await it
            select(Customer).where(Customer.country == country).order_by(Customer.id)
        )
        return [customer.name for customer in result]  # rows already fetched: no await


# --8<-- [end:orm]


# --8<-- [start:core]
async def count_by_country(engine: AsyncEngine) -> dict[str, int]:
    stmt = select(Customer.country, func.count()).group_by(Customer.country)
    async with engine.connect() as conn:
        # stream() hands rows over as they arrive (a server-side cursor on asyncpg)
        result = await conn.stream(stmt.order_by(Customer.country))
        return {country: n async for country, n in result}


# --8<-- [end:core]


async def main() -> None:
    # --8<-- [start:demo]
    engine = get_async_engine()  # DATABASE_URL with an asyncio driver
    print("dialect:", engine.dialect.name, "driver:", engine.dialect.driver)
    # expire_on_commit=False: objects stay readable after commit (see async_lazy_loading.py)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        await create_tables(engine)
        await add_customers(sessions)
        with count_queries(engine.sync_engine) as log:  # events live on the sync engine
            print("GB:", await customers_in(sessions, "GB"))
        print("SQL sent:", *log.sql(), sep="\n  ")
        print("per country:", await count_by_country(engine))
    finally:
        await engine.dispose()  # close the pool's connections inside the running loop
    # --8<-- [end:demo]


if __name__ == "__main__":
    asyncio.run(main())
