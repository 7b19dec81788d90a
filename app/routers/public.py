"""``/public/v1``: open, rate limited, cacheable — the hottest surface of the service.

Each endpoint is defined once, here, as a FastAPI route: its parameters and models validate
the input (the same rules as ``/api/v1``, ``app.routing``) and document it, its declared
problems document the errors. The answers are written by orjson from the records of
``app.public.records`` rather than through a response model: the tests validate every public
response against the OpenAPI document instead.

The lookup, the hottest request of all, also has a fast path (``LookupFastPath``): a request
the lookup route itself matches, with nothing the route would have to parse (no query
string), is answered by the same ``lookup`` function without the framework's per-request
machinery (docs/performance.md#the-lookup-fast-path).
"""

from __future__ import annotations

import hashlib
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.routing import APIRoute
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from app.domain.numbers import MAX_NUMBER_INPUT
from app.domain.problems import CERTIFICATE_NOT_FOUND
from app.domain.search import MAX_TERM
from app.domain.uscc import MAX_USCC_INPUT
from app.openapi import problems
from app.params import CursorQuery, LimitQuery, NumberPath
from app.paths import PUBLIC_PREFIX
from app.problems import problem
from app.public.service import PublicService
from app.routing import StrictRoute
from app.schemas.public import (
    PublicCertificate,
    PublicCertificatePage,
    VerifyRequest,
    VerifyResponse,
)

CACHE_CONTROL = "public, max-age=60"
JSON = "application/json"
_ETAG_BYTES = 12


class CertificateNumberConvertor(StringConvertor):
    """A path segment that names a certificate: anything but ``verify``, which names the
    batch operation (``GET …/verify`` is 405, not the lookup of a certificate "verify")."""

    regex = "(?!verify$)[^/]+"


register_url_convertor("certificate_number", CertificateNumberConvertor())

router = APIRouter(prefix=f"{PUBLIC_PREFIX}/certificates", tags=["public"], route_class=StrictRoute)


def get_public(request: Request) -> PublicService:
    service: PublicService = request.app.state.public
    return service


Public = Annotated[PublicService, Depends(get_public)]

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
_NOT_FOUND = problem(CERTIFICATE_NOT_FOUND, "no certificate with this number")
_NOT_FOUND_HEADERS = [(k, v) for k, v in _NOT_FOUND.raw_headers if k != b"content-length"]


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=_ETAG_BYTES).hexdigest() + '"'


def _not_modified(header: str, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


async def lookup(service: PublicService, number: str, if_none_match: str | None) -> Answer:
    """The lookup as status, headers and body: the record with its ETag, 304, or 404."""
    body = await service.certificate_json(number)
    if body is None:
        return 404, _NOT_FOUND_HEADERS, bytes(_NOT_FOUND.body)
    etag = _etag(body)
    headers = [(b"etag", etag.encode()), (b"cache-control", CACHE_CONTROL.encode())]
    if if_none_match is not None and _not_modified(if_none_match, etag):
        return 304, headers, b""
    return 200, [*headers, (b"content-type", JSON.encode())], body


_STRING = {"schema": {"type": "string"}}
LOOKUP = "/{number:certificate_number}"


@router.post(
    "/verify",
    operation_id="verify_public_certificates",
    summary="Verify up to 100 certificates at once, optionally against the holder's name or USCC",
    response_model=VerifyResponse,
)
async def verify_public_certificates(body: VerifyRequest, service: Public) -> Response:
    results = await service.verify(body.items)
    return Response(orjson.dumps({"results": results}), media_type=JSON)


@router.get(
    LOOKUP,
    operation_id="get_public_certificate",
    summary="Look a certificate up by number (case and surrounding spaces forgiven)",
    response_model=PublicCertificate,
    responses={
        200: {"headers": {"ETag": _STRING, "Cache-Control": _STRING}},
        304: {"description": "Not modified (`If-None-Match`).", "headers": {"ETag": _STRING}},
        **problems(CERTIFICATE_NOT_FOUND),
    },
)
async def get_public_certificate(
    number: NumberPath,
    service: Public,
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    status, headers, body = await lookup(service, number, if_none_match)
    response = Response(body, status_code=status)
    response.raw_headers = [*headers, *response.raw_headers]
    return response


@router.get(
    "",
    operation_id="search_public_certificates",
    summary="Find certificates by organisation name (substring, Chinese or English) or USCC; "
    "active first",
    response_model=PublicCertificatePage,
)
async def search_public_certificates(
    service: Public,
    name: Annotated[
        str | None,
        Query(
            max_length=200,
            description=f"Part of the Chinese or English name printed on the certificate, 2 to "
            f"{MAX_TERM} characters after folding; Latin letters match in any case.",
        ),
    ] = None,
    uscc: Annotated[str | None, Query(max_length=MAX_USCC_INPUT, description="Exact USCC.")] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    items, next_cursor = await service.search(name=name, uscc=uscc, limit=limit, cursor=cursor)
    body = orjson.dumps({"items": items, "next_cursor": next_cursor})
    return Response(body, media_type=JSON, headers={"Cache-Control": CACHE_CONTROL})


lookup_route = next(
    r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is get_public_certificate
)
# HEAD answers as GET does, headers only (the server drops the body); one operation documents
# both, so the twin stays out of the OpenAPI document
router.add_api_route(LOOKUP, get_public_certificate, methods=["HEAD"], include_in_schema=False)


class LookupFastPath:
    """The lookup route's fast path, the innermost middleware: a GET that ``lookup_route``
    matches and that has no query string is answered by ``lookup`` at once — no router,
    dependency solving, Request or Response objects. Everything else (HEAD, a query string,
    an over-long number, any other path) goes on to the application, which answers the same
    through the route. An error is answered by the application's own exception handlers,
    through Starlette's ``ExceptionMiddleware``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.guarded: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["query_string"]:
            await self.app(scope, receive, send)
            return
        match, child = lookup_route.matches(scope)
        # an over-long number goes on to the route, which refuses it as the schema says
        if match is not Match.FULL or len(child["path_params"]["number"]) > MAX_NUMBER_INPUT:
            await self.app(scope, receive, send)
            return
        scope["route"] = lookup_route  # the metrics label
        scope["path_params"] = child["path_params"]
        if self.guarded is None:
            handlers = dict(scope["app"].exception_handlers)
            handlers.pop(Exception, None)  # the server error middleware answers the rest
            self.guarded = ExceptionMiddleware(self._answer, handlers=handlers)
        await self.guarded(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        number = scope["path_params"]["number"]
        if_none_match = None
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        status, headers, body = await lookup(scope["app"].state.public, number, if_none_match)
        if status != 304:
            headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
