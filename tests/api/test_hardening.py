"""Inputs that must be clear 4xx problems and change nothing, never a 500 (review findings)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.db import Database
from app.domain.enums import Role
from app.main import close_public, create_app
from app.pagination import encode_cursor
from tests.support.api import Api, assert_problem
from tests.support.inspect import snapshot
from tests.support.workflow import Cast, Story, indicators, organisation_body, sheet


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organisations?q=a%00b",
        "/api/v1/events?entity_type=%00",
        "/public/v1/certificates?name=%E5%8D%8E%00",
        "/public/v1/certificates/ASC-2026-000001%00",
    ],
)
async def test_a_nul_anywhere_in_the_url_is_422(api: Api, path: str) -> None:
    admin = await api.actor(Role.ADMIN, Role.STAFF)
    response = await api.get(path, admin)
    assert_problem(response, 422, "request.validation")


@pytest.mark.parametrize("path", ["/verify?q=ab%00", "/verify/ASC-2026-000001%00", "/verify%00"])
async def test_a_nul_in_the_url_of_a_page_is_an_html_422(api: Api, path: str) -> None:
    response = await api.get(path)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "NUL" in response.text


@pytest.mark.parametrize("url", ["/api/v1/users", "/api/v1/certificates"])
@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor(3_000_000_000),
        encode_cursor(-1),
        encode_cursor("A\x00"),
        encode_cursor("x" * 65),
    ],
    ids=["id-past-int32", "id-negative", "key-with-nul", "key-too-long"],
)
async def test_cursors_out_of_bounds_are_422(api: Api, cursor: str, url: str) -> None:
    admin = await api.actor(Role.ADMIN)
    assert_problem(await api.get(url, admin, params={"cursor": cursor}), 422, "request.validation")


async def test_huge_scores_and_far_dates_are_422(api: Api, subtests: pytest.Subtests) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    audit = await story.scoring_audit()
    rubric = await indicators(api, cast.staff, "production")
    body = sheet(rubric, total=None)
    url = f"/api/v1/audits/{audit['id']}/score-sheets"
    before = await snapshot(api.db)
    for huge in (1e30, 10**31, -1e30, 1_000_000):
        with subtests.test(score=huge):
            body["items"][0]["score"] = huge
            assert_problem(await api.post(url, cast.auditor, json=body), 422, "request.validation")
    far = {"label": "x", "expires_at": "9999-12-31T23:59:59-01:00"}
    response = await api.post(f"/api/v1/users/{cast.staff.id}/api-keys", cast.admin, json=far)
    assert_problem(response, 422, "request.validation")
    assert await snapshot(api.db) == before


@pytest.mark.parametrize(
    "tag",
    ['"²"', '"1.0"', '""', "1", '"99999999999"'],
    ids=["superscript-digit", "decimal", "empty", "unquoted", "past-int32"],
)
async def test_odd_entity_tags_are_412(api: Api, tag: str) -> None:
    staff = await api.actor(Role.STAFF)
    organisation = (await api.post("/api/v1/organisations", staff, json=organisation_body())).json()
    url = f"/api/v1/organisations/{organisation['id']}"
    headers = {"If-Match": tag.encode("latin-1")}  # as a client sends non-ASCII bytes
    response = await api.patch(url, staff, json={"name": "新"}, headers=headers)
    assert_problem(response, 412, "request.precondition_failed")


async def test_a_body_over_the_limit_is_413(api: Api) -> None:
    admin = await api.actor(Role.ADMIN)
    big = b'{"name": "' + b"x" * (1 << 20) + b'"}'
    headers = {"content-type": "application/json"}
    assert_problem(
        await api.post("/api/v1/users", admin, content=big, headers=headers),
        413,
        "request.too_large",
    )
    assert_problem(
        await api.post("/public/v1/certificates/verify", content=big, headers=headers),
        413,
        "request.too_large",
    )


@pytest.fixture
async def unreachable() -> AsyncIterator[httpx.AsyncClient]:
    """A client of the service whose database cannot be reached."""
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none")
    db = Database.from_settings(settings)
    app = create_app(settings, db=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client
    finally:
        await close_public(app)
        await db.dispose()


@pytest.mark.parametrize(
    "path",
    ["/public/v1/certificates/ASC-2026-000001", "/public/v1/certificates?name=%E5%8D%8E%E4%B8%BA"],
    ids=["lookup", "search"],
)
async def test_public_reads_answer_503_when_the_database_is_down(
    unreachable: httpx.AsyncClient, path: str
) -> None:
    assert_problem(await unreachable.get(path), 503, "service.unavailable")


async def test_the_page_answers_an_html_503_when_the_database_is_down(
    unreachable: httpx.AsyncClient,
) -> None:
    page = await unreachable.get("/verify/ASC-2026-000001")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
