"""Sites of an organisation (服务网点; docs/domain.md §2.5): one headquarters, made with the
organisation, and its service outlets, repair centres and warehouses; the sites an
application puts in its scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain import sites as rules
from app.domain.enums import SiteKind
from app.domain.problems import (
    ORGANISATION_NOT_FOUND,
    SITE_HEADQUARTERS_EXISTS,
    SITE_NOT_FOUND,
    VALIDATION,
    DomainError,
    FieldError,
)
from app.models import Organisation, Site
from app.models import application_sites as scope_rows
from app.pagination import decode_cursor, paginate
from app.schemas.sites import SiteCreate, SiteUpdate
from app.services.common import check_version, one_or_raise
from app.services.context import Context

HEADQUARTERS_FIRST = (case((Site.kind == SiteKind.HEADQUARTERS.value, 0), else_=1), Site.id)


def _headquarters_exists(organisation_id: int) -> DomainError:
    return SITE_HEADQUARTERS_EXISTS(
        f"organisation {organisation_id} already has its headquarters site; change that one"
    )


async def add(
    ctx: Context, organisation_id: int, *, name: str, address: str, kind: SiteKind
) -> Site:
    """A new active site and its event ``site.created`` (the caller commits). A second
    headquarters is ``site.headquarters_exists``, also when a concurrent request made the
    first one (the partial unique index ``uq_sites_headquarters``)."""
    now = ctx.clock.now()
    site = Site(
        organisation_id=organisation_id,
        name=name,
        address=address,
        kind=kind.value,
        active=True,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(site)
    try:
        await ctx.session.flush()
    except IntegrityError as exc:  # a concurrent request made the headquarters first
        if kind is SiteKind.HEADQUARTERS:
            raise _headquarters_exists(organisation_id) from exc
        raise
    ctx.record(
        "site",
        site.id,
        "site.created",
        data={"organisation_id": organisation_id, "name": name, "address": address, "kind": kind},
    )
    return site


async def _require_organisation(ctx: Context, organisation_id: int) -> None:
    found = await ctx.session.scalar(
        select(Organisation.id).where(Organisation.id == organisation_id)
    )
    if found is None:
        raise ORGANISATION_NOT_FOUND(f"no organisation {organisation_id}")


async def headquarters(session: AsyncSession, organisation_id: int) -> Site | None:
    """The organisation's headquarters site (None only for one that has none)."""
    return await session.scalar(
        select(Site).where(
            Site.organisation_id == organisation_id, Site.kind == SiteKind.HEADQUARTERS.value
        )
    )


async def create(ctx: Context, organisation_id: int, data: SiteCreate) -> Site:
    await _require_organisation(ctx, organisation_id)
    if data.kind is SiteKind.HEADQUARTERS and await headquarters(ctx.session, organisation_id):
        raise _headquarters_exists(organisation_id)
    site = await add(ctx, organisation_id, name=data.name, address=data.address, kind=data.kind)
    await ctx.commit()
    return site


async def list_sites(
    ctx: Context, organisation_id: int, *, limit: int, cursor: str | None
) -> tuple[Sequence[Site], str | None]:
    """The organisation's sites by id: the headquarters, made with the organisation, first."""
    await _require_organisation(ctx, organisation_id)
    after = decode_cursor(cursor, int)
    query = (
        select(Site)
        .where(Site.organisation_id == organisation_id)
        .order_by(Site.id)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(Site.id > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    return paginate(rows, limit, lambda s: (s.id,))


async def get_or_raise(
    ctx: Context, organisation_id: int, site_id: int, *, for_update: bool = False
) -> Site:
    """The organisation's site ``site_id``; a site of another organisation is not found."""
    await _require_organisation(ctx, organisation_id)
    return await one_or_raise(
        ctx.session,
        select(Site).where(Site.id == site_id, Site.organisation_id == organisation_id),
        SITE_NOT_FOUND(f"organisation {organisation_id} has no site {site_id}"),
        for_update=for_update,
    )


async def update(
    ctx: Context,
    organisation_id: int,
    site_id: int,
    patch: SiteUpdate,
    *,
    expected_version: int | None,
) -> Site:
    site = await get_or_raise(ctx, organisation_id, site_id, for_update=True)
    check_version(expected_version, site.version)
    given = patch.model_dump(exclude_unset=True)
    nulled = sorted(k for k, v in given.items() if v is None)
    if nulled:
        raise VALIDATION(
            "a site's fields cannot be cleared",
            errors=[FieldError(("body", k), "cannot be null") for k in nulled],
        )
    changes: dict[str, Any] = {k: v for k, v in given.items() if getattr(site, k) != v}
    if not changes:
        return site
    if "active" in changes:
        rules.check_active(SiteKind(site.kind), changes["active"])
    before = {k: getattr(site, k) for k in changes}
    for key, value in changes.items():
        setattr(site, key, value)
    site.bump(ctx.clock.now())
    await ctx.session.flush()
    ctx.record(
        "site",
        site.id,
        "site.updated",
        data={"organisation_id": organisation_id, "before": before, "after": changes},
    )
    await ctx.commit()
    return site


async def scope_sites(
    session: AsyncSession, organisation_id: int, site_ids: Sequence[int]
) -> list[Site]:
    """The sites of an application's scope: ``site_ids`` (each an active site of the
    organisation, else 422 ``application.unknown_site``) and the headquarters, headquarters
    first, then by id."""
    rows = (
        (
            await session.execute(
                select(Site).where(
                    Site.organisation_id == organisation_id,
                    or_(Site.id.in_(site_ids), Site.kind == SiteKind.HEADQUARTERS.value),
                )
            )
        )
        .scalars()
        .all()
    )
    by_id = {s.id: s for s in rows}
    hq = next((s.id for s in rows if s.kind == SiteKind.HEADQUARTERS), None)
    ids = rules.scope_site_ids(site_ids, {s.id for s in rows if s.active}, hq)
    return [by_id[i] for i in ids]


async def application_sites(session: AsyncSession, application_id: int) -> list[Site]:
    """The sites in an application's scope as they are now (active or not), the
    headquarters first, then by id. Certificates snapshot them at issue; audits sample the
    outlets among them."""
    query = (
        select(Site)
        .join(scope_rows, scope_rows.c.site_id == Site.id)
        .where(scope_rows.c.application_id == application_id)
        .order_by(*HEADQUARTERS_FIRST)
    )
    return list((await session.execute(query)).scalars().all())
