"""The sites an audit visits (``audit_sites``) and the outlets its sampling counts.

The headquarters is always visited; the other sites to visit are chosen by staff among the
organisation's active sites. Sampling (``app.domain.sampling``) counts the active service
outlets in scope: an initial audit's application's sites, or for a later audit the sites of
the application its certificate was issued on (the organisation's active outlets when the
certificate came from no application, e.g. an import).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select

from app.domain.enums import SiteKind
from app.domain.problems import AUDIT_UNKNOWN_SITE, FieldError
from app.models import Site, application_sites, audit_sites
from app.schemas.audits import AuditSiteRead
from app.services.context import Context
from app.services.sites import HEADQUARTERS_FIRST


async def to_visit(ctx: Context, organisation_id: int, site_ids: Sequence[int]) -> list[int]:
    """``site_ids`` (repeats dropped) with the headquarters, or 422 ``audit.unknown_site``
    naming each id that is not an active site of the organisation."""
    wanted = list(dict.fromkeys(site_ids))
    rows = await ctx.session.execute(
        select(Site.id, Site.kind)
        .where(
            Site.organisation_id == organisation_id,
            Site.active.is_(True),
            (Site.id.in_(wanted)) | (Site.kind == SiteKind.HEADQUARTERS.value),
        )
        .order_by(*HEADQUARTERS_FIRST)
    )
    found = {row.id: row.kind for row in rows}
    unknown = [(i, site_id) for i, site_id in enumerate(wanted) if site_id not in found]
    if unknown:
        raise AUDIT_UNKNOWN_SITE(
            f"not active sites of organisation {organisation_id}: "
            + ", ".join(str(site_id) for _, site_id in unknown),
            errors=[
                FieldError(("body", "site_ids", i), f"site {site_id} is not an active site")
                for i, site_id in unknown
            ],
        )
    headquarters = [s for s, kind in found.items() if kind == SiteKind.HEADQUARTERS.value]
    return headquarters + [s for s in wanted if s not in headquarters]


async def visited_ids(ctx: Context, audit_id: int) -> list[int]:
    rows = await ctx.session.scalars(
        select(audit_sites.c.site_id)
        .where(audit_sites.c.audit_id == audit_id)
        .order_by(audit_sites.c.site_id)
    )
    return list(rows)


async def replace(ctx: Context, audit_id: int, site_ids: Sequence[int]) -> None:
    """The audit visits exactly ``site_ids`` from now on."""
    await ctx.session.execute(delete(audit_sites).where(audit_sites.c.audit_id == audit_id))
    if site_ids:
        await ctx.session.execute(
            insert(audit_sites), [{"audit_id": audit_id, "site_id": s} for s in site_ids]
        )


async def visited(ctx: Context, audit_id: int) -> list[AuditSiteRead]:
    """The sites the audit visits, headquarters first."""
    rows = await ctx.session.execute(
        select(Site.id, Site.name, Site.address, Site.kind)
        .join(audit_sites, audit_sites.c.site_id == Site.id)
        .where(audit_sites.c.audit_id == audit_id)
        .order_by(*HEADQUARTERS_FIRST)
    )
    return [AuditSiteRead.model_validate(row, from_attributes=True) for row in rows]


async def outlets_in_scope(
    ctx: Context, *, application_id: int | None, organisation_id: int
) -> frozenset[int]:
    """The active service outlets sampling counts (see the module's docstring)."""
    query = select(Site.id).where(
        Site.organisation_id == organisation_id,
        Site.active.is_(True),
        Site.kind == SiteKind.SERVICE_OUTLET.value,
    )
    if application_id is not None:
        query = query.join(application_sites, application_sites.c.site_id == Site.id).where(
            application_sites.c.application_id == application_id
        )
    return frozenset(await ctx.session.scalars(query))
