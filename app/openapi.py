"""The served OpenAPI document: every error documented as problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, TypeAdapter

from app.http import problems
from app.problems import PROBLEM_MEDIA_TYPE, Problem
from app.routers import public as public_routes

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
UNGUARDED = frozenset({"/healthz"})
RATE_LIMITED = ("/public/", "/verify")
HTML_PAGES = "/verify"


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
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)

    def schema_of(model: type[BaseModel]) -> dict[str, str]:
        model_schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
        components.update(model_schema.pop("$defs", {}))
        components[model.__name__] = model_schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    schema["paths"] = {**public_routes.openapi_paths(schema_of), **schema.get("paths", {})}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is not None:
                _document_errors(path, method, operation)
                if path.startswith(RATE_LIMITED):
                    _document_rate_limit(operation)
    return schema


# BodyLimitMiddleware refuses any body over 1 MiB, whether the operation reads one or not
BODIED = frozenset({"post", "put", "patch"})
_INTEGER = {"schema": {"type": "integer", "minimum": 0}}
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {"description": "Requests allowed per window.", **_INTEGER},
    "RateLimit-Remaining": {"description": "Requests left in this window.", **_INTEGER},
    "RateLimit-Reset": {"description": "Seconds until the window resets.", **_INTEGER},
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", **_INTEGER}}


def _document_rate_limit(operation: dict[str, Any]) -> None:
    """Every response of a rate-limited path carries the RateLimit-* headers; a 429 also
    ``Retry-After`` (app/public/ratelimit.py)."""
    for status, spec in operation["responses"].items():
        headers = spec.setdefault("headers", {})
        headers.update(RATE_LIMIT_HEADERS)
        if status == "429":
            headers.update(RETRY_AFTER)


def _document_errors(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    statuses: list[int] = []
    if "requestBody" in operation:
        statuses += [400, 422]
    if method in BODIED:
        statuses.append(413)
    if operation.get("parameters"):
        statuses.append(422)
    if path not in UNGUARDED:
        statuses += [500, 503]
    if path.startswith(RATE_LIMITED):
        statuses.append(429)
    for status, spec in problems(*statuses).items():
        existing = responses.get(str(status))
        if existing is None or existing.get("description") == "Validation Error":
            responses[str(status)] = spec
    html = path.startswith(HTML_PAGES)
    for status, spec in responses.items():
        if status.isdigit() and int(status) >= 400:
            # the human pages answer errors with an HTML page of the same status (api.md)
            spec["content"] = (
                {"text/html": {"schema": {"type": "string"}}}
                if html
                else {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
            )
