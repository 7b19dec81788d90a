from __future__ import annotations

from fastapi import APIRouter, Response

from app.deps import AdminCtx, Authenticated
from app.domain.problems import (
    API_KEY_NOT_FOUND,
    INVISIBLE_CHARACTERS,
    USER_DUPLICATE_EMAIL,
    USER_INACTIVE,
    USER_NOT_FOUND,
    USER_SELF_LOCKOUT,
)
from app.http import IfMatchHeader, expected_version, set_etag
from app.openapi import problems
from app.params import CursorQuery, IdPath, LimitQuery
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.common import Page
from app.schemas.users import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from app.services import users

router = APIRouter(
    prefix=API_PREFIX,
    tags=["users"],
    route_class=StrictRoute,
)


@router.post(
    "/users",
    status_code=201,
    operation_id="create_user",
    summary="Create a user",
    responses=problems(USER_DUPLICATE_EMAIL, INVISIBLE_CHARACTERS),
)
async def create_user(body: UserCreate, ctx: AdminCtx, response: Response) -> UserRead:
    user = await users.create(ctx, body)
    set_etag(response, user.version)
    return UserRead.model_validate(user)


@router.get("/users", operation_id="list_users", summary="List users")
async def list_users(
    ctx: AdminCtx, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[UserRead]:
    rows, next_cursor = await users.list_users(ctx, limit=limit, cursor=cursor)
    return Page(items=[UserRead.model_validate(u) for u in rows], next_cursor=next_cursor)


@router.get(
    "/users/{user_id}",
    operation_id="get_user",
    summary="Get a user",
    responses=problems(USER_NOT_FOUND),
)
async def get_user(user_id: IdPath, ctx: AdminCtx, response: Response) -> UserRead:
    user = await users.get_or_raise(ctx, user_id)
    set_etag(response, user.version)
    return UserRead.model_validate(user)


@router.patch(
    "/users/{user_id}",
    operation_id="update_user",
    summary="Change a user's roles or deactivate it (revokes its keys at once)",
    responses=problems(USER_NOT_FOUND, USER_SELF_LOCKOUT),
)
async def update_user(
    user_id: IdPath,
    body: UserUpdate,
    ctx: AdminCtx,
    response: Response,
    if_match: IfMatchHeader = None,
) -> UserRead:
    user = await users.update(ctx, user_id, body, expected_version=expected_version(if_match))
    set_etag(response, user.version)
    return UserRead.model_validate(user)


@router.post(
    "/users/{user_id}/api-keys",
    status_code=201,
    operation_id="create_api_key",
    summary="Issue an API key; its token is shown only in this response",
    responses=problems(USER_NOT_FOUND, USER_INACTIVE),
)
async def create_api_key(user_id: IdPath, body: ApiKeyCreate, ctx: AdminCtx) -> ApiKeyCreated:
    key, token = await users.create_api_key(ctx, user_id, body)
    return ApiKeyCreated(
        id=key.id,
        label=key.label,
        prefix=key.prefix,
        token=token,
        created_at=key.created_at,
        expires_at=key.expires_at,
    )


@router.get(
    "/users/{user_id}/api-keys",
    operation_id="list_api_keys",
    summary="A user's API keys (never their tokens)",
    responses=problems(USER_NOT_FOUND),
)
async def list_api_keys(
    user_id: IdPath, ctx: AdminCtx, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[ApiKeyRead]:
    rows, next_cursor = await users.list_api_keys(ctx, user_id, limit=limit, cursor=cursor)
    return Page(items=[ApiKeyRead.model_validate(k) for k in rows], next_cursor=next_cursor)


@router.delete(
    "/api-keys/{key_id}",
    status_code=204,
    operation_id="revoke_api_key",
    summary="Revoke an API key at once",
    responses=problems(API_KEY_NOT_FOUND),
)
async def revoke_api_key(key_id: IdPath, ctx: AdminCtx) -> None:
    await users.revoke_api_key(ctx, key_id)


@router.get("/me", operation_id="get_me", summary="The calling user")
async def get_me(ctx: Authenticated, response: Response) -> UserRead:
    user = ctx.actor
    assert user is not None  # Authenticated always names the caller
    set_etag(response, user.version)
    return UserRead.model_validate(user)
