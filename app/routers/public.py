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
from starlette.routing import BaseRoute, Route

from app.http import problems
from app.problems import invalid_request, problem
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


def _not_modified(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags or "*" in tags


async def get_public_certificate(request: Request) -> Response:
    number: str = request.path_params["number"]
    if len(number) > MAX_NUMBER:
        return invalid_request(
            [{"loc": ("number",), "msg": f"at most {MAX_NUMBER} characters"}], prefix=("path",)
        )
    body = await _service(request).certificate_json(number)
    if body is None:
        return problem(404, "certificate.not_found", "no certificate with this number")
    etag = _etag(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


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


routes: list[BaseRoute] = [
    Route(f"{PREFIX}/verify", verify_public_certificates, methods=["POST"]),
    Route(f"{PREFIX}/{{number}}", get_public_certificate, methods=["GET"]),
    Route(PREFIX, search_public_certificates, methods=["GET"]),
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
