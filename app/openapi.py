"""The served OpenAPI document: every problem an operation can answer, from the catalogue.

A route declares the problems particular to it — ``responses=problems(CERTIFICATE_NOT_FOUND)``
— and ``build`` adds those every operation of its kind answers (``implied``): 401 and 403
where a token is needed, 400/415/422 where a JSON body is read, 412 with ``If-Match``, 429
on the rate-limited surfaces, 500 and 503 everywhere. Each error status is documented as
``application/problem+json`` with the problem's ``code`` enumerated, so a generated client
knows exactly which codes to expect.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, TypeAdapter

from app.domain.problems import (
    BAD_REQUEST,
    CATALOGUE,
    CONFLICT,
    FORBIDDEN,
    MALFORMED_JSON,
    PRECONDITION_FAILED,
    RATE_LIMITED,
    SERVER_ERROR,
    SERVICE_UNAVAILABLE,
    TOO_LARGE,
    UNAUTHENTICATED,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION,
    ProblemType,
)
from app.paths import API_PREFIX, PAGES_PREFIX, RATE_LIMITED_PREFIXES
from app.problems import PROBLEM_MEDIA_TYPE, Problem

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
BODIED = frozenset({"post", "put", "patch"})
MUTATING = frozenset({"post", "put", "patch", "delete"})
UNGUARDED = frozenset({"/healthz"})
# the key under which a route's ``responses`` carry the codes it declares (removed in build)
CODES = "x-problem-codes"


def problems(*kinds: ProblemType) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: the problems it answers beyond those ``implied`` for it."""
    out: dict[int | str, dict[str, Any]] = {}
    for kind in kinds:
        out.setdefault(kind.status, {"description": "", CODES: []})[CODES].append(kind.code)
    return out


# Models of request bodies documented through ``request_body`` (the lean public routes read
# their bodies themselves): their schemas join the document's components in ``build``.
_BODIES: dict[str, type[BaseModel]] = {}


def parameters(model: type[BaseModel], where: str) -> list[dict[str, Any]]:
    """The OpenAPI parameters (``query``, ``path`` or ``header``) a model reads, one per
    field, for ``openapi_extra`` of a route whose endpoint reads them itself."""
    properties = model.model_json_schema()["properties"]
    return [
        {
            "name": field.alias or name,
            "in": where,
            "required": field.is_required(),
            "schema": properties[field.alias or name],
            **({"description": field.description} if field.description else {}),
        }
        for name, field in model.model_fields.items()
    ]


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route whose endpoint reads its JSON body itself."""
    _BODIES[model.__name__] = model
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def build(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = TypeAdapter(Problem).json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    for name, model in _BODIES.items():
        body_schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        components.update(body_schema.pop("$defs", {}))
        components[name] = body_schema
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is not None:
                _document_problems(path, method, operation)
                if path.startswith(RATE_LIMITED_PREFIXES):
                    _document_rate_limit(operation)
    return schema


def implied(path: str, method: str, operation: dict[str, Any]) -> list[ProblemType]:
    """The problems an operation answers by its kind, whatever the route declares."""
    kinds: list[ProblemType] = []
    if operation.get("security"):
        kinds += [UNAUTHENTICATED, FORBIDDEN]
    if "requestBody" in operation:
        kinds += [MALFORMED_JSON, BAD_REQUEST, UNSUPPORTED_MEDIA_TYPE, VALIDATION]
    if method in BODIED:
        kinds.append(TOO_LARGE)
    parameters = operation.get("parameters", [])
    # the JSON surfaces refuse query parameters they do not declare: any operation may 422
    if parameters or not path.startswith(PAGES_PREFIX):
        kinds.append(VALIDATION)
    if any(p["in"] == "header" and p["name"].lower() == "if-match" for p in parameters):
        kinds.append(PRECONDITION_FAILED)
    if method in MUTATING and path.startswith(API_PREFIX):
        kinds.append(CONFLICT)
    if path.startswith(RATE_LIMITED_PREFIXES):
        kinds.append(RATE_LIMITED)
    if path not in UNGUARDED:
        kinds += [SERVER_ERROR, SERVICE_UNAVAILABLE]
    return kinds


def documented_codes(operation: dict[str, Any]) -> dict[int, list[str]]:
    """The problem codes a built operation documents, by status."""
    out: dict[int, list[str]] = {}
    for status, spec in operation.get("responses", {}).items():
        codes = _enumerated(spec)
        if codes:
            out[int(status)] = list(codes)
    return out


def _enumerated(spec: dict[str, Any]) -> list[str]:
    schema = spec.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("schema", {})
    for part in schema.get("allOf", ()):
        enum = part.get("properties", {}).get("code", {}).get("enum")
        if enum:
            return list(enum)
    return []


def _document_problems(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    by_status: dict[int, dict[str, ProblemType]] = defaultdict(dict)
    for key, spec in list(responses.items()):
        for declared in spec.pop(CODES, ()):
            by_status[int(key)][declared] = CATALOGUE[declared]
        if spec.get("description") == "Validation Error":  # FastAPI's own 422: replaced
            del responses[key]
    for kind in implied(path, method, operation):
        by_status[kind.status].setdefault(kind.code, kind)
    html = path.startswith(PAGES_PREFIX)
    for code in sorted(by_status):
        kinds = sorted(by_status[code].values(), key=lambda k: k.code)
        spec = responses.setdefault(str(code), {})
        spec["description"] = "\n".join(f"`{k.code}`: {k.meaning}" for k in kinds)
        # the human pages answer errors with an HTML page of the same status
        spec["content"] = (
            {"text/html": {"schema": {"type": "string"}}}
            if html
            else {PROBLEM_MEDIA_TYPE: {"schema": _problem_schema([k.code for k in kinds])}}
        )
        if code in (429, 503):
            spec.setdefault("headers", {}).update(RETRY_AFTER)
        if code == 401:
            spec.setdefault("headers", {}).update(WWW_AUTHENTICATE)


def _problem_schema(codes: list[str]) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}},
        ]
    }


_INTEGER = {"schema": {"type": "integer", "minimum": 0}}
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {"description": "Requests allowed per window.", **_INTEGER},
    "RateLimit-Remaining": {"description": "Requests left in this window.", **_INTEGER},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", **_INTEGER},
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", **_INTEGER}}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "`Bearer`.", "schema": {"type": "string"}}}


def _document_rate_limit(operation: dict[str, Any]) -> None:
    """Every response of a rate-limited path carries the RateLimit-* headers
    (app/public/ratelimit.py)."""
    for spec in operation["responses"].values():
        spec.setdefault("headers", {}).update(RATE_LIMIT_HEADERS)
