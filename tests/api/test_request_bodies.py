"""How a request body is judged on /api/v1: the caller first, then the body (review findings)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.domain.enums import Role
from tests.support.api import Api, assert_problem
from tests.support.inspect import snapshot

JSON = {"content-type": "application/json"}
NOT_JSON = [
    b"{bad",
    b'{"name": "\xff\xfe", "email": "a@example.com", "roles": []}',  # not UTF-8
    b"[" * 100_000,  # deeper than any parser's recursion limit
]


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer sc_unknown"}], ids=["no-key", "unknown-key"]
)
async def test_an_unknown_caller_is_judged_before_the_body(
    api: Api, headers: dict[str, str]
) -> None:
    before = await snapshot(api.db)
    response = await api.post("/api/v1/users", content=b"{bad", headers={**JSON, **headers})
    assert_problem(response, 401, "auth.unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    assert await snapshot(api.db) == before


async def test_a_forbidden_caller_is_judged_before_the_body(api: Api) -> None:
    staff = await api.actor(Role.STAFF)
    before = await snapshot(api.db)
    response = await api.post("/api/v1/users", staff, content=b"{bad", headers=JSON)
    assert_problem(response, 403, "auth.forbidden")
    assert await snapshot(api.db) == before


@pytest.mark.parametrize("body", NOT_JSON, ids=["syntax", "not-utf8", "deep"])
async def test_a_body_that_is_not_json_is_400(api: Api, body: bytes) -> None:
    admin = await api.actor(Role.ADMIN)
    staff = await api.actor(Role.STAFF)
    before = await snapshot(api.db)
    assert_problem(
        await api.post("/api/v1/users", admin, content=body, headers=JSON),
        400,
        "request.malformed_json",
    )
    assert_problem(
        await api.patch(f"/api/v1/users/{staff.id}", admin, content=body, headers=JSON),
        400,
        "request.malformed_json",
    )
    assert_problem(
        await api.post("/public/v1/certificates/verify", content=body, headers=JSON),
        400,
        "request.malformed_json",
    )
    assert await snapshot(api.db) == before


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 1 << 16):
        yield data[start : start + (1 << 16)]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/v1/users"),
        ("PATCH", "/api/v1/users/{staff}"),
        ("POST", "/public/v1/certificates/verify"),
    ],
    ids=["create-user", "patch-user", "public-verify"],
)
async def test_a_streamed_body_over_the_limit_is_413(api: Api, method: str, url: str) -> None:
    admin = await api.actor(Role.ADMIN)
    staff = await api.actor(Role.STAFF)
    big = b'{"name": "' + b"x" * (1 << 20) + b'", "email": "a@example.com", "roles": []}'
    before = await snapshot(api.db)
    # an async iterable is sent chunked, without Content-Length
    response = await api.request(
        method, url.format(staff=staff.id), admin, content=_chunks(big), headers=JSON
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "request.too_large")
    assert await snapshot(api.db) == before
