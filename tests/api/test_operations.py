"""Operations (docs/operations.md, Health, readiness and metrics): health, readiness,
metrics, and the error contract of every status."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from app.clock import FixedClock
from app.config import Settings
from app.db import Database
from app.domain.enums import Role
from app.main import create_app
from app.schema_version import head_revision
from tests.support.api import Api, assert_problem


async def test_healthz(api: Api) -> None:
    response = await api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_schema_at_head(api: Api) -> None:
    response = await api.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "schema_revision": head_revision()}


async def _client_for(settings: Settings, clock: FixedClock) -> tuple[FastAPI, Database]:
    db = Database.from_settings(settings)
    return create_app(settings, clock=clock, db=db), db


async def test_readyz_503_when_schema_behind(tmp_path: object, clock: FixedClock) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/empty.db")
    app, db = await _client_for(settings, clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert_problem(await client.get("/readyz"), 503, "service.unavailable")
        assert (await client.get("/healthz")).status_code == 200
    await db.dispose()


async def test_503_when_database_unreachable(clock: FixedClock) -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/none")
    app, db = await _client_for(settings, clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert_problem(await client.get("/readyz"), 503, "service.unavailable")
        down = await client.get("/api/v1/me", headers={"Authorization": "Bearer x" * 3})
        assert_problem(down, 503, "service.unavailable")
        assert down.headers["retry-after"] == "5"
        assert "127.0.0.1" not in down.text
    await db.dispose()


async def test_metrics_are_prometheus_text(api: Api) -> None:
    await api.get("/healthz")
    await api.get("/no/such/route")
    response = await api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert re.search(
        r'starcert_http_requests_total\{method="GET",route="/healthz",status="200"\} 1\.0', text
    ) or re.search(
        r'starcert_http_requests_total\{route="/healthz",method="GET",status="200"\} 1\.0', text
    )
    assert 'route="unmatched"' in text
    assert "starcert_http_request_duration_seconds_bucket" in text


async def test_metrics_label_the_public_routes_by_template(api: Api) -> None:
    await api.get("/public/v1/certificates", params={"name": "华为"})
    await api.post("/public/v1/certificates/verify", json={"items": [{"number": "ASC-2026-1"}]})
    await api.get("/public/v1/certificates/ASC-2026-000001")
    text = (await api.get("/metrics")).text
    counts = {
        (m["route"], m["method"], m["status"])
        for m in re.finditer(
            r'starcert_http_requests_total\{method="(?P<method>\w+)",route="(?P<route>[^"]*)",'
            r'status="(?P<status>\d+)"\}',
            text,
        )
    }
    assert ("/public/v1/certificates", "GET", "200") in counts
    assert ("/public/v1/certificates/verify", "POST", "200") in counts
    assert ("/public/v1/certificates/{number}", "GET", "404") in counts
    assert not any(route == "unmatched" and status != "404" for route, _, status in counts)


async def test_unknown_route_and_wrong_method(api: Api) -> None:
    assert_problem(await api.get("/api/v1/nothing-here"), 404, "request.not_found")
    assert_problem(await api.get("/"), 404, "request.not_found")
    wrong = await api.request("PUT", "/healthz")
    assert_problem(wrong, 405, "request.method_not_allowed")
    assert wrong.headers["allow"] == "GET"


async def test_unexpected_error_is_500_without_leak(api: Api) -> None:
    async def explode() -> None:
        raise RuntimeError("secret connection string postgresql://user:pw@db")

    api.app.add_api_route("/boom", explode, methods=["GET"])
    response = await api.get("/boom")
    body = assert_problem(response, 500, "server.error")
    assert "secret" not in response.text and "Traceback" not in response.text
    assert body["detail"] == "an internal error occurred; it has been logged"


@pytest.mark.parametrize("role", list(Role))
async def test_every_role_reaches_me(api: Api, role: Role) -> None:
    actor = await api.actor(role)
    assert (await api.get("/api/v1/me", actor)).json()["roles"] == [role.value]
