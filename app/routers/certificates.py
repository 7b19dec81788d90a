from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse

from app.deps import DatabaseDep, authorize
from app.domain.enums import CertificateStatus, Grade, Role
from app.domain.lifecycle import CertificateAction
from app.domain.problems import (
    CERTIFICATE_CHANGE_IMPARTIALITY_CONFLICT,
    CERTIFICATE_CHANGE_INVALID_SITE,
    CERTIFICATE_CHANGE_NO_CHANGE,
    CERTIFICATE_CHANGE_NOT_FOUND,
    CERTIFICATE_CHANGE_NOT_PENDING,
    CERTIFICATE_CHANGE_SCOPE_EN_REQUIRED,
    CERTIFICATE_INVALID_TRANSITION,
    CERTIFICATE_NOT_FOUND,
    CERTIFICATE_REINSTATEMENT_NEEDS_AUDIT,
    INVISIBLE_CHARACTERS,
)
from app.http import IfMatchHeader, expected_version, set_etag
from app.openapi import problems
from app.params import CursorQuery, DateQuery, IdPath, IdQuery, LimitQuery, NumberPath
from app.paths import API_PREFIX
from app.routers.events import events_page
from app.routing import StrictRoute
from app.schemas.certificates import (
    CertificateChangeCreate,
    CertificateChangeDecisionCreate,
    CertificateChangeRead,
    CertificateRead,
    ReasonBody,
    certificate_change_read,
    certificate_read,
)
from app.schemas.common import Page
from app.schemas.events import EventRead
from app.services import certificate_changes, certificates, register
from app.services.context import Context

router = APIRouter(
    prefix=f"{API_PREFIX}/certificates",
    tags=["certificates"],
    route_class=StrictRoute,
)

Readers = Annotated[
    Context, Depends(authorize(Role.STAFF, Role.COMMITTEE, Role.INTEGRATOR, Role.ADMIN))
]
# docs/api.md, Authentication and roles (staff, committee; integrator may read): both may move a
# certificate's status; an admin without either role takes no certification step.
Movers = Annotated[Context, Depends(authorize(Role.STAFF, Role.COMMITTEE))]
Staff = Annotated[Context, Depends(authorize(Role.STAFF))]
Committee = Annotated[Context, Depends(authorize(Role.COMMITTEE))]


async def _filters(
    status: Annotated[CertificateStatus | None, Query(description="The status true today.")] = None,
    grade: Annotated[Grade | None, Query()] = None,
    organisation_id: IdQuery = None,
    expiring_before: DateQuery = None,
) -> certificates.Filters:
    return certificates.Filters(status, grade, organisation_id, expiring_before)


FiltersDep = Annotated[certificates.Filters, Depends(_filters)]


@router.get(
    "/export",
    operation_id="export_register",
    summary="The certificate register as CSV in the national-database reporting layout",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "UTF-8 with BOM, CRLF, Chinese header (`lang=en`: English).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def export_register(
    ctx: Readers,
    db: DatabaseDep,
    filters: FiltersDep,
    format: Annotated[Literal["csv"], Query(description="Only csv.")] = "csv",
    lang: Annotated[Literal["zh", "en"], Query(description="Header language.")] = "zh",
) -> StreamingResponse:
    query = certificates.filtered(filters, ctx.clock.today())
    name = f"starcert-register-{ctx.clock.today().isoformat()}.csv"
    return StreamingResponse(
        register.stream_csv(db, ctx.clock, query, lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "",
    operation_id="list_certificates",
    summary="List certificates by number; `status` is the status true today",
)
async def list_certificates(
    ctx: Readers, filters: FiltersDep, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[CertificateRead]:
    rows, next_cursor = await certificates.list_certificates(
        ctx, filters, limit=limit, cursor=cursor
    )
    items = [certificate_read(c, ctx.clock.today()) for c in rows]
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/{number}",
    operation_id="get_certificate",
    summary="Get a certificate by number",
    responses=problems(CERTIFICATE_NOT_FOUND),
)
async def get_certificate(number: NumberPath, ctx: Readers, response: Response) -> CertificateRead:
    certificate = await certificates.get_or_raise(ctx, number)
    set_etag(response, certificate.version)
    return certificate_read(certificate, ctx.clock.today())


@router.get(
    "/{number}/events",
    operation_id="list_certificate_events",
    summary="The certificate's own events, oldest first",
    responses=problems(CERTIFICATE_NOT_FOUND),
)
async def list_certificate_events(
    number: NumberPath, ctx: Readers, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[EventRead]:
    certificate = await certificates.get_or_raise(ctx, number)
    return await events_page(
        ctx, entity_type="certificate", entity_id=certificate.number, limit=limit, cursor=cursor
    )


def _status_action(action: CertificateAction, operation_id: str, summary: str) -> None:
    async def endpoint(
        number: NumberPath,
        body: ReasonBody,
        ctx: Movers,
        response: Response,
        if_match: IfMatchHeader = None,
    ) -> CertificateRead:
        certificate = await certificates.change_status(
            ctx, number, action, reason=body.reason, expected_version=expected_version(if_match)
        )
        set_etag(response, certificate.version)
        return certificate_read(certificate, ctx.clock.today())

    router.add_api_route(
        f"/{{number}}/{action.value}",
        endpoint,
        methods=["POST"],
        operation_id=operation_id,
        summary=f"{summary} (staff or committee)",
        responses=problems(
            CERTIFICATE_NOT_FOUND,
            CERTIFICATE_INVALID_TRANSITION,
            # a reinstatement lifts the body's suspension only (docs/domain.md §7)
            *(
                (CERTIFICATE_REINSTATEMENT_NEEDS_AUDIT,)
                if action is CertificateAction.REINSTATE
                else ()
            ),
        ),
    )


_status_action(CertificateAction.SUSPEND, "suspend_certificate", "Suspend an active certificate")
_status_action(
    CertificateAction.REINSTATE, "reinstate_certificate", "Reinstate a suspended certificate"
)
_status_action(
    CertificateAction.WITHDRAW, "withdraw_certificate", "Withdraw a certificate for cause (撤销)"
)
_status_action(
    CertificateAction.CANCEL,
    "cancel_certificate",
    "Cancel a certificate at the holder's request (注销)",
)


@router.post(
    "/{number}/changes",
    operation_id="change_certificate",
    response_model=CertificateRead,
    summary="A change certificate (staff): applied at once (200 `Certificate`), or pending a "
    "committee decision when it extends scope or sites (202 `CertificateChange`)",
    responses={
        202: {
            "model": CertificateChangeRead,
            "description": "The change extends scope or sites: pending a committee decision.",
        },
        **problems(
            CERTIFICATE_NOT_FOUND,
            CERTIFICATE_INVALID_TRANSITION,
            CERTIFICATE_CHANGE_NO_CHANGE,
            CERTIFICATE_CHANGE_SCOPE_EN_REQUIRED,
            CERTIFICATE_CHANGE_INVALID_SITE,
            INVISIBLE_CHARACTERS,
        ),
    },
)
async def change_certificate(
    number: NumberPath, body: CertificateChangeCreate, ctx: Staff, response: Response
) -> CertificateRead | JSONResponse:
    certificate, change = await certificate_changes.request(ctx, number, body)
    if change.revision is None:  # pending
        read = certificate_change_read(change, certificate.number)
        return JSONResponse(read.model_dump(mode="json"), status_code=202)
    set_etag(response, certificate.version)
    return certificate_read(certificate, ctx.clock.today())


@router.get(
    "/{number}/changes",
    operation_id="list_certificate_changes",
    summary="The certificate's change certificates, oldest first",
    responses=problems(CERTIFICATE_NOT_FOUND),
)
async def list_certificate_changes(
    number: NumberPath, ctx: Readers, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[CertificateChangeRead]:
    certificate, rows, next_cursor = await certificate_changes.list_changes(
        ctx, number, limit=limit, cursor=cursor
    )
    items = [certificate_change_read(c, certificate.number) for c in rows]
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/{number}/changes/{change_id}/decision",
    operation_id="decide_certificate_change",
    summary="A committee member other than the requester grants or refuses a pending change",
    responses=problems(
        CERTIFICATE_NOT_FOUND,
        CERTIFICATE_CHANGE_NOT_FOUND,
        CERTIFICATE_CHANGE_IMPARTIALITY_CONFLICT,
        CERTIFICATE_CHANGE_NOT_PENDING,
        CERTIFICATE_INVALID_TRANSITION,
        CERTIFICATE_CHANGE_INVALID_SITE,
    ),
)
async def decide_certificate_change(
    number: NumberPath,
    change_id: IdPath,
    body: CertificateChangeDecisionCreate,
    ctx: Committee,
) -> CertificateChangeRead:
    certificate, change = await certificate_changes.decide(ctx, number, change_id, body)
    return certificate_change_read(change, certificate.number)
