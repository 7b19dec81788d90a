"""``/public/v1``: open, rate limited, cacheable — the hottest surface of the service.

Each endpoint is defined once, here, as a FastAPI route of the lean kind
(``app.routing.LeanRoute``): it reads its input itself with the pydantic models its OpenAPI
entry is generated from (the same rules as ``/api/v1``), and its declared problems document
its errors. The answers are written by orjson from the records of ``app.public.records``
rather than through a response model: the tests validate every public response against the
OpenAPI document instead.

The lookup, the hottest request of all, also has a fast path (``LookupFastPath``): a request
the lookup route itself matches, with nothing the route would have to parse (no query
string), is answered by the same ``lookup`` function without the framework's per-request
machinery (docs/performance.md#the-lookup-fast-path). A dated lookup (``?on=``) and the
history always go through their routes.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.domain.numbers import MAX_NUMBER_INPUT
from app.domain.problems import CERTIFICATE_NOT_FOUND, CERTIFICATE_NOT_YET_ISSUED
from app.domain.search import MAX_TERM
from app.domain.uscc import MAX_USCC_INPUT
from app.openapi import parameters, problems, request_body
from app.params import IsoDate, NumberText, WholeNumber
from app.paths import PUBLIC_PREFIX
from app.problems import problem
from app.public.service import PublicService
from app.routing import LeanRoute, body_of, path_of, query_of
from app.schemas.public import (
    PublicCertificate,
    PublicCertificatePage,
    PublicHistory,
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

router = APIRouter(prefix=f"{PUBLIC_PREFIX}/certificates", tags=["public"], route_class=LeanRoute)

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
_NOT_FOUND = problem(CERTIFICATE_NOT_FOUND, "no certificate with this number")
_NOT_FOUND_HEADERS = [(k, v) for k, v in _NOT_FOUND.raw_headers if k != b"content-length"]


def _service(request: Request) -> PublicService:
    service: PublicService = request.app.state.public
    return service


def _etag(body: bytes, salt: bytes = b"") -> str:
    """A hash of the body; ``salt`` keeps the tags of different representations apart."""
    digest = hashlib.blake2b(body, digest_size=_ETAG_BYTES, person=salt).hexdigest()
    return '"' + digest + '"'


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


def cacheable(document: Any, if_none_match: str | None, salt: bytes) -> Response:
    """A 200 with its own ETag (``salt`` names the representation: a dated record's tag is
    never the present record's, even for the same body) and the lookup's Cache-Control, or
    304."""
    body = orjson.dumps(document)
    etag = _etag(body, salt)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if if_none_match is not None and _not_modified(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


_STRING = {"schema": {"type": "string"}}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
}
LOOKUP = "/{number:certificate_number}"


class LookupPath(BaseModel):
    number: NumberText


class NoQuery(BaseModel):
    """No query parameter: the batch and the history take none (a query string goes past
    the fast path to the route, which refuses what it does not know)."""

    model_config = ConfigDict(extra="forbid")


class LookupQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Annotated[date | None, IsoDate] = Field(
        default=None,
        description="The record as it stood at the end of this day (`YYYY-MM-DD`, in the "
        "body's time zone; not after today).",
    )


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(
        default=None,
        max_length=200,
        description=f"Part of the Chinese or English name printed on the certificate, 2 to "
        f"{MAX_TERM} characters after folding; Latin letters match in any case.",
    )
    uscc: str | None = Field(default=None, max_length=MAX_USCC_INPUT, description="Exact USCC.")
    limit: Annotated[int, WholeNumber, Field(ge=1, le=100, description="Page size (1..100).")] = 20
    cursor: str | None = Field(
        default=None, max_length=500, description="`next_cursor` of the previous page."
    )


@router.post(
    "/verify",
    operation_id="verify_public_certificates",
    summary="Verify up to 100 certificates at once, optionally against the holder's name or USCC",
    response_model=VerifyResponse,
    openapi_extra={"requestBody": request_body(VerifyRequest)},
)
async def verify_public_certificates(request: Request) -> Response:
    query_of(NoQuery, request)
    batch = await body_of(VerifyRequest, request)
    results = await _service(request).verify(batch.items)
    return Response(orjson.dumps({"results": results}), media_type=JSON)


@router.get(
    LOOKUP,
    operation_id="get_public_certificate",
    summary="Look a certificate up by number (case and surrounding spaces forgiven)",
    response_model=PublicCertificate,
    responses={
        200: {"headers": {"ETag": _STRING, "Cache-Control": _STRING}},
        304: {"description": "Not modified (`If-None-Match`).", "headers": {"ETag": _STRING}},
        **problems(CERTIFICATE_NOT_FOUND, CERTIFICATE_NOT_YET_ISSUED),
    },
    openapi_extra={
        "parameters": [
            *parameters(LookupPath, "path"),
            *parameters(LookupQuery, "query"),
            _IF_NONE_MATCH,
        ]
    },
)
async def get_public_certificate(request: Request) -> Response:
    path = path_of(LookupPath, request)
    query = query_of(LookupQuery, request)
    service = _service(request)
    if_none_match = request.headers.get("if-none-match")
    if query.on is not None:
        record = await service.certificate_on(path.number, query.on)
        return cacheable(record, if_none_match, b"on=" + query.on.isoformat().encode())
    status, headers, body = await lookup(service, path.number, if_none_match)
    response = Response(body, status_code=status)
    response.raw_headers = [*headers, *response.raw_headers]
    return response


@router.get(
    LOOKUP + "/history",
    operation_id="get_public_certificate_history",
    summary="A certificate's public history: what happened on which day, oldest first",
    response_model=PublicHistory,
    responses={
        200: {"headers": {"ETag": _STRING, "Cache-Control": _STRING}},
        304: {"description": "Not modified (`If-None-Match`).", "headers": {"ETag": _STRING}},
        **problems(CERTIFICATE_NOT_FOUND),
    },
    openapi_extra={"parameters": [*parameters(LookupPath, "path"), _IF_NONE_MATCH]},
)
async def get_public_certificate_history(request: Request) -> Response:
    path = path_of(LookupPath, request)
    query_of(NoQuery, request)
    items = await _service(request).history(path.number)
    return cacheable({"items": items}, request.headers.get("if-none-match"), b"history")


@router.get(
    "",
    operation_id="search_public_certificates",
    summary="Find certificates by organisation name (substring, Chinese or English) or USCC; "
    "active first",
    response_model=PublicCertificatePage,
    openapi_extra={"parameters": parameters(SearchQuery, "query")},
)
async def search_public_certificates(request: Request) -> Response:
    query = query_of(SearchQuery, request)
    items, next_cursor = await _service(request).search(
        name=query.name, uscc=query.uscc, limit=query.limit, cursor=query.cursor
    )
    body = orjson.dumps({"items": items, "next_cursor": next_cursor})
    return Response(body, media_type=JSON, headers={"Cache-Control": CACHE_CONTROL})


lookup_route = next(
    r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is get_public_certificate
)
# HEAD answers as GET does, headers only (the server drops the body); one operation documents
# both, so the twin stays out of the OpenAPI document
router.add_api_route(LOOKUP, get_public_certificate, methods=["HEAD"], include_in_schema=False)


class LookupFastPath:
    """The lookup route's fast path, the innermost middleware: a GET with no query string
    whose path the lookup route's own pattern matches is answered by ``lookup`` at once — no
    router, dependency solving, Request or Response objects. Everything else (HEAD, a query
    string, an over-long number, any other path) goes on to the application, which answers
    the same through the route. An error is answered by the application's own exception
    handlers, through Starlette's ``ExceptionMiddleware``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = (
            _PATTERN.match(scope["path"])
            if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]
            else None
        )
        # an over-long number goes on to the route, which refuses it as the schema says
        if match is None or len(number := match["number"]) > MAX_NUMBER_INPUT:
            await self.app(scope, receive, send)
            return
        scope["route"] = lookup_route  # the metrics label
        if_none_match = None
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        try:
            status, headers, body = await lookup(scope["app"].state.public, number, if_none_match)
        except Exception as exc:
            await _answer_error(scope, receive, send, exc)
            return
        if status != 304:
            headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


# the route's own pattern: what the router would route to the lookup, the fast path answers
_PATTERN = lookup_route.path_regex


async def _answer_error(scope: Scope, receive: Receive, send: Send, error: Exception) -> None:
    """Answer ``error`` with the application's handler for it, as the route would."""

    async def fail(_scope: Scope, _receive: Receive, _send: Send) -> None:
        raise error

    handlers = dict(scope["app"].exception_handlers)
    handlers.pop(Exception, None)  # the server error middleware answers the rest
    await ExceptionMiddleware(fail, handlers=handlers)(scope, receive, send)
