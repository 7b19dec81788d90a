"""HTTP conventions every router reuses: exact JSON numbers, ETag/If-Match, error docs."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Header, Request, Response
from fastapi.routing import APIRoute

from app.domain.errors import PreconditionFailed
from app.problems import PROBLEM_MEDIA_TYPE, Problem


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


class DecimalJSONRequest(Request):
    """Parses JSON numbers with a fraction as ``Decimal`` and refuses NaN/Infinity."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            self._json = json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
        return self._json


class DecimalJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_json_handler(request: Request) -> Response:
            return await handler(DecimalJSONRequest(request.scope, request.receive))

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


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header asks for; None when absent or ``*``.

    An entity tag that cannot name a version (weak, malformed) never matches: 412.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    for tag in (t.strip() for t in if_match.split(",")):
        if len(tag) >= 3 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit():
            return int(tag[1:-1])
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


PROBLEM_SCHEMA = Problem
