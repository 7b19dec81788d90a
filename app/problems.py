"""Every error the service returns, as ``application/problem+json`` (RFC 9457): the one place.

Domain errors carry their own ``code`` and status; framework errors (validation, unknown
route, wrong method, malformed JSON), database outages and unexpected failures are mapped
here, so no handler elsewhere builds an error body.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import DomainError, FieldError

log = logging.getLogger("starcert")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:starcert:problem:"


class ProblemError(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem; clients switch on ``code``."""

    type: str = Field(examples=["urn:starcert:problem:application.invalid_transition"])
    title: str = Field(examples=["Conflict"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["cannot accept an application that is withdrawn"])
    code: str = Field(examples=["application.invalid_transition"])
    errors: list[ProblemError] | None = None


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = [{"loc": list(e.loc), "msg": e.msg} for e in errors]
    return ProblemResponse(body, status_code=status, headers=headers)


def from_domain_error(exc: DomainError) -> ProblemResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem(
        exc.status, exc.code, exc.detail, title=exc.title, errors=exc.errors, headers=headers
    )


class Unauthenticated(DomainError):
    status = 401
    title = "Unauthenticated"


HTML_PREFIX = "/verify"
HtmlErrors = Callable[[Request, int, str], Response]


def respond(request: Request, response: ProblemResponse, detail: str) -> Response:
    """The problem, or an HTML page of the same status for the human pages (api.md)."""
    render: HtmlErrors | None = getattr(request.app.state, "html_errors", None)
    if render is not None and request.url.path.startswith(HTML_PREFIX):
        page = render(request, response.status_code, detail)
        for name in ("www-authenticate", "retry-after", "allow"):
            if name in response.headers:
                page.headers[name] = response.headers[name]
        return page
    return response


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return respond(request, from_domain_error(exc), exc.detail)


def _loc(raw: Sequence[Any]) -> tuple[str | int, ...]:
    return tuple(p if isinstance(p, int) else str(p) for p in raw)


MALFORMED_DETAIL = "the request body is not valid JSON"
VALIDATION_DETAIL = "the request is not valid; see errors"


def invalid_request(raw: Sequence[Any], *, prefix: tuple[str, ...] = ()) -> ProblemResponse:
    """pydantic's errors as the problem of api.md: 400 for a body that is not JSON, else 422
    ``request.validation`` with every error located (``prefix`` places them: body, query)."""
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(400, "request.malformed_json", MALFORMED_DETAIL)
    errors = [
        FieldError((*prefix, *_loc(e.get("loc", ()))), str(e.get("msg", "invalid"))) for e in raw
    ]
    return problem(422, "request.validation", VALIDATION_DETAIL, errors=errors)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    response = invalid_request(exc.errors())
    detail = MALFORMED_DETAIL if response.status_code == 400 else VALIDATION_DETAIL
    return respond(request, response, detail)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 404:
        code, detail = "request.not_found", "no such resource"
    elif exc.status_code == 405:
        code, detail = "request.method_not_allowed", "method not allowed here"
    elif exc.status_code == 413:
        code, detail = "request.too_large", "the request body is too large"
    else:
        phrase = HTTPStatus(exc.status_code).phrase
        code = "request." + phrase.lower().replace(" ", "_").replace("-", "_")
        detail = str(exc.detail)
    return respond(request, problem(exc.status_code, code, detail, headers=headers), detail)


async def _stale_data(request: Request, _exc: Exception) -> Response:
    detail = "the resource changed concurrently; read it again"
    return respond(request, problem(409, "request.conflict", detail), detail)


async def _integrity_error(request: Request, exc: Exception) -> Response:
    log.warning("integrity error not mapped by a service: %s", exc)
    detail = "the change conflicts with the stored data"
    return respond(request, problem(409, "request.conflict", detail), detail)


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    log.error("database unavailable: %s", exc)
    detail = "the database is unavailable; try again shortly"
    response = problem(503, "service.unavailable", detail, headers={"Retry-After": "5"})
    return respond(request, response, detail)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    detail = "an internal error occurred; it has been logged"
    return respond(request, problem(500, "server.error", detail), detail)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(IntegrityError, _integrity_error)
    # the ORM's errors, and those of the drivers the public read path uses directly
    for unavailable in (
        OperationalError,
        InterfaceError,
        ConnectionError,
        TimeoutError,
        asyncpg.PostgresConnectionError,
        asyncpg.InterfaceError,
        asyncpg.TooManyConnectionsError,
        asyncpg.CannotConnectNowError,
        sqlite3.OperationalError,
    ):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(DBAPIError, _server_error)
    app.add_exception_handler(Exception, _server_error)
