"""The raw ceiling: a bare ASGI callable with the driver's own pool and orjson, doing the
same lookup and the same batch as the service — the same statements (``app.public.queries``),
the same JSON shape — with no framework, validation, rate limiter, metrics or fair gate.
On PostgreSQL it is a bare asyncpg pool with the service's pool options; on SQLite, where
the driver has no pool, the service's few aiosqlite connections. Served like the service:
``uvicorn bench.ceiling:app``."""

from __future__ import annotations

import json
import os
from typing import Any

import asyncpg
import orjson
from sqlalchemy.engine import make_url

from app.public.queries import PG, PublicRow, SqliteReader, pool_options

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
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return SqliteReader(parsed.database or ":memory:", pool_size=POOL_SIZE)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return BarePostgres(await asyncpg.create_pool(dsn, **pool_options(POOL_SIZE)))


_reader: BarePostgres | SqliteReader | None = None


def _view(row: PublicRow) -> dict[str, Any]:
    record = row._asdict()
    record["uscc"] = record.pop("organisation_uscc")
    record["standard"] = "GB/T 27922-2011"
    record["issuer"] = "starcert"
    return record


def _result(number: str, row: PublicRow | None) -> dict[str, Any]:
    return {
        "number": number,
        "found": row is not None,
        "status": row.status if row else None,
        "grade": row.grade if row else None,
        "valid": row is not None and row.status == "active",
        "organisation_matches": None,
        "organisation_name": row.organisation_name if row else None,
        "superseded_by": row.superseded_by if row else None,
    }


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
    if scope["method"] == "POST":
        numbers = [item["number"] for item in json.loads(await _body(receive))["items"]]
        rows = {r.number: r for r in await _reader.by_numbers(numbers)}
        body = orjson.dumps({"results": [_result(n, rows.get(n)) for n in numbers]})
        await _answer(send, 200, body)
        return
    row = await _reader.by_number(scope["path"].rsplit("/", 1)[-1])
    if row is None:
        await _answer(send, 404, b'{"code":"certificate.not_found"}')
    else:
        await _answer(send, 200, orjson.dumps(_view(row)))
