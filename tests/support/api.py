"""A test's view of the service: an HTTP client plus quick ways to make actors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from app.clock import FixedClock
from app.db import Database
from app.domain.enums import Role
from app.services import users
from app.services.context import Context
from tests.support.sequences import Sequence

_actors = Sequence(seed=0)  # restarts for every test: see tests/support/sequences.py


@dataclass(frozen=True)
class Actor:
    id: int
    token: str
    roles: tuple[Role, ...]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Api:
    app: FastAPI
    client: httpx.AsyncClient
    clock: FixedClock
    db: Database
    actors: dict[str, Actor] = field(default_factory=dict)

    async def actor(self, *roles: Role | str, name: str | None = None) -> Actor:
        """A new active user holding ``roles`` with a fresh API key."""
        wanted = [Role(r) for r in roles]
        serial = _actors.next()
        async with self.db.write_sessions() as session:
            ctx = Context(session, self.clock, self.app.state.settings, actor=None)
            user = await users.add_user(
                ctx,
                name=name or f"{'-'.join(r.value for r in wanted) or 'nobody'} {serial}",
                email=f"user{serial}@example.com",
                roles=wanted,
            )
            _, token = await users.add_api_key(ctx, user, label="test", expires_at=None)
            await ctx.commit()
            return Actor(user.id, token, tuple(wanted))

    async def request(
        self, method: str, url: str, actor: Actor | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if actor is not None:
            headers.update(actor.headers)
        return await self.client.request(method, url, headers=headers, **kwargs)

    async def get(self, url: str, actor: Actor | None = None, **kw: Any) -> httpx.Response:
        return await self.request("GET", url, actor, **kw)

    async def post(self, url: str, actor: Actor | None = None, **kw: Any) -> httpx.Response:
        return await self.request("POST", url, actor, **kw)

    async def patch(self, url: str, actor: Actor | None = None, **kw: Any) -> httpx.Response:
        return await self.request("PATCH", url, actor, **kw)

    async def delete(self, url: str, actor: Actor | None = None, **kw: Any) -> httpx.Response:
        return await self.request("DELETE", url, actor, **kw)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert set(body) >= {"type", "title", "status", "detail", "code"}
    return body
