from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.deps import authorize
from app.domain.enums import Role
from app.domain.problems import (
    INVISIBLE_CHARACTERS,
    ORGANISATION_NOT_FOUND,
    SITE_HEADQUARTERS_EXISTS,
    SITE_HEADQUARTERS_REQUIRED,
    SITE_NOT_FOUND,
)
from app.http import IfMatchHeader, expected_version, set_etag
from app.openapi import problems
from app.params import CursorQuery, IdPath, LimitQuery
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.common import Page
from app.schemas.sites import SiteCreate, SiteRead, SiteUpdate
from app.services import sites
from app.services.context import Context

router = APIRouter(
    prefix=f"{API_PREFIX}/organisations/{{organisation_id}}/sites",
    tags=["organisations"],
    route_class=StrictRoute,
)

# the organisations' own roles: staff change, integrators and admins read
Staff = Annotated[Context, Depends(authorize(Role.STAFF))]
Readers = Annotated[Context, Depends(authorize(Role.STAFF, Role.INTEGRATOR, Role.ADMIN))]


@router.post(
    "",
    status_code=201,
    operation_id="create_site",
    summary="Add a site (服务网点) of an organisation; one headquarters each",
    responses=problems(ORGANISATION_NOT_FOUND, SITE_HEADQUARTERS_EXISTS, INVISIBLE_CHARACTERS),
)
async def create_site(
    organisation_id: IdPath, body: SiteCreate, ctx: Staff, response: Response
) -> SiteRead:
    site = await sites.create(ctx, organisation_id, body)
    set_etag(response, site.version)
    return SiteRead.model_validate(site)


@router.get(
    "",
    operation_id="list_sites",
    summary="List an organisation's sites, the headquarters first",
    responses=problems(ORGANISATION_NOT_FOUND),
)
async def list_sites(
    organisation_id: IdPath, ctx: Readers, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[SiteRead]:
    rows, next_cursor = await sites.list_sites(ctx, organisation_id, limit=limit, cursor=cursor)
    return Page(items=[SiteRead.model_validate(s) for s in rows], next_cursor=next_cursor)


@router.patch(
    "/{site_id}",
    operation_id="update_site",
    summary="Rename, move, deactivate or reactivate a site",
    responses=problems(
        ORGANISATION_NOT_FOUND, SITE_NOT_FOUND, SITE_HEADQUARTERS_REQUIRED, INVISIBLE_CHARACTERS
    ),
)
async def update_site(
    organisation_id: IdPath,
    site_id: IdPath,
    body: SiteUpdate,
    ctx: Staff,
    response: Response,
    if_match: IfMatchHeader = None,
) -> SiteRead:
    site = await sites.update(
        ctx, organisation_id, site_id, body, expected_version=expected_version(if_match)
    )
    set_etag(response, site.version)
    return SiteRead.model_validate(site)
