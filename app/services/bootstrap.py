"""The first admin: from ``STARCERT_BOOTSTRAP_ADMIN_TOKEN`` at start-up or ``create-admin``."""

from __future__ import annotations

import logging

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

log = logging.getLogger("starcert.bootstrap")

BOOTSTRAP_NAME = "Bootstrap administrator"
BOOTSTRAP_EMAIL = "bootstrap-admin@starcert.localhost"


async def ensure_bootstrap_admin(db: Database, settings: Settings, clock: Clock) -> bool:
    """Create the bootstrap admin when a token is configured and no admin exists yet; say in
    one line of the log what was done.

    Safe when several processes start at once: the unique e-mail and token hash let one win.
    """
    if settings.bootstrap_admin_token is None:
        return False
    token = bootstrap_token(settings.bootstrap_admin_token.get_secret_value())
    async with db.write_sessions() as session:
        ctx = Context(session, clock, settings, actor=None)
        admin = await session.scalar(
            select(UserRole.user_id).where(UserRole.role == Role.ADMIN).limit(1)
        )
        known = await session.scalar(select(ApiKey.id).where(ApiKey.token_hash == token.token_hash))
        if known is not None:
            log.info(
                "the administrator of STARCERT_BOOTSTRAP_ADMIN_TOKEN exists already (API key %d)",
                known,
            )
            return False
        if admin is not None:
            log.warning(
                "STARCERT_BOOTSTRAP_ADMIN_TOKEN ignored: an administrator exists (user %d); "
                "unset it",
                admin,
            )
            return False
        try:
            user = await users.add_user(
                ctx, name=BOOTSTRAP_NAME, email=BOOTSTRAP_EMAIL, roles=[Role.ADMIN]
            )
            key, _ = await users.add_api_key(
                ctx, user, label="bootstrap", expires_at=None, token=token
            )
            await ctx.commit()
        except DomainError as exc:
            if exc.problem is not USER_DUPLICATE_EMAIL:
                raise
            log.info("another process created the administrator first")
            return False
    log.info(
        "created administrator %s (user %d) with the key of "
        "STARCERT_BOOTSTRAP_ADMIN_TOKEN (API key %d, prefix %s)",
        BOOTSTRAP_EMAIL,
        user.id,
        key.id,
        key.prefix,
    )
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
