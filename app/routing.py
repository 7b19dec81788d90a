"""The input rules of the JSON surfaces (``/api/v1`` and ``/public/v1``), in one route class.

- A JSON body is parsed with its numbers exact: a fraction becomes a ``Decimal``, and a number
  too large for exact arithmetic (more than ``MAX_NUMBER_DIGITS`` digits, or an exponent
  beyond it) is refused before it is converted. NaN and Infinity are not JSON.
- A body that is not JSON is 400 ``request.malformed_json``; a body whose ``Content-Type`` is
  not JSON is 415 ``request.unsupported_media_type``. Both are judged after the
  dependencies (authentication, roles): the body is handed on unparsed, fails validation,
  and only then is the refusal named — so 401 and 403 come first.
- A query parameter the operation does not declare is 422 (query parameters are as strict as
  bodies). The HTML pages use FastAPI's plain route and ignore the ones they do not know.

The body is read by FastAPI as it validates it, never ahead of the handler here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from app.domain.problems import MALFORMED_JSON, UNSUPPORTED_MEDIA_TYPE, DomainError

MAX_NUMBER_DIGITS = 30
# Stands for a number too large to take exactly: every number field refuses it by name.
OUT_OF_RANGE = Decimal("Infinity")
_EXPONENT = re.compile(r"[eE]([+-]?)([0-9]+)$")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_float(text: str) -> Decimal:
    mantissa = _EXPONENT.sub("", text)
    exponent = _EXPONENT.search(text)
    if sum(c.isdigit() for c in mantissa) > MAX_NUMBER_DIGITS or (
        exponent is not None and (len(exponent[2]) > 3 or int(exponent[2]) > MAX_NUMBER_DIGITS)
    ):
        return OUT_OF_RANGE
    return Decimal(text)


def _parse_int(text: str) -> int | Decimal:
    return OUT_OF_RANGE if len(text.lstrip("-")) > MAX_NUMBER_DIGITS else int(text)


def loads(body: bytes | str) -> Any:
    """JSON as starcert reads it (see the module); ValueError for what is not JSON."""
    return json.loads(
        body,
        parse_float=_parse_float,
        parse_int=_parse_int,
        parse_constant=_refuse_constant,
    )


def is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class JSONRequest(Request):
    """A request whose JSON body is read by ``loads``; a body that cannot be taken is kept
    as its raw bytes (which no body schema accepts) and the reason kept in ``refusal``."""

    refusal: DomainError | None = None

    async def body(self) -> bytes:
        body = await super().body()
        if body and self.refusal is None and not is_json(self.headers.get("content-type")):
            self.refusal = UNSUPPORTED_MEDIA_TYPE(
                "the body must be application/json; send it with Content-Type: application/json"
            )
        return body

    async def json(self) -> Any:
        body = await self.body()
        try:
            return loads(body)
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError
            self.refusal = MALFORMED_JSON("the request body is not valid JSON")
            return body


UNKNOWN = "unknown query parameter"


def _query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters an operation declares, its dependencies' included."""
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


class StrictRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        declared = _query_names(self.dependant)

        async def strict_handler(request: Request) -> Response:
            unknown = [name for name in request.query_params if name not in declared]
            if unknown:
                raise RequestValidationError(
                    [
                        {"type": "extra_forbidden", "loc": ("query", name), "msg": UNKNOWN}
                        for name in dict.fromkeys(unknown)
                    ]
                )
            json_request = JSONRequest(request.scope, request.receive)
            try:
                return await handler(json_request)
            except RequestValidationError:
                if json_request.refusal is not None:
                    raise json_request.refusal from None
                raise

        return strict_handler


M = TypeVar("M", bound=BaseModel)


class LeanRoute(APIRoute):
    """A route for the hottest endpoints (the public read path): its endpoint takes the
    Request alone and reads its input itself, with ``query_of`` and ``body_of`` and the
    models that also document it (``app.openapi.query_parameters``, ``request_body``), under
    the same rules as ``StrictRoute``. FastAPI's per-request dependency solving, which costs
    more in Python than such a request does in all, is skipped; routing, error handling and
    the OpenAPI entry are FastAPI's as for every route."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


def query_of(model: type[M], request: Request) -> M:
    """The query string read by ``model`` (which forbids parameters it does not name)."""
    try:
        return model.model_validate(dict(request.query_params))
    except ValidationError as exc:
        raise RequestValidationError(_located("query", exc)) from None


def path_of(model: type[M], request: Request) -> M:
    """The path parameters read by ``model``."""
    try:
        return model.model_validate(request.path_params)
    except ValidationError as exc:
        raise RequestValidationError(_located("path", exc)) from None


async def body_of(model: type[M], request: Request) -> M:
    """The JSON body read by ``model``: 415 when it is not sent as JSON, 400 when it is not
    JSON (``loads``), 422 when the model refuses it."""
    body = await request.body()
    if not body:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "required"}])
    if not is_json(request.headers.get("content-type")):
        raise UNSUPPORTED_MEDIA_TYPE(
            "the body must be application/json; send it with Content-Type: application/json"
        )
    try:
        data = loads(body)
    except (ValueError, RecursionError):
        raise MALFORMED_JSON("the request body is not valid JSON") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(_located("body", exc)) from None


def _located(where: str, exc: ValidationError) -> list[dict[str, Any]]:
    return [{**error, "loc": (where, *error["loc"])} for error in exc.errors()]
