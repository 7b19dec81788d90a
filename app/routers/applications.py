from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.deps import authorize
from app.domain.enums import ApplicationStatus, Role
from app.domain.lifecycle import ApplicationAction
from app.domain.problems import (
    APPLICATION_INVALID_TRANSITION,
    APPLICATION_NOT_ELIGIBLE,
    APPLICATION_NOT_FOUND,
    APPLICATION_UNKNOWN_SITE,
    INVISIBLE_CHARACTERS,
    ORGANISATION_NOT_FOUND,
)
from app.http import IfMatchHeader, expected_version, set_etag
from app.models import Application
from app.openapi import problems
from app.params import CursorQuery, IdPath, IdQuery, LimitQuery
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.applications import (
    ApplicationAmend,
    ApplicationCreate,
    ApplicationRead,
    RejectBody,
    WithdrawBody,
    application_read,
)
from app.schemas.common import Page
from app.services import applications
from app.services.context import Context

router = APIRouter(
    prefix=f"{API_PREFIX}/applications",
    tags=["applications"],
    route_class=StrictRoute,
)

Staff = Annotated[Context, Depends(authorize(Role.STAFF))]
Readers = Annotated[Context, Depends(authorize(Role.STAFF, Role.ADMIN))]


def _answer(application: Application, response: Response) -> ApplicationRead:
    read = application_read(application)
    set_etag(response, read.version)
    return read


@router.post(
    "",
    status_code=201,
    operation_id="create_application",
    summary="Apply for certification: eligibility findings and the quote come back",
    responses=problems(ORGANISATION_NOT_FOUND, APPLICATION_UNKNOWN_SITE, INVISIBLE_CHARACTERS),
)
async def create_application(
    body: ApplicationCreate, ctx: Staff, response: Response
) -> ApplicationRead:
    return _answer(await applications.create(ctx, body), response)


@router.get("", operation_id="list_applications", summary="List applications")
async def list_applications(
    ctx: Readers,
    status: Annotated[ApplicationStatus | None, Query()] = None,
    organisation_id: IdQuery = None,
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
    responses=problems(APPLICATION_NOT_FOUND),
)
async def get_application(
    application_id: IdPath, ctx: Readers, response: Response
) -> ApplicationRead:
    return _answer(await applications.get_or_raise(ctx, application_id), response)


@router.patch(
    "/{application_id}",
    operation_id="amend_application",
    summary="Amend a submitted or accepted application: eligibility and quote recomputed",
    responses=problems(
        APPLICATION_NOT_FOUND,
        APPLICATION_INVALID_TRANSITION,
        APPLICATION_NOT_ELIGIBLE,
        APPLICATION_UNKNOWN_SITE,
        INVISIBLE_CHARACTERS,
    ),
)
async def amend_application(
    application_id: IdPath,
    body: ApplicationAmend,
    ctx: Staff,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ApplicationRead:
    application = await applications.amend(
        ctx, application_id, body, expected_version=expected_version(if_match)
    )
    return _answer(application, response)


@router.post(
    "/{application_id}/accept",
    operation_id="accept_application",
    summary="Accept (contract signed); blocking findings refuse it",
    responses=problems(
        APPLICATION_NOT_FOUND, APPLICATION_INVALID_TRANSITION, APPLICATION_NOT_ELIGIBLE
    ),
)
async def accept_application(
    application_id: IdPath, ctx: Staff, response: Response, if_match: IfMatchHeader = None
) -> ApplicationRead:
    application = await applications.accept(
        ctx, application_id, expected_version=expected_version(if_match)
    )
    return _answer(application, response)


@router.post(
    "/{application_id}/reject",
    operation_id="reject_application",
    summary="Reject a submitted or accepted application",
    responses=problems(APPLICATION_NOT_FOUND, APPLICATION_INVALID_TRANSITION),
)
async def reject_application(
    application_id: IdPath,
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
    responses=problems(APPLICATION_NOT_FOUND, APPLICATION_INVALID_TRANSITION),
)
async def withdraw_application(
    application_id: IdPath,
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
