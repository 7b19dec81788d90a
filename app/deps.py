"""Typed injection aliases: the session, the clock and the caller, checked for a role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import Clock
from app.config import Settings
from app.db import Database
from app.domain.enums import Role
from app.domain.problems import FORBIDDEN, UNAUTHENTICATED
from app.services.auth import authenticate
from app.services.context import Context

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(
    auto_error=False,
    description="An API key: `Authorization: Bearer <token>`.",
)


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; a writing request's transaction takes the write lock at once."""
    db = await get_db(request)
    factory = db.read_sessions if request.method in READ_METHODS else db.write_sessions
    async with factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
DatabaseDep = Annotated[Database, Depends(get_db)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def authorize(*roles: Role) -> Callable[..., Awaitable[Context]]:
    """A dependency that authenticates the caller and requires one of ``roles``.

    No roles means any authenticated user. ``admin`` is never implied: a route that admins
    may use names it (duties stay separate: docs/api.md, Authentication and roles).
    """
    allowed = frozenset(roles)

    async def dependency(
        session: SessionDep, clock: ClockDep, settings: SettingsDep, credentials: Credentials
    ) -> Context:
        if credentials is None:
            raise UNAUTHENTICATED("a bearer token is required")
        user = await authenticate(session, credentials.credentials, now=clock.now())
        if allowed and not user.has_any(allowed):
            needed = " or ".join(sorted(r.value for r in allowed))
            raise FORBIDDEN(f"this needs the role {needed}")
        return Context(session, clock, settings, actor=user)

    return dependency


Authenticated = Annotated[Context, Depends(authorize())]
AdminCtx = Annotated[Context, Depends(authorize(Role.ADMIN))]
