"""Test databases: create, migrate, empty between tests."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from alembic import command
from sqlalchemy import text

from app import dburl
from app.db import Database
from app.models import Base
from app.schema_version import alembic_config
from app.services.events import GENESIS_HASH

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
# search structures the migrations make beside the models' tables (app/services/search_index.py)
POSTGRES_SEARCH_TABLES = ("certificate_search_vocabulary",)


def postgres_server_url() -> str:
    return os.environ.get("STARCERT_TEST_POSTGRES_URL", DEFAULT_SERVER)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(dburl.asyncpg_dsn(server_url), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def create_postgres_database(server_url: str, name: str) -> str:
    """Create an empty database; raise OSError when the server cannot be reached."""
    try:
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise OSError(f"cannot create database {name} on {server_url}: {exc}") from exc
    return with_database(server_url, name)


def drop_postgres_database(server_url: str, name: str) -> None:
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def migrate(url: str, revision: str = "head") -> None:
    config = alembic_config(url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, revision)


def downgrade(url: str, revision: str = "base") -> None:
    config = alembic_config(url)
    config.attributes["configure_logging"] = False
    command.downgrade(config, revision)


@dataclass
class Backend:
    name: str
    url: str
    db: Database

    @classmethod
    def open(cls, name: str, url: str) -> Backend:
        return cls(name, url, Database(dburl.sqlalchemy_url(url), pool_size=5))


async def reset_database(db: Database) -> None:
    """Empty every table and restart ids, as after ``alembic upgrade head``."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "event_chain"]
    async with db.write_engine.begin() as conn:
        if db.is_sqlite:
            # certificates and audits reference each other: check keys at commit
            await conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            for table in tables:
                await conn.execute(text(f'DELETE FROM "{table}"'))
        else:
            listed = ", ".join(f'"{t}"' for t in [*tables, *POSTGRES_SEARCH_TABLES])
            await conn.execute(text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
        await conn.execute(
            text("UPDATE event_chain SET last_event_id = 0, last_hash = :genesis"),
            {"genesis": GENESIS_HASH},
        )
