"""Rate limits of /public and /verify per client address: headers, 429, proxies, Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from ipaddress import ip_network
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from app.config import RateLimit, Settings
from app.main import close_public, create_app
from tests.support.api import Api, assert_problem
from tests.support.contract import Recorder
from tests.support.factories import make_certificate

REDIS_URL = "redis://127.0.0.1:6379/0"

AppFactory = Callable[..., Any]


@pytest.fixture
def instance(api: Api) -> Callable[..., Any]:
    """An app on the test database with other settings (limit, proxies, Redis)."""

    @asynccontextmanager
    async def make(**update: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings: Settings = api.app.state.settings.model_copy(update=update)
        app = create_app(settings, clock=api.clock, db=api.db)
        recorder = Recorder(app)  # the refusals are judged against the OpenAPI document too
        transport = httpx.ASGITransport(app=recorder, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                yield c
        finally:
            await close_public(app)
        assert not recorder.violations, recorder.violations

    return make


def _unused_address() -> str:
    """A client address no earlier run has used: Redis keeps its counts after a test, and after
    a run, for the window of the limit."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{n // 250 % 250}.{n // 62_500 % 250 + 1}"


async def test_budget_headers_and_429(
    api: Api, instance: AppFactory, subtests: pytest.Subtests
) -> None:
    await make_certificate(api.db, name="华为技术有限公司", number="ASC-2026-000001")
    async with instance(public_rate_limit=RateLimit(3, 60)) as client:
        remaining = []
        for path in ("/public/v1/certificates/ASC-2026-000001", "/verify/ASC-2026-000001"):
            response = await client.get(path)
            assert response.status_code == 200
            assert response.headers["ratelimit-limit"] == "3"
            remaining.append(response.headers["ratelimit-remaining"])
        batch = await client.post(
            "/public/v1/certificates/verify",
            json={"items": [{"number": f"ASC-2026-{n:06d}"} for n in range(1, 51)]},
        )
        assert batch.status_code == 200
        remaining.append(batch.headers["ratelimit-remaining"])
        assert remaining == ["2", "1", "0"]  # pages share the budget; a batch is one request

        refused = await client.get("/public/v1/certificates?name=华为")
        body = assert_problem(refused, 429, "request.rate_limited")
        assert "3 requests per 60 s" in body["detail"]
        retry = int(refused.headers["retry-after"])
        assert 1 <= retry <= 60
        assert refused.headers["ratelimit-remaining"] == "0"
        page = await client.get("/verify/ASC-2026-000001")
        assert page.status_code == 429
        assert page.headers["content-type"].startswith("text/html")
        assert "查询过于频繁" in page.text and page.headers["retry-after"]

        for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):  # not limited
            with subtests.test(path=path):
                response = await client.get(path)
                assert response.status_code == 200, path
                assert "ratelimit-limit" not in response.headers
        assert (await client.get("/api/v1/me")).status_code == 401  # not limited either


async def test_forwarded_addresses_only_behind_trusted_proxies(instance: AppFactory) -> None:
    first, second = "203.0.113.1", "203.0.113.2"  # each instance counts in its own memory
    async with instance(public_rate_limit=RateLimit(1, 60)) as client:
        # the socket peer counts; a client cannot pick its own address
        ok = await client.get("/public/v1/certificates/X", headers={"X-Forwarded-For": first})
        assert ok.status_code == 404
        again = await client.get("/public/v1/certificates/X", headers={"X-Forwarded-For": second})
        assert again.status_code == 429
    trusted = (ip_network("127.0.0.1/32"), ip_network("192.168.0.0/16"))
    async with instance(public_rate_limit=RateLimit(1, 60), trusted_proxies=trusted) as client:
        chain = f"{first}, 192.168.1.5"  # right-most address that is not a trusted proxy
        assert (
            await client.get("/public/v1/certificates/X", headers={"X-Forwarded-For": chain})
        ).status_code == 404
        assert (
            await client.get("/public/v1/certificates/X", headers={"X-Forwarded-For": first})
        ).status_code == 429
        spoofed = f"{first}, {second}"  # a client prepending an address cannot escape
        assert (
            await client.get("/public/v1/certificates/X", headers={"X-Forwarded-For": spoofed})
        ).status_code == 404
        assert (
            await client.get("/public/v1/certificates/X", headers={"X-Forwarded-For": second})
        ).status_code == 429


async def _redis_available() -> bool:
    client = aioredis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        return bool(await client.ping())
    except OSError:
        return False
    finally:
        await client.aclose()


async def test_two_instances_share_one_budget_through_redis(instance: AppFactory) -> None:
    if not await _redis_available():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    address = _unused_address()
    headers = {"X-Forwarded-For": address}
    update = {
        "public_rate_limit": RateLimit(5, 60),
        "redis_url": REDIS_URL,
        "trusted_proxies": (ip_network("127.0.0.1/32"),),
    }
    async with instance(**update) as one, instance(**update) as two:
        statuses = []
        for client in (one, two, one, two, one, two, one):
            response = await client.get("/public/v1/certificates/ASC-2026-000001", headers=headers)
            statuses.append((response.status_code, response.headers["ratelimit-remaining"]))
        assert statuses == [
            (404, "4"),
            (404, "3"),
            (404, "2"),
            (404, "1"),
            (404, "0"),
            (429, "0"),
            (429, "0"),
        ]


async def test_an_unreachable_redis_does_not_stop_verification(instance: AppFactory) -> None:
    async with instance(
        public_rate_limit=RateLimit(1, 60), redis_url="redis://127.0.0.1:1/0"
    ) as client:
        for _ in range(3):
            response = await client.get("/public/v1/certificates/ASC-2026-000001")
            assert response.status_code == 404
            assert response.headers["ratelimit-remaining"] == "1"
