"""The OpenAPI document is what generated SDKs are built from: check its shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from app.domain.problems import CATALOGUE
from tests.support.api import Api

METHODS = ("get", "post", "put", "patch", "delete")


def _codes(responses: dict[str, Any], status: int) -> list[str]:
    schema = responses[str(status)]["content"]["application/problem+json"]["schema"]
    codes: list[str] = schema["allOf"][1]["properties"]["code"]["enum"]
    return codes


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (path, method, operation) of an OpenAPI document."""
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


async def test_openapi_operations_are_well_formed(api: Api) -> None:
    doc = (await api.get("/openapi.json")).json()
    seen: set[str] = set()
    schemas = doc["components"]["schemas"]
    assert "Problem" in schemas and "HTTPValidationError" not in schemas
    for path, method, op in _operations(doc):
        where = f"{method.upper()} {path}"
        assert re.fullmatch(r"[a-z][a-z0-9_]*", op["operationId"]), where
        assert op["operationId"] not in seen, where
        seen.add(op["operationId"])
        assert op.get("tags"), where
        responses = op["responses"]
        if path != "/healthz":
            assert {"500", "503"} <= set(responses), where
        if "requestBody" in op or op.get("parameters"):
            assert "422" in responses, where
        if "requestBody" in op:
            assert "400" in responses, where
        if path.startswith("/api/v1"):
            assert {"401", "403"} <= set(responses), where
            assert op.get("security"), where
        if path.startswith(("/public/", "/verify")):
            assert "429" in responses, where
        for status, spec in responses.items():
            if int(status) < 400:
                continue
            if path.startswith("/verify"):
                assert list(spec["content"]) == ["text/html"], where
                continue
            assert list(spec["content"]) == ["application/problem+json"], where
            ref, codes = spec["content"]["application/problem+json"]["schema"]["allOf"]
            assert ref == {"$ref": "#/components/schemas/Problem"}, where
            # the codes this status can carry, each of the catalogue and of this status
            enum = codes["properties"]["code"]["enum"]
            assert enum and enum == sorted(set(enum)), where
            for code in enum:
                assert CATALOGUE[code].status == int(status), (where, code)
                assert f"`{code}`: {CATALOGUE[code].meaning}" in spec["description"], where
        if path.startswith("/api/v1"):
            assert _codes(responses, 401) == ["auth.unauthenticated"], where
            assert "auth.forbidden" in _codes(responses, 403), where
    assert {
        "create_user",
        "list_users",
        "get_user",
        "update_user",
        "create_api_key",
        "revoke_api_key",
        "get_me",
        "get_health",
        "get_readiness",
        "get_metrics",
    } <= seen


async def test_numbers_in_schemas_are_bounded(api: Api) -> None:
    doc = (await api.get("/openapi.json")).json()
    checked: set[str] = set()
    for path, item in doc["paths"].items():
        for method in METHODS:
            for param in (item.get(method) or {}).get("parameters", []):
                schema = param["schema"]
                types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
                if "integer" in types and param["in"] == "path":
                    assert schema.get("maximum") == 2147483647, (path, param["name"])
                    checked.add("integer path parameter")
                inner = [schema, *schema.get("anyOf", [])]
                if "string" in types or any("$ref" in s for s in inner):
                    bounded = ("maxLength", "format", "enum", "const", "$ref")
                    assert any(k in s for s in inner for k in bounded), (path, param["name"])
                    checked.add("string parameter")
    assert checked == {"integer path parameter", "string parameter"}  # both checks ran


async def test_openapi_documents_body_limits_rate_limits_and_redirects(api: Api) -> None:
    doc = (await api.get("/openapi.json")).json()
    for path, method, op in _operations(doc):
        where = f"{method.upper()} {path}"
        responses = op["responses"]
        if method in ("post", "put", "patch"):
            assert "413" in responses, where
        if path.startswith(("/public/", "/verify")):
            for status, spec in responses.items():
                headers = spec.get("headers", {})
                for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
                    assert name in headers, f"{where} {status}"
            assert "Retry-After" in responses["429"]["headers"], where
    paths = doc["paths"]
    assert "304" in paths["/public/v1/certificates/{number}"]["get"]["responses"]
    assert "Location" in paths["/verify"]["get"]["responses"]["303"]["headers"]


async def test_the_documented_headers_are_sent(api: Api) -> None:
    response = await api.get("/public/v1/certificates", params={"uscc": "91350100M000100Y43"})
    assert {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"} <= set(response.headers)
