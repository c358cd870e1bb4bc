"""async_basics.py: rerunning it on the same database starts from empty tables."""

from __future__ import annotations

import asyncio
import runpy

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from coursecode.asyncdb import get_async_engine
from coursecode.shop import Customer
from tests.conftest import ROOT

pytestmark = pytest.mark.databases

SNIPPET = ROOT / "snippets" / "m11_db_interaction" / "async_basics.py"


def test_create_tables_replaces_earlier_rows(database_url: str | None) -> None:
    snippet = runpy.run_path(str(SNIPPET), run_name="m11_async_basics")

    async def count_after_two_runs() -> tuple[int, int]:
        engine = get_async_engine(database_url)
        sessions = async_sessionmaker(engine)
        counts = []
        try:
            for _ in range(2):
                await snippet["create_tables"](engine)
                await snippet["add_customers"](sessions)
                async with engine.connect() as conn:
                    counts.append(await conn.scalar(select(func.count()).select_from(Customer)))
        finally:
            await engine.dispose()
        return counts[0], counts[1]

    assert asyncio.run(count_after_two_runs()) == (3, 3)
