from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.deps import authorize
from app.domain.enums import Role
from app.domain.problems import (
    INVISIBLE_CHARACTERS,
    ORGANISATION_DUPLICATE_USCC,
    ORGANISATION_INVALID_USCC,
    ORGANISATION_NOT_FOUND,
)
from app.http import IfMatchHeader, expected_version, set_etag
from app.openapi import problems
from app.params import CursorQuery, IdPath, LimitQuery
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.common import Page
from app.schemas.organisations import OrganisationCreate, OrganisationRead, OrganisationUpdate
from app.services import organisations
from app.services.context import Context

router = APIRouter(
    prefix=f"{API_PREFIX}/organisations",
    tags=["organisations"],
    route_class=StrictRoute,
)

Staff = Annotated[Context, Depends(authorize(Role.STAFF))]
Readers = Annotated[Context, Depends(authorize(Role.STAFF, Role.INTEGRATOR, Role.ADMIN))]


@router.post(
    "",
    status_code=201,
    operation_id="create_organisation",
    summary="Register an organisation (USCC checked against GB 32100)",
    responses=problems(
        ORGANISATION_DUPLICATE_USCC, ORGANISATION_INVALID_USCC, INVISIBLE_CHARACTERS
    ),
)
async def create_organisation(
    body: OrganisationCreate, ctx: Staff, response: Response
) -> OrganisationRead:
    organisation = await organisations.create(ctx, body)
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)


@router.get("", operation_id="list_organisations", summary="List or search organisations")
async def list_organisations(
    ctx: Readers,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Matches name, English name or USCC (substring)."),
    ] = None,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[OrganisationRead]:
    rows, next_cursor = await organisations.list_organisations(ctx, q=q, limit=limit, cursor=cursor)
    return Page(items=[OrganisationRead.model_validate(o) for o in rows], next_cursor=next_cursor)


@router.get(
    "/{organisation_id}",
    operation_id="get_organisation",
    summary="Get an organisation",
    responses=problems(ORGANISATION_NOT_FOUND),
)
async def get_organisation(
    organisation_id: IdPath, ctx: Readers, response: Response
) -> OrganisationRead:
    organisation = await organisations.get_or_raise(ctx, organisation_id)
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)


@router.patch(
    "/{organisation_id}",
    operation_id="update_organisation",
    summary="Change an organisation (issued certificates keep their snapshot)",
    responses=problems(
        ORGANISATION_NOT_FOUND,
        ORGANISATION_DUPLICATE_USCC,
        ORGANISATION_INVALID_USCC,
        INVISIBLE_CHARACTERS,
    ),
)
async def update_organisation(
    organisation_id: IdPath,
    body: OrganisationUpdate,
    ctx: Staff,
    response: Response,
    if_match: IfMatchHeader = None,
) -> OrganisationRead:
    organisation = await organisations.update(
        ctx, organisation_id, body, expected_version=expected_version(if_match)
    )
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)
