"""The raw ceiling: a bare ASGI callable with the driver's own pool and orjson, doing the
same lookup and the same batch as the service — the same statements (``app.public.queries``),
the same records (``app.public.records``) — with no framework, validation, rate limiter,
metrics or fair gate.
On PostgreSQL it is a bare asyncpg pool with the service's pool options; on SQLite, where
the driver has no pool, the service's few aiosqlite connections. Served like the service:
``uvicorn bench.ceiling:app``."""

from __future__ import annotations

import json
import os
from typing import Any

import asyncpg
import orjson

from app import dburl
from app.clock import Clock
from app.config import Settings
from app.domain.numbers import normalise_certificate_number
from app.public.queries import PG, PublicRow, SqliteReader, pool_options
from app.public.records import certificate_record, verify_result

POOL_SIZE = 10


class BarePostgres:
    """The lookups on a bare asyncpg pool: no gate, no wrapper."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def by_number(self, number: str) -> PublicRow | None:
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(PG["by_number"], number)
        return PublicRow(*row) if row is not None else None

    async def by_numbers(self, numbers: list[str]) -> list[PublicRow]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(PG["by_numbers"], numbers)
        return [PublicRow(*r) for r in rows]

    async def close(self) -> None:
        await self.pool.close()


async def _open(url: str) -> BarePostgres | SqliteReader:
    if dburl.backend(url) == "sqlite":
        return SqliteReader(dburl.sqlite_path(url), pool_size=POOL_SIZE)
    pool = await asyncpg.create_pool(dburl.asyncpg_dsn(url), **pool_options(POOL_SIZE))
    return BarePostgres(pool)


_reader: BarePostgres | SqliteReader | None = None
_SETTINGS = Settings()
_CLOCK = Clock(_SETTINGS.zone)
_ISSUER = _SETTINGS.issuer_name


class _Item:
    """A batch item as the service's request model gives it (no name or USCC to match)."""

    __slots__ = ("number",)
    organisation_name = None
    uscc = None
    on = None

    def __init__(self, number: str) -> None:
        self.number = number


async def _body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _reader
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _reader = await _open(os.environ["BENCH_DATABASE_URL"])
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _reader is not None:
                    await _reader.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    assert _reader is not None
    today = _CLOCK.today()
    if scope["method"] == "POST":
        items = [_Item(item["number"]) for item in json.loads(await _body(receive))["items"]]
        numbers = [normalise_certificate_number(i.number) for i in items]
        rows = {r.number: r for r in await _reader.by_numbers([n for n in numbers if n])}
        results = [
            verify_result(i, rows.get(n) if n else None, n, today)
            for i, n in zip(items, numbers, strict=True)
        ]
        await _answer(send, 200, orjson.dumps({"results": results}))
        return
    row = await _reader.by_number(scope["path"].rsplit("/", 1)[-1])
    if row is None:
        await _answer(send, 404, b'{"code":"certificate.not_found"}')
    else:
        await _answer(send, 200, orjson.dumps(certificate_record(row, today, _ISSUER)))
