"""Who is calling: bearer token → active user, or ``auth.unauthenticated``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.problems import UNAUTHENTICATED
from app.models import ApiKey, User
from app.security import hash_token

MAX_TOKEN_LENGTH = 512


async def authenticate(session: AsyncSession, token: str, *, now: datetime) -> User:
    """The user owning ``token``; revoked or expired keys and inactive users are refused."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise UNAUTHENTICATED("the bearer token is not valid")
    key = (
        await session.execute(select(ApiKey).where(ApiKey.token_hash == hash_token(token)))
    ).scalar_one_or_none()
    if key is None or key.revoked_at is not None or not key.user.active:
        raise UNAUTHENTICATED("the bearer token is not valid")
    if key.expires_at is not None and key.expires_at <= now:
        raise UNAUTHENTICATED("the bearer token has expired")
    return key.user
