"""Every error the service returns, as ``application/problem+json`` (RFC 9457): the one place.

Domain errors carry their own ``code`` and status; framework errors (validation, unknown
route, wrong method, malformed JSON), database outages and unexpected failures are mapped
here, so no handler elsewhere builds an error body.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
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


async def _domain_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, DomainError)
    return from_domain_error(exc)


def _loc(raw: Sequence[Any]) -> tuple[str | int, ...]:
    return tuple(p if isinstance(p, int) else str(p) for p in raw)


async def _validation_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(400, "request.malformed_json", "the request body is not valid JSON")
    errors = [FieldError(_loc(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in raw]
    return problem(422, "request.validation", "the request is not valid; see errors", errors=errors)


async def _http_error(_request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 404:
        return problem(404, "request.not_found", "no such resource", headers=headers)
    if exc.status_code == 405:
        return problem(
            405, "request.method_not_allowed", "method not allowed here", headers=headers
        )
    phrase = HTTPStatus(exc.status_code).phrase
    code = "request." + phrase.lower().replace(" ", "_").replace("-", "_")
    return problem(exc.status_code, code, str(exc.detail), headers=headers)


async def _stale_data(_request: Request, _exc: Exception) -> ProblemResponse:
    return problem(409, "request.conflict", "the resource changed concurrently; read it again")


async def _integrity_error(_request: Request, exc: Exception) -> ProblemResponse:
    log.warning("integrity error not mapped by a service: %s", exc)
    return problem(409, "request.conflict", "the change conflicts with the stored data")


async def _database_unavailable(_request: Request, exc: Exception) -> ProblemResponse:
    log.error("database unavailable: %s", exc)
    return problem(
        503,
        "service.unavailable",
        "the database is unavailable; try again shortly",
        headers={"Retry-After": "5"},
    )


async def _server_error(_request: Request, exc: Exception) -> ProblemResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem(500, "server.error", "an internal error occurred; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(IntegrityError, _integrity_error)
    for unavailable in (OperationalError, InterfaceError, ConnectionError, TimeoutError):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(DBAPIError, _server_error)
    app.add_exception_handler(Exception, _server_error)
