from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.deps import authorize
from app.domain.enums import CertificateStatus, Grade, Role
from app.http import DecimalJSONRoute, problems, set_etag
from app.pagination import CursorQuery, LimitQuery
from app.schemas.certificates import CertificateRead, certificate_read
from app.schemas.common import MAX_INT, Page
from app.services import certificates
from app.services.context import Context

router = APIRouter(
    prefix="/api/v1/certificates",
    tags=["certificates"],
    route_class=DecimalJSONRoute,
    responses=problems(401, 403),
)

Readers = Annotated[
    Context, Depends(authorize(Role.STAFF, Role.COMMITTEE, Role.INTEGRATOR, Role.ADMIN))
]
Number = Annotated[str, Path(max_length=40, examples=["ASC-2026-000042"])]


@router.get(
    "",
    operation_id="list_certificates",
    summary="List certificates by number; `status` is the status true today",
)
async def list_certificates(
    ctx: Readers,
    status: Annotated[CertificateStatus | None, Query()] = None,
    grade: Annotated[Grade | None, Query()] = None,
    organisation_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    expiring_before: Annotated[
        date | None, Query(description="expires_on before this date")
    ] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[CertificateRead]:
    rows, next_cursor = await certificates.list_certificates(
        ctx,
        status=status,
        grade=grade,
        organisation_id=organisation_id,
        expiring_before=expiring_before,
        limit=limit,
        cursor=cursor,
    )
    items = [certificate_read(c, certificates.effective_status(ctx, c)) for c in rows]
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/{number}",
    operation_id="get_certificate",
    summary="Get a certificate by number",
    responses=problems(404, s404="`certificate.not_found`"),
)
async def get_certificate(number: Number, ctx: Readers, response: Response) -> CertificateRead:
    certificate = await certificates.get_or_raise(ctx, number)
    set_etag(response, certificate.version)
    return certificate_read(certificate, certificates.effective_status(ctx, certificate))
