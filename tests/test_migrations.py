"""Migrations define the schema: upgrade from empty, downgrade to base, no drift from models."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app import dburl
from app.db import Database
from app.models import Base
from app.schema_version import include_name
from tests.conftest import REQUIRE_POSTGRES
from tests.support.databases import (
    create_postgres_database,
    downgrade,
    drop_postgres_database,
    migrate,
    postgres_server_url,
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


def test_migrations_roundtrip_postgresql() -> None:
    server = postgres_server_url()
    name = f"starcert_mig_{uuid.uuid4().hex[:8]}"
    try:
        url = create_postgres_database(server, name)
    except OSError as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    try:
        _roundtrip(url)
    finally:
        drop_postgres_database(server, name)
