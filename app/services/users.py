"""Users, roles and API keys (docs/api.md, Authentication and roles)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.enums import Role
from app.domain.problems import (
    API_KEY_NOT_FOUND,
    USER_DUPLICATE_EMAIL,
    USER_INACTIVE,
    USER_NOT_FOUND,
    USER_SELF_LOCKOUT,
    VALIDATION,
    DomainError,
    FieldError,
)
from app.models import ApiKey, User, UserRole
from app.pagination import decode_cursor, paginate
from app.schemas.users import ApiKeyCreate, UserCreate, UserUpdate
from app.security import NewToken, new_token
from app.services.common import check_version, one_or_raise
from app.services.context import Context


def _duplicate_email(email: str) -> DomainError:
    return USER_DUPLICATE_EMAIL(f"a user with e-mail {email} already exists")


async def create(ctx: Context, data: UserCreate) -> User:
    user = await add_user(ctx, name=data.name, email=data.email, roles=data.roles)
    await ctx.commit()
    return user


async def add_user(ctx: Context, *, name: str, email: str, roles: Sequence[Role]) -> User:
    """Insert a user and queue ``user.created`` (no commit: callers compose it)."""
    taken = await ctx.session.scalar(select(User.id).where(User.email == email))
    if taken is not None:
        raise _duplicate_email(email)
    now = ctx.clock.now()
    user = User(
        name=name,
        email=email,
        active=True,
        created_at=now,
        updated_at=now,
        role_rows=[UserRole(role=r.value) for r in roles],
    )
    ctx.session.add(user)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # a concurrent insert won the unique constraint
        raise _duplicate_email(email) from exc
    ctx.record(
        "user",
        user.id,
        "user.created",
        data={"name": name, "email": email, "roles": [r.value for r in user.roles]},
    )
    return user


async def get_or_raise(ctx: Context, user_id: int, *, for_update: bool = False) -> User:
    return await one_or_raise(
        ctx.session,
        select(User).where(User.id == user_id),
        USER_NOT_FOUND(f"no user {user_id}"),
        for_update=for_update,
    )


async def list_users(
    ctx: Context, *, limit: int, cursor: str | None
) -> tuple[list[User], str | None]:
    after = decode_cursor(cursor, int)
    query = select(User).order_by(User.id).limit(limit + 1)
    if after is not None:
        query = query.where(User.id > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    return paginate(rows, limit, lambda u: (u.id,))


async def update(
    ctx: Context, user_id: int, patch: UserUpdate, *, expected_version: int | None
) -> User:
    user = await get_or_raise(ctx, user_id, for_update=True)
    check_version(expected_version, user.version)
    assert ctx.actor is not None
    changes: dict[str, object] = {}
    if patch.roles is not None and set(patch.roles) != set(user.roles):
        if user.id == ctx.actor.id and Role.ADMIN not in patch.roles:
            raise USER_SELF_LOCKOUT("an admin cannot remove its own admin role")
        wanted = {r.value for r in patch.roles}
        user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
            UserRole(role=r) for r in sorted(wanted - {row.role for row in user.role_rows})
        ]
        changes["roles"] = [r.value for r in user.roles]
    if patch.active is not None and patch.active != user.active:
        if user.id == ctx.actor.id and not patch.active:
            raise USER_SELF_LOCKOUT("an admin cannot deactivate itself")
        user.active = patch.active
        changes["active"] = patch.active
    if not changes:
        return user
    user.bump(ctx.clock.now())
    ctx.record("user", user.id, "user.updated", data=changes)
    if changes.get("active") is False:
        await _revoke_all_keys(ctx, user, reason="user deactivated")
    await ctx.commit()
    return user


async def _revoke_all_keys(ctx: Context, user: User, *, reason: str) -> None:
    now = ctx.clock.now()
    revoked = (
        (
            await ctx.session.execute(
                sa.update(ApiKey)
                .where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
                .values(revoked_at=now)
                .returning(ApiKey.id)
            )
        )
        .scalars()
        .all()
    )
    for key_id in sorted(revoked):
        ctx.record("api_key", key_id, "api_key.revoked", reason=reason, data={"user_id": user.id})


async def create_api_key(ctx: Context, user_id: int, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    user = await get_or_raise(ctx, user_id, for_update=True)
    key, token = await add_api_key(ctx, user, label=data.label, expires_at=data.expires_at)
    await ctx.commit()
    return key, token


async def add_api_key(
    ctx: Context,
    user: User,
    *,
    label: str,
    expires_at: datetime | None,
    token: NewToken | None = None,
) -> tuple[ApiKey, str]:
    """Insert a key for ``user`` and queue ``api_key.created``; returns the key and its token."""
    if not user.active:
        raise USER_INACTIVE("an inactive user cannot receive API keys")
    now = ctx.clock.now()
    if expires_at is not None and expires_at <= now:
        raise VALIDATION(
            "expires_at must lie in the future",
            errors=[FieldError(("body", "expires_at"), "must lie in the future")],
        )
    token = token or new_token()
    key = ApiKey(
        user_id=user.id,
        label=label,
        prefix=token.prefix,
        token_hash=token.token_hash,
        created_at=now,
        expires_at=expires_at,
        revoked_at=None,
    )
    ctx.session.add(key)
    await ctx.session.flush()
    ctx.record(
        "api_key",
        key.id,
        "api_key.created",
        data={
            "user_id": user.id,
            "label": label,
            "prefix": key.prefix,
            "expires_at": expires_at,
        },
    )
    return key, token.token


async def list_api_keys(
    ctx: Context, user_id: int, *, limit: int, cursor: str | None
) -> tuple[list[ApiKey], str | None]:
    await get_or_raise(ctx, user_id)
    after = decode_cursor(cursor, int)
    query = select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id).limit(limit + 1)
    if after is not None:
        query = query.where(ApiKey.id > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    return paginate(rows, limit, lambda k: (k.id,))


async def revoke_api_key(ctx: Context, key_id: int) -> None:
    key = await one_or_raise(
        ctx.session,
        select(ApiKey).where(ApiKey.id == key_id),
        API_KEY_NOT_FOUND(f"no API key {key_id}"),
        for_update=True,
    )
    if key.revoked_at is not None:
        return  # revoking is idempotent: the key is already dead
    key.revoked_at = ctx.clock.now()
    ctx.record("api_key", key.id, "api_key.revoked", data={"user_id": key.user_id})
    await ctx.commit()
