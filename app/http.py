"""HTTP conventions every router reuses: exact JSON numbers, ETag/If-Match, error docs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.errors import DomainError, FieldError, PreconditionFailed
from app.problems import PROBLEM_MEDIA_TYPE, problem, respond


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


class DecimalJSONRequest(Request):
    """Parses JSON numbers with a fraction as ``Decimal`` and refuses NaN/Infinity.

    A body that is not JSON (bad syntax, bytes that are not UTF-8, nesting deeper than the
    parser's recursion limit) does not raise here: it stays raw bytes, which no body schema
    accepts (not even with ``from_attributes``), and is marked ``malformed``. So the body
    fails validation only after the dependencies (authentication, roles) ran: 401 and 403
    are judged before 400 (api.md), and the route answers ``request.malformed_json``.
    """

    malformed = False

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
            except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError
                self.malformed = True
                self._json = body
        return self._json


_MALFORMED_ERRORS = [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}]
_BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})


class DecimalJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_json_handler(request: Request) -> Response:
            decimal_request = DecimalJSONRequest(request.scope, request.receive)
            if request.method not in _BODILESS:
                # read here, where a streamed body over the limit (BodyLimitMiddleware's
                # TooLarge) reaches its handler as 413; FastAPI would turn it into a 400
                await decimal_request.body()
            try:
                return await handler(decimal_request)
            except RequestValidationError:
                if decimal_request.malformed:
                    raise RequestValidationError(_MALFORMED_ERRORS) from None
                raise

        return decimal_json_handler


# --- optimistic concurrency -------------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The `version` last read, as `"<version>"`; a stale one → 412.',
    ),
]


_VERSION_TAG = re.compile(r'"([0-9]{1,10})"')


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header asks for; None when absent or ``*``.

    An entity tag that cannot name a version (weak, malformed) never matches: 412.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    for tag in (t.strip() for t in if_match.split(",")):
        match = _VERSION_TAG.fullmatch(tag)
        if match is not None:
            return int(match[1])
    raise PreconditionFailed(
        "request.precondition_failed", f"If-Match {if_match!r} does not name a version"
    )


# --- error documentation ----------------------------------------------------------------

_DESCRIPTIONS = {
    400: "The body is not valid JSON (`request.malformed_json`).",
    401: "Token missing, unknown, revoked or expired (`auth.unauthenticated`).",
    403: "The caller's roles do not allow this (`auth.forbidden`).",
    404: "Not found (`<resource>.not_found`).",
    405: "Method not allowed (`request.method_not_allowed`).",
    409: "The request conflicts with the resource's state.",
    412: "Stale `If-Match` (`request.precondition_failed`).",
    413: "The body is too large (`request.too_large`).",
    422: "Invalid input (`request.validation` with `errors`, or a more specific code).",
    429: "Too many requests (`request.rate_limited`); see `Retry-After`.",
    500: "Internal error (`server.error`); nothing of the failure leaks.",
    503: "The database is unavailable (`service.unavailable`).",
}


def problems(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error statuses, as problem+json.

    ``described`` adds specifics, e.g. ``problems(404, 409, s409="...")``.
    """
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        description = described.get(f"s{status}") or _DESCRIPTIONS[status]
        out[status] = {
            "description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out


# --- text the database cannot store -----------------------------------------------------


NUL_DETAIL = "文本不能包含 NUL 字符。Text must not contain a NUL character."


class RefuseNulMiddleware:
    """A NUL in the path or the query string is 422 before anything reads it (api.md: "a NUL
    character in text → 422"); PostgreSQL text cannot hold one, so it must never reach a
    statement. Bodies are checked by their schemas."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")
        ):
            response = problem(
                422,
                "request.validation",
                "the request is not valid; see errors",
                errors=[
                    FieldError(
                        ("query" if "\x00" not in scope["path"] else "path",),
                        "text must not contain a NUL character",
                    )
                ],
            )
            # the human pages answer with an HTML page of the same status (api.md)
            answer = respond(Request(scope, receive), response, NUL_DETAIL)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


class TooLarge(DomainError):
    status = 413
    title = "Content too large"


class BodyLimitMiddleware:
    """Reads no more of a body than ``max_bytes`` (413 ``request.too_large``): refused at once
    on its Content-Length, or as soon as a streamed body passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise TooLarge("request.too_large", self._detail)
            return message

        await self.app(scope, counting_receive, send)

    @property
    def _detail(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await problem(413, "request.too_large", self._detail)(scope, receive, send)
