"""``/public/v1``: open, rate limited, cacheable — the hottest surface of the service.

These three endpoints are plain Starlette routes placed first in the application, not
FastAPI routes: measured in-process, FastAPI's per-request machinery (dependency solving,
parameter models, response handling) costs about 40 µs a request, three times what the
lookup itself costs in Python, and would keep the lookup under half of the raw ceiling
(``make bench``). Their input is validated by the same pydantic models, their errors are the
same problems, and ``openapi_paths`` documents them in the served OpenAPI document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app.http import problems
from app.problems import PROBLEM_MEDIA_TYPE, invalid_request, problem
from app.public.search import MAX_TERM
from app.public.service import PublicService
from app.schemas.public import (
    PublicCertificate,
    PublicCertificatePage,
    VerifyRequest,
    VerifyResponse,
)

PREFIX = "/public/v1/certificates"
CACHE_CONTROL = "public, max-age=60"
JSON = "application/json"
MAX_NUMBER = 64


class SearchQuery(BaseModel):
    """The query of the name/USCC search (query strings are text: numbers are parsed)."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(
        default=None,
        max_length=200,
        description=f"Part of the Chinese or English name printed on the certificate, 2 to "
        f"{MAX_TERM} characters after folding; Latin letters match in any case.",
    )
    uscc: str | None = Field(default=None, max_length=40, description="Exact USCC.")
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=500)


_VERIFY = TypeAdapter(VerifyRequest)
_ETAG_BYTES = 12


def _service(request: Request) -> PublicService:
    service: PublicService = request.app.state.public
    return service


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=_ETAG_BYTES).hexdigest() + '"'


def _not_modified(header: str, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


NOT_FOUND = bytes(problem(404, "certificate.not_found", "no certificate with this number").body)
_NOT_FOUND_HEADERS = [(b"content-type", PROBLEM_MEDIA_TYPE.encode())]


async def lookup(
    service: PublicService, number: str, if_none_match: str | None
) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
    """The lookup as status, headers and body (None: the number is too long, a 422)."""
    if len(number) > MAX_NUMBER:
        return None
    body = await service.certificate_json(number)
    if body is None:
        return 404, _NOT_FOUND_HEADERS, NOT_FOUND
    etag = _etag(body)
    headers = [(b"etag", etag.encode()), (b"cache-control", CACHE_CONTROL.encode())]
    if if_none_match is not None and _not_modified(if_none_match, etag):
        return 304, headers, b""
    return 200, [*headers, (b"content-type", JSON.encode())], body


def _too_long() -> Response:
    return invalid_request(
        [{"loc": ("number",), "msg": f"at most {MAX_NUMBER} characters"}], prefix=("path",)
    )


async def get_public_certificate(request: Request) -> Response:
    answer = await lookup(
        _service(request), request.path_params["number"], request.headers.get("if-none-match")
    )
    if answer is None:
        return _too_long()
    status, headers, body = answer
    response = Response(body, status_code=status)
    response.raw_headers = [*headers, *response.raw_headers]
    return response


class LookupFastPath:
    """``GET /public/v1/certificates/{number}`` straight to :func:`lookup`, the innermost
    middleware: the lookup is the hottest request of the service, and the router, Request
    and Response objects and the exception middleware cost most of its time in Python
    (92–125 → 34–57 µs a request in-process with the database stubbed, the whole stack from
    the ASGI call, three interleaved runs). Anything else —
    HEAD, a longer path, an over-long number — goes on to the route above, which answers
    the same. An error is answered by the application's own handler for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.route = next(r for r in routes if getattr(r, "path", "") == f"{PREFIX}/{{number}}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(_LOOKUP_PREFIX)
            or "/" in path[len(_LOOKUP_PREFIX) :]
            or len(path) == len(_LOOKUP_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route  # the metrics label
        if_none_match = None
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
        try:
            answer = await lookup(
                scope["app"].state.public, path[len(_LOOKUP_PREFIX) :], if_none_match
            )
        except Exception as exc:
            handler = _handler_for(scope["app"].exception_handlers, exc)
            if handler is None:
                raise  # the server error middleware answers 500
            await (await handler(Request(scope, receive), exc))(scope, receive, send)
            return
        if answer is None:
            await self.app(scope, receive, send)
            return
        status, headers, body = answer
        if status != 304:
            headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


_LOOKUP_PREFIX = PREFIX + "/"


def _handler_for(handlers: dict[Any, Any], exc: Exception) -> Any:
    """The application's handler for ``exc`` (nearest class first), but the catch-all."""
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None


async def search_public_certificates(request: Request) -> Response:
    try:
        query = SearchQuery.model_validate(dict(request.query_params))
    except ValidationError as exc:
        return invalid_request(exc.errors(), prefix=("query",))
    items, next_cursor = await _service(request).search(
        name=query.name, uscc=query.uscc, limit=query.limit, cursor=query.cursor
    )
    body = orjson.dumps({"items": items, "next_cursor": next_cursor})
    return Response(body, media_type=JSON, headers={"Cache-Control": CACHE_CONTROL})


async def verify_public_certificates(request: Request) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON and not content_type.endswith("+json"):
        expected = [{"loc": (), "msg": "expected an application/json body"}]
        return invalid_request(expected, prefix=("body",))
    body = await request.body()  # at most 1 MiB: the application's body limit
    try:
        batch = _VERIFY.validate_json(body)
    except ValidationError as exc:
        return invalid_request(exc.errors(), prefix=("body",))
    results = await _service(request).verify(batch.items)
    return Response(orjson.dumps({"results": results}), media_type=JSON)


class LabelledRoute(Route):
    """A Starlette route that names itself in the request scope, as FastAPI's routes do, so
    the metrics label its requests with its template rather than ``unmatched``."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self
        return match, child_scope


routes: list[BaseRoute] = [
    LabelledRoute(f"{PREFIX}/verify", verify_public_certificates, methods=["POST"]),
    LabelledRoute(f"{PREFIX}/{{number}}", get_public_certificate, methods=["GET"]),
    LabelledRoute(PREFIX, search_public_certificates, methods=["GET"]),
]


def openapi_paths(schema_of: Callable[[type[BaseModel]], dict[str, str]]) -> dict[str, Any]:
    """The OpenAPI path items of these routes; ``schema_of(Model)`` returns a ``$ref``."""
    ok = {"description": "OK"}

    def json_of(model: type[BaseModel]) -> dict[str, Any]:
        return {JSON: {"schema": schema_of(model)}}

    return {
        f"{PREFIX}/{{number}}": {
            "get": {
                "operationId": "get_public_certificate",
                "summary": "Look a certificate up by number (case and surrounding spaces forgiven)",
                "tags": ["public"],
                "parameters": [
                    {
                        "name": "number",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": MAX_NUMBER},
                        "example": "ASC-2026-000042",
                    },
                    {
                        "name": "If-None-Match",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 200},
                    },
                ],
                "responses": {
                    "200": {
                        **ok,
                        "content": json_of(PublicCertificate),
                        "headers": {
                            "ETag": {"schema": {"type": "string"}},
                            "Cache-Control": {"schema": {"type": "string"}},
                        },
                    },
                    "304": {"description": "Not modified (`If-None-Match`)."},
                    **_errors(404, 422, 429, s404="`certificate.not_found`"),
                },
            }
        },
        PREFIX: {
            "get": {
                "operationId": "search_public_certificates",
                "summary": "Find certificates by organisation name (substring, Chinese or "
                "English) or USCC; active first",
                "tags": ["public"],
                "parameters": [
                    {
                        "name": name,
                        "in": "query",
                        "required": False,
                        "schema": field_schema,
                        "description": field_schema.get("description", ""),
                    }
                    for name, field_schema in SearchQuery.model_json_schema()["properties"].items()
                ],
                "responses": {
                    "200": {**ok, "content": json_of(PublicCertificatePage)},
                    **_errors(422, 429),
                },
            }
        },
        f"{PREFIX}/verify": {
            "post": {
                "operationId": "verify_public_certificates",
                "summary": "Verify up to 100 certificates at once, optionally against the "
                "holder's name or USCC",
                "tags": ["public"],
                "requestBody": {"required": True, "content": json_of(VerifyRequest)},
                "responses": {
                    "200": {**ok, "content": json_of(VerifyResponse)},
                    **_errors(400, 413, 422, 429, s413="`request.too_large`"),
                },
            }
        },
    }


def _errors(*statuses: int, **described: str) -> dict[str, Any]:
    return {str(k): v for k, v in problems(*statuses, **described).items()}
