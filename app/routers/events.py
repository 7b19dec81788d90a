from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.deps import authorize
from app.domain.enums import Role
from app.pagination import decode_cursor, paginate
from app.params import CursorQuery, LimitQuery
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.common import Page
from app.schemas.events import EventRead, VerificationRead
from app.services import events
from app.services.context import Context

router = APIRouter(prefix=f"{API_PREFIX}/events", tags=["events"], route_class=StrictRoute)

Auditors = Annotated[Context, Depends(authorize(Role.ADMIN, Role.COMMITTEE))]


async def events_page(
    ctx: Context,
    *,
    entity_type: str | None,
    entity_id: str | None,
    limit: int,
    cursor: str | None,
) -> Page[EventRead]:
    after = decode_cursor(cursor, int)
    rows = await events.list_events(
        ctx.session,
        entity_type=entity_type,
        entity_id=entity_id,
        after=after[0] if after else None,
        limit=limit,
    )
    items, next_cursor = paginate(rows, limit, lambda e: (e.id,))
    return Page(items=[EventRead.model_validate(e) for e in items], next_cursor=next_cursor)


@router.get("", operation_id="list_events", summary="The event log, oldest first")
async def list_events(
    ctx: Auditors,
    entity_type: Annotated[str | None, Query(max_length=40, examples=["certificate"])] = None,
    entity_id: Annotated[str | None, Query(max_length=40)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[EventRead]:
    return await events_page(
        ctx, entity_type=entity_type, entity_id=entity_id, limit=limit, cursor=cursor
    )


@router.get(
    "/verify",
    operation_id="verify_events",
    summary="Recompute the hash chain over the whole log",
)
async def verify_events(ctx: Auditors) -> VerificationRead:
    result = await events.verify(ctx.session)
    return VerificationRead(
        intact=result.intact, checked=result.checked, first_broken_id=result.first_broken_id
    )
