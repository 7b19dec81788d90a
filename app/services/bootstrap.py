"""The first admin: from ``STARCERT_BOOTSTRAP_ADMIN_TOKEN`` at start-up or ``create-admin``."""

from __future__ import annotations

from sqlalchemy import select

from app.clock import Clock
from app.config import Settings
from app.db import Database
from app.domain.enums import Role
from app.domain.problems import USER_DUPLICATE_EMAIL, DomainError
from app.models import ApiKey, UserRole
from app.security import bootstrap_token
from app.services import users
from app.services.context import Context

BOOTSTRAP_NAME = "Bootstrap administrator"
BOOTSTRAP_EMAIL = "bootstrap-admin@starcert.localhost"


async def ensure_bootstrap_admin(db: Database, settings: Settings, clock: Clock) -> bool:
    """Create the bootstrap admin when a token is configured and no admin exists yet.

    Safe when several processes start at once: the unique e-mail and token hash let one win.
    """
    if settings.bootstrap_admin_token is None:
        return False
    token = bootstrap_token(settings.bootstrap_admin_token.get_secret_value())
    async with db.write_sessions() as session:
        ctx = Context(session, clock, settings, actor=None)
        admin = await session.scalar(select(UserRole.user_id).where(UserRole.role == Role.ADMIN))
        known = await session.scalar(select(ApiKey.id).where(ApiKey.token_hash == token.token_hash))
        if admin is not None or known is not None:
            return False
        try:
            user = await users.add_user(
                ctx, name=BOOTSTRAP_NAME, email=BOOTSTRAP_EMAIL, roles=[Role.ADMIN]
            )
            await users.add_api_key(ctx, user, label="bootstrap", expires_at=None, token=token)
            await ctx.commit()
        except DomainError as exc:
            if exc.problem is not USER_DUPLICATE_EMAIL:
                raise
            return False  # another process bootstrapped first
    return True


async def create_admin(
    db: Database, settings: Settings, clock: Clock, *, name: str, email: str
) -> str:
    """An admin with a new key; returns the token, to be shown once."""
    async with db.write_sessions() as session:
        ctx = Context(session, clock, settings, actor=None)
        user = await users.add_user(ctx, name=name, email=email, roles=[Role.ADMIN])
        _, token = await users.add_api_key(ctx, user, label="create-admin", expires_at=None)
        await ctx.commit()
    return token
