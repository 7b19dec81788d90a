"""``/public/v1``: open, rate limited, cacheable. Handlers answer with prebuilt JSON bytes."""

from __future__ import annotations

import hashlib
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request, Response

from app.http import DecimalJSONRoute, problems
from app.pagination import CursorQuery
from app.problems import problem
from app.public.search import MAX_TERM
from app.public.service import PublicService, VerifyItem
from app.schemas.public import (
    PublicCertificate,
    PublicCertificatePage,
    VerifyRequest,
    VerifyResponse,
)

router = APIRouter(
    prefix="/public/v1",
    tags=["public"],
    route_class=DecimalJSONRoute,
    responses=problems(429),
)

CACHE_CONTROL = "public, max-age=60"
JSON = "application/json"


def _service(request: Request) -> PublicService:
    service: PublicService = request.app.state.public
    return service


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


@router.get(
    "/certificates/{number}",
    operation_id="get_public_certificate",
    summary="Look a certificate up by number (case and surrounding spaces forgiven)",
    response_model=PublicCertificate,
    responses={
        **problems(404, s404="`certificate.not_found`"),
        304: {"description": "Not modified (`If-None-Match`)."},
    },
)
async def get_public_certificate(
    number: Annotated[str, Path(max_length=64)], request: Request
) -> Response:
    body = await _service(request).certificate_json(number)
    if body is None:
        return problem(404, "certificate.not_found", "no certificate with this number")
    etag = _etag(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


@router.get(
    "/certificates",
    operation_id="search_public_certificates",
    summary="Find certificates by organisation name (substring, Chinese or English) or USCC",
    response_model=PublicCertificatePage,
    responses=problems(422),
)
async def search_public_certificates(
    request: Request,
    name: Annotated[
        str | None,
        Query(
            max_length=200,
            description=f"Part of the Chinese or English name printed on the certificate, "
            f"2 to {MAX_TERM} characters; Latin letters match in any case.",
        ),
    ] = None,
    uscc: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> Response:
    items, next_cursor = await _service(request).search(
        name=name, uscc=uscc, limit=limit, cursor=cursor
    )
    body = orjson.dumps({"items": items, "next_cursor": next_cursor})
    return Response(body, media_type=JSON, headers={"Cache-Control": CACHE_CONTROL})


@router.post(
    "/certificates/verify",
    operation_id="verify_public_certificates",
    summary="Verify up to 100 certificates at once, optionally against the holder's name or USCC",
    response_model=VerifyResponse,
    responses=problems(400, 422),
)
async def verify_public_certificates(body: VerifyRequest, request: Request) -> Response:
    items = [VerifyItem(i.number, i.organisation_name, i.uscc) for i in body.items]
    results = await _service(request).verify(items)
    return Response(orjson.dumps({"results": results}), media_type=JSON)
