"""Every error the service answers, as ``application/problem+json`` (RFC 9457): the one builder.

``problem`` builds every problem body from a type of the catalogue (``app.domain.problems``):
domain refusals, framework errors (validation, unknown route, wrong method, malformed JSON,
body limit), rate-limit refusals, database outages and unexpected failures. The handlers
below map each kind of exception to its problem, so nothing else builds an error body.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.problems import (
    BAD_REQUEST,
    CONFLICT,
    INVISIBLE_CHARACTERS,
    MALFORMED_JSON,
    METHOD_NOT_ALLOWED,
    ROUTE_NOT_FOUND,
    SERVER_ERROR,
    SERVICE_UNAVAILABLE,
    TOO_LARGE,
    UNAUTHENTICATED,
    VALIDATION,
    DomainError,
    FieldError,
    ProblemType,
)
from app.paths import PAGES_PREFIX
from app.schemas.common import INVISIBLE_ERROR_TYPE, PATTERN_MESSAGES

log = logging.getLogger("starcert")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:starcert:problem:"


class ProblemErrorItem(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem; clients switch on ``code``."""

    type: str = Field(examples=["urn:starcert:problem:application.invalid_transition"])
    title: str = Field(examples=["Conflict"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["cannot accept an application that is withdrawn"])
    code: str = Field(examples=["application.invalid_transition"])
    errors: list[ProblemErrorItem] | None = Field(
        default=None, description="Each invalid parameter or field (validation problems)."
    )
    window_opens_on: date | None = Field(
        default=None,
        description="The first day a surveillance can be decided (`audit.surveillance_not_due`).",
    )


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem(
    kind: ProblemType,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, object] | None = None,
) -> ProblemResponse:
    """The problem response of ``kind``: its code, status and title, this ``detail``."""
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + kind.code,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "code": kind.code,
    }
    if errors:
        body["errors"] = [{"loc": list(e.loc), "msg": e.msg} for e in errors]
    if extensions:  # dates as ISO 8601 (``window_opens_on``)
        body.update({k: v.isoformat() if isinstance(v, date) else v for k, v in extensions.items()})
    if kind is UNAUTHENTICATED:
        headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
    return ProblemResponse(body, status_code=kind.status, headers=dict(headers or {}) or None)


def from_domain_error(exc: DomainError) -> ProblemResponse:
    return problem(exc.problem, exc.detail, errors=exc.errors, extensions=exc.extensions)


HtmlErrors = Callable[[Request, int, str], Response]


def respond(request: Request, response: ProblemResponse, detail: str) -> Response:
    """The problem, or an HTML page of the same status for the human pages under /verify."""
    render: HtmlErrors | None = getattr(request.app.state, "html_errors", None)
    if render is not None and request.url.path.startswith(PAGES_PREFIX):
        page = render(request, response.status_code, detail)
        for name in ("www-authenticate", "retry-after", "allow"):
            if name in response.headers:
                page.headers[name] = response.headers[name]
        return page
    return response


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return respond(request, from_domain_error(exc), exc.detail)


MALFORMED_DETAIL = "the request body is not valid JSON"
VALIDATION_DETAIL = "the request is not valid; see errors"
INVISIBLE_DETAIL = (
    "a name, address or scope holds an invisible or direction-control character; see errors"
)


def field_errors(raw: Sequence[Any], *, prefix: tuple[str, ...] = ()) -> list[FieldError]:
    """pydantic's errors, located (``prefix`` places them: body, query) and in words."""
    out = []
    for error in raw:
        loc = tuple(p if isinstance(p, int) else str(p) for p in error.get("loc", ()))
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "string_pattern_mismatch":
            message = PATTERN_MESSAGES.get(str(error.get("ctx", {}).get("pattern")), message)
        out.append(FieldError((*prefix, *loc), message))
    return out


def invalid_request(raw: Sequence[Any], *, prefix: tuple[str, ...] = ()) -> ProblemResponse:
    """400 ``request.malformed_json`` for a body that is not JSON, else 422 with every error
    located: ``request.invisible_characters`` when a text holds an invisible or
    direction-control character, ``request.validation`` otherwise."""
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(MALFORMED_JSON, MALFORMED_DETAIL)
    errors = field_errors(raw, prefix=prefix)
    if any(e.get("type") == INVISIBLE_ERROR_TYPE for e in raw):
        return problem(INVISIBLE_CHARACTERS, INVISIBLE_DETAIL, errors=errors)
    return problem(VALIDATION, VALIDATION_DETAIL, errors=errors)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    response = invalid_request(exc.errors())
    detail = MALFORMED_DETAIL if response.status_code == 400 else VALIDATION_DETAIL
    return respond(request, response, detail)


# The framework's own refusals, as problems of the catalogue.
_HTTP = {
    400: (BAD_REQUEST, "the request body cannot be read"),
    404: (ROUTE_NOT_FOUND, "no such resource"),
    405: (METHOD_NOT_ALLOWED, "method not allowed here"),
    413: (TOO_LARGE, "the request body is too large"),
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    known = _HTTP.get(exc.status_code)
    if known is None:  # nothing in starcert raises other statuses: a bug, not the caller's
        return await _server_error(request, exc)
    kind, detail = known
    if kind is TOO_LARGE and isinstance(exc.detail, str) and exc.detail.startswith("the "):
        detail = exc.detail
    headers = dict(exc.headers) if exc.headers else None
    return respond(request, problem(kind, detail, headers=headers), detail)


async def _stale_data(request: Request, _exc: Exception) -> Response:
    detail = "the resource changed concurrently; read it again"
    return respond(request, problem(CONFLICT, detail), detail)


async def _integrity_error(request: Request, exc: Exception) -> Response:
    log.warning("integrity error not mapped by a service: %s", exc)
    detail = "the change conflicts with the stored data"
    return respond(request, problem(CONFLICT, detail), detail)


UNAVAILABLE_DETAIL = "the database is unavailable; try again shortly"


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    log.error("database unavailable: %s", exc)
    response = problem(SERVICE_UNAVAILABLE, UNAVAILABLE_DETAIL, headers={"Retry-After": "5"})
    return respond(request, response, UNAVAILABLE_DETAIL)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    detail = "an internal error occurred; it has been logged"
    return respond(request, problem(SERVER_ERROR, detail), detail)


# the ORM's errors, and those of the drivers the public read path uses directly
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.TooManyConnectionsError,
    asyncpg.CannotConnectNowError,
    sqlite3.OperationalError,
)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(IntegrityError, _integrity_error)
    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(DBAPIError, _server_error)
    app.add_exception_handler(Exception, _server_error)
