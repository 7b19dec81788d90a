"""Migrations define the schema: upgrade from empty, downgrade to base, no drift from models."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app import dburl
from app.db import Database
from app.models import Base
from app.schema_version import include_name
from tests.support.databases import (
    downgrade,
    migrate,
)


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _inspect(url: str) -> tuple[list[object], set[str]]:
    db = Database(dburl.sqlalchemy_url(url), pool_size=1)
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(_diff), await conn.run_sync(_tables)
    finally:
        await db.dispose()


def _roundtrip(url: str) -> None:
    migrate(url)
    diff, tables = asyncio.run(_inspect(url))
    assert diff == [], f"models and migrations differ: {diff}"
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    downgrade(url, "base")
    _, tables = asyncio.run(_inspect(url))
    assert tables <= {"alembic_version"}, f"downgrade left tables behind: {tables}"
    migrate(url)
    diff, _ = asyncio.run(_inspect(url))
    assert diff == []


def test_migrations_roundtrip_sqlite(tmp_path: Path) -> None:
    _roundtrip(f"sqlite:///{tmp_path}/migrations.db")


def test_migrations_roundtrip_postgresql(scratch_postgres_url: str) -> None:
    _roundtrip(scratch_postgres_url)
