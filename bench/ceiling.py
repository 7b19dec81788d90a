"""The raw ceiling: a bare ASGI callable with the driver's own pool and orjson, doing the
same lookup and the same batch as the service — the same statements through the same thin
pool wrapper (``app.public.queries``), the same JSON shape — with no framework, validation,
rate limiter or metrics. Served like the service: ``uvicorn bench.ceiling:app``."""

from __future__ import annotations

import json
import os
from typing import Any

import orjson

from app.public.queries import PublicRow, Reader, reader_for

_reader: Reader | None = None


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
                _reader = reader_for(os.environ["BENCH_DATABASE_URL"], pool_size=10)
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
