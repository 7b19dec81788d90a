"""Gapless numbers: one counter row per series and year, bumped in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import NumberSequence

APPLICATIONS = "application"


def certificate_series(prefix: str) -> str:
    return f"certificate:{prefix}"


async def next_value(session: AsyncSession, series: str, year: int) -> int:
    """The next number of ``series`` in ``year`` (1, 2, …).

    One upsert: it creates the year's row or increments it, and its row lock makes a
    concurrent issuer wait for this transaction; a rollback gives the number back.
    """
    table = NumberSequence.__table__
    assert isinstance(table, Table)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(series=series, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[table.c.series, table.c.year],
            set_={"last_value": table.c.last_value + 1},
        )
        .returning(table.c.last_value)
    )
    value: int = (await session.execute(statement)).scalar_one()
    return value
