"""Engine, sessions and raw driver connections, one code path for SQLite and PostgreSQL.

The service is async end to end (docs/performance.md: on two cores the sync engine in the thread
pool was the slowest stack). SQLAlchemy's async ORM serves every write and the staff API;
the hot public read paths use the driver's own pool (``app.public.queries``).

SQLite: WAL, foreign keys on, a busy timeout, and SQLAlchemy emitting BEGIN itself so that a
writing session starts with ``BEGIN IMMEDIATE`` (it takes the write lock at once, so two
writers queue instead of failing half-way) while a reading one starts a plain ``BEGIN``.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from app.config import Settings

WRITE_OPTION = "starcert_write"
# How long a SQLite connection waits for a lock before it gives up (a bounded wait, then 503)
SQLITE_BUSY_TIMEOUT_MS = 5_000


class Database:
    """The engine and the two session factories (reading and writing)."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = url
        self.engine: AsyncEngine = _create_engine(url, pool_size=pool_size, echo=echo)
        self.dialect = self.engine.dialect.name
        self.write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self.read_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(settings.async_database_url, pool_size=settings.db_pool_size)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _json_serializer(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _create_engine(url: str, *, pool_size: int, echo: bool) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url,
            echo=echo,
            pool_size=pool_size,
            max_overflow=0,
            json_serializer=_json_serializer,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        json_serializer=_json_serializer,
        connect_args={"server_settings": {"application_name": "starcert"}},
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see _sqlite_on_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
