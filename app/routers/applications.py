from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.deps import authorize
from app.domain.enums import ApplicationStatus, Role
from app.domain.lifecycle import ApplicationAction
from app.http import DecimalJSONRoute, IfMatchHeader, expected_version, problems, set_etag
from app.models import Application
from app.pagination import CursorQuery, LimitQuery
from app.schemas.applications import (
    ApplicationCreate,
    ApplicationRead,
    RejectBody,
    WithdrawBody,
    application_read,
)
from app.schemas.common import MAX_INT, Page
from app.services import applications
from app.services.context import Context

router = APIRouter(
    prefix="/api/v1/applications",
    tags=["applications"],
    route_class=DecimalJSONRoute,
    responses=problems(401, 403),
)

Staff = Annotated[Context, Depends(authorize(Role.STAFF))]
Readers = Annotated[Context, Depends(authorize(Role.STAFF, Role.ADMIN))]
ApplicationId = Annotated[int, Path(ge=1, le=MAX_INT)]
TRANSITION_409 = "`application.invalid_transition`"


def _answer(application: Application, response: Response) -> ApplicationRead:
    read = application_read(application)
    set_etag(response, read.version)
    return read


@router.post(
    "",
    status_code=201,
    operation_id="create_application",
    summary="Apply for certification: eligibility findings and the quote come back",
    responses=problems(404, 422, s404="`organisation.not_found`"),
)
async def create_application(
    body: ApplicationCreate, ctx: Staff, response: Response
) -> ApplicationRead:
    return _answer(await applications.create(ctx, body), response)


@router.get("", operation_id="list_applications", summary="List applications")
async def list_applications(
    ctx: Readers,
    status: Annotated[ApplicationStatus | None, Query()] = None,
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[ApplicationRead]:
    rows, next_cursor = await applications.list_applications(
        ctx, status=status, organisation_id=organisation_id, limit=limit, cursor=cursor
    )
    return Page(items=[application_read(a) for a in rows], next_cursor=next_cursor)


@router.get(
    "/{application_id}",
    operation_id="get_application",
    summary="Get an application",
    responses=problems(404),
)
async def get_application(
    application_id: ApplicationId, ctx: Readers, response: Response
) -> ApplicationRead:
    return _answer(await applications.get_or_raise(ctx, application_id), response)


@router.post(
    "/{application_id}/accept",
    operation_id="accept_application",
    summary="Accept (contract signed); blocking findings refuse it",
    responses=problems(404, 409, 412, s409=f"`application.not_eligible` or {TRANSITION_409}"),
)
async def accept_application(
    application_id: ApplicationId, ctx: Staff, response: Response, if_match: IfMatchHeader = None
) -> ApplicationRead:
    application = await applications.accept(
        ctx, application_id, expected_version=expected_version(if_match)
    )
    return _answer(application, response)


@router.post(
    "/{application_id}/reject",
    operation_id="reject_application",
    summary="Reject a submitted or accepted application",
    responses=problems(404, 409, 412, s409=TRANSITION_409),
)
async def reject_application(
    application_id: ApplicationId,
    body: RejectBody,
    ctx: Staff,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ApplicationRead:
    application = await applications.reject_or_withdraw(
        ctx,
        application_id,
        ApplicationAction.REJECT,
        reason=body.reason,
        expected_version=expected_version(if_match),
    )
    return _answer(application, response)


@router.post(
    "/{application_id}/withdraw",
    operation_id="withdraw_application",
    summary="Withdraw an application that is not final",
    responses=problems(404, 409, 412, s409=TRANSITION_409),
)
async def withdraw_application(
    application_id: ApplicationId,
    ctx: Staff,
    response: Response,
    body: WithdrawBody | None = None,
    if_match: IfMatchHeader = None,
) -> ApplicationRead:
    application = await applications.reject_or_withdraw(
        ctx,
        application_id,
        ApplicationAction.WITHDRAW,
        reason=body.reason if body else None,
        expected_version=expected_version(if_match),
    )
    return _answer(application, response)
