"""Change certificates (证书变更): new printed details for a live certificate.

A change of name, English name or address, or one that only narrows scope or sites, applies
at once: the certificate keeps its number and validity, takes revision + 1 (kept in
``certificate_revisions``, in effect from today) and ``certificate.changed``. A change that
extends scope or sites waits for a committee member other than the requester
(``certificate.change_requested``, then ``certificate.changed`` or
``certificate.change_refused``). docs/domain.md §8.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from app.domain import lifecycle, scope, text
from app.domain.enums import CertificateChangeStatus, DecisionOutcome, SiteKind
from app.domain.problems import (
    CERTIFICATE_CHANGE_IMPARTIALITY_CONFLICT,
    CERTIFICATE_CHANGE_INVALID_SITE,
    CERTIFICATE_CHANGE_NO_CHANGE,
    CERTIFICATE_CHANGE_NOT_FOUND,
    CERTIFICATE_CHANGE_NOT_PENDING,
    CERTIFICATE_CHANGE_SCOPE_EN_REQUIRED,
    CERTIFICATE_INVALID_TRANSITION,
)
from app.models import Certificate, CertificateChange, CertificateRevision, Site
from app.pagination import decode_cursor, paginate
from app.schemas.certificates import CertificateChangeCreate, CertificateChangeDecisionCreate
from app.services import certificates, search_index, sites
from app.services.common import one_or_raise
from app.services.context import Context

# the request's fields and the certificate's printed details they change
FIELDS = {
    "organisation_name": "organisation_name",
    "organisation_name_en": "organisation_name_en",
    "address": "organisation_address",
    "scope": "scope",
    "scope_en": "scope_en",
}


def printed(certificate: Certificate) -> dict[str, Any]:
    """The details a certificate prints, as ``before``/``after`` of ``certificate.changed``."""
    return {
        "organisation_name": certificate.organisation_name,
        "organisation_name_en": certificate.organisation_name_en,
        "organisation_address": certificate.organisation_address,
        "scope": certificate.scope,
        "scope_en": certificate.scope_en,
        "sites": [dict(s) for s in certificate.sites],
    }


def _require_live(ctx: Context, certificate: Certificate) -> None:
    status = certificates.effective_status(ctx, certificate)
    if not lifecycle.is_live(status):
        raise CERTIFICATE_INVALID_TRANSITION(
            f"a {status.value} certificate cannot be changed; only an active or suspended one"
        )


async def _sites(
    ctx: Context, certificate: Certificate, ids: Sequence[int]
) -> list[dict[str, str]]:
    """The annex of ``ids`` (active sites of the certificate's organisation) with its
    headquarters, headquarters first, then by id."""
    wanted = set(ids)
    rows = (
        (
            await ctx.session.execute(
                select(Site)
                .where(
                    Site.organisation_id == certificate.organisation_id,
                    Site.active,
                    Site.id.in_(wanted) | (Site.kind == SiteKind.HEADQUARTERS),
                )
                .order_by(*sites.HEADQUARTERS_FIRST)
            )
        )
        .scalars()
        .all()
    )
    unknown = sorted(wanted - {s.id for s in rows})
    if unknown:
        raise CERTIFICATE_CHANGE_INVALID_SITE(
            f"sites {unknown} are not active sites of the certificate's organisation"
        )
    return [certificates.site_entry(s) for s in rows]


async def _proposed(
    ctx: Context, certificate: Certificate, changes: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """The printed details after ``changes``, and whether they extend scope or sites."""
    after = printed(certificate)
    for field, column in FIELDS.items():
        if field in changes:
            after[column] = changes[field]
    new_scope = "scope" in changes and changes["scope"] != certificate.scope
    if new_scope and certificate.scope_en is not None and "scope_en" not in changes:
        raise CERTIFICATE_CHANGE_SCOPE_EN_REQUIRED(
            "the certificate prints an English scope statement: give the new one (scope_en)"
        )
    extends = new_scope and not scope.narrows(certificate.scope, changes["scope"])
    # The English statement is the committee's wording: a new one on its own may say more
    # than the Chinese, so it is weighed as an extension; it goes with a narrowed Chinese one.
    if not new_scope and changes.get("scope_en", certificate.scope_en) != certificate.scope_en:
        extends = True
    if "site_ids" in changes:
        after["sites"] = await _sites(ctx, certificate, changes["site_ids"])
        extends = extends or scope.extends_sites(certificate.sites, after["sites"])
    return after, extends


async def request(
    ctx: Context, number: str, body: CertificateChangeCreate
) -> tuple[Certificate, CertificateChange]:
    """Apply a change at once, or keep it pending a committee decision when it extends."""
    assert ctx.actor is not None
    certificate = await certificates.get_or_raise(ctx, number, for_update=True)
    _require_live(ctx, certificate)
    changes = body.model_dump(exclude_none=True, exclude={"reason"})
    after, extends = await _proposed(ctx, certificate, changes)
    if after == printed(certificate):
        raise CERTIFICATE_CHANGE_NO_CHANGE(
            "give at least one printed detail that differs from the certificate's"
        )
    now = ctx.clock.now()
    change = CertificateChange(
        certificate_id=certificate.id,
        status=CertificateChangeStatus.PENDING,
        changes=changes,
        reason=body.reason,
        requested_by=ctx.actor.id,
        version=1,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(change)
    await ctx.session.flush()
    if extends:
        ctx.record(
            "certificate",
            certificate.number,
            "certificate.change_requested",
            reason=body.reason,
            data={"change_id": change.id, "changes": changes},
        )
    else:
        await _apply(ctx, certificate, change, after)
    await ctx.commit()
    return certificate, change


async def _apply(
    ctx: Context, certificate: Certificate, change: CertificateChange, after: dict[str, Any]
) -> None:
    """The certificate prints ``after`` as its next revision, in effect from today; its
    search key keeps every name it printed before."""
    before = printed(certificate)
    certificate.organisation_name = after["organisation_name"]
    certificate.organisation_name_en = after["organisation_name_en"]
    certificate.organisation_address = after["organisation_address"]
    certificate.scope = after["scope"]
    certificate.scope_en = after["scope_en"]
    certificate.sites = after["sites"]
    certificate.revision += 1
    now = ctx.clock.now()
    certificate.bump(now)
    earlier = (
        await ctx.session.execute(
            select(CertificateRevision.organisation_name, CertificateRevision.organisation_name_en)
            .where(CertificateRevision.certificate_id == certificate.id)
            .order_by(CertificateRevision.revision.desc())
        )
    ).all()
    key = text.search_key(
        certificate.organisation_name,
        certificate.organisation_name_en,
        [before["organisation_name"], before["organisation_name_en"]]
        + [name for row in earlier for name in row],
    )
    if key != certificate.search_key:
        old_key, certificate.search_key = certificate.search_key, key
        await search_index.reindex_certificate(ctx.session, certificate.id, old_key, key)
    change.status = CertificateChangeStatus.APPLIED
    change.revision = certificate.revision
    certificates.record_revision(
        ctx, certificate, effective_on=ctx.clock.today(), change_id=change.id
    )
    ctx.record(
        "certificate",
        certificate.number,
        "certificate.changed",
        reason=change.reason,
        data={
            "change_id": change.id,
            "revision": certificate.revision,
            "reason": change.reason,
            "before": before,
            "after": printed(certificate),
        },
    )


async def _change_or_raise(
    ctx: Context, certificate: Certificate, change_id: int, *, for_update: bool = False
) -> CertificateChange:
    return await one_or_raise(
        ctx.session,
        select(CertificateChange).where(
            CertificateChange.id == change_id,
            CertificateChange.certificate_id == certificate.id,
        ),
        CERTIFICATE_CHANGE_NOT_FOUND(f"certificate {certificate.number} has no change {change_id}"),
        for_update=for_update,
    )


async def decide(
    ctx: Context, number: str, change_id: int, body: CertificateChangeDecisionCreate
) -> tuple[Certificate, CertificateChange]:
    """A committee member other than the requester grants (applies) or refuses a pending
    change; a grant needs the certificate still live, and its sites still active."""
    assert ctx.actor is not None
    certificate = await certificates.get_or_raise(ctx, number, for_update=True)
    change = await _change_or_raise(ctx, certificate, change_id, for_update=True)
    if change.status != CertificateChangeStatus.PENDING:
        raise CERTIFICATE_CHANGE_NOT_PENDING(f"change {change.id} is already {change.status}")
    if change.requested_by == ctx.actor.id:
        raise CERTIFICATE_CHANGE_IMPARTIALITY_CONFLICT(
            "the member who requested the change cannot decide it"
        )
    now = ctx.clock.now()
    change.decided_by = ctx.actor.id
    change.decided_at = now
    change.decision_reason = body.reason
    change.bump(now)
    if DecisionOutcome(body.outcome) is DecisionOutcome.GRANT:
        _require_live(ctx, certificate)
        after, _ = await _proposed(ctx, certificate, change.changes)
        await _apply(ctx, certificate, change, after)
    else:
        change.status = CertificateChangeStatus.REFUSED
        ctx.record(
            "certificate",
            certificate.number,
            "certificate.change_refused",
            reason=body.reason,
            data={"change_id": change.id},
        )
    await ctx.commit()
    return certificate, change


async def list_changes(
    ctx: Context, number: str, *, limit: int, cursor: str | None
) -> tuple[Certificate, Sequence[CertificateChange], str | None]:
    """A certificate's changes, oldest first."""
    certificate = await certificates.get_or_raise(ctx, number)
    query = (
        select(CertificateChange)
        .where(CertificateChange.certificate_id == certificate.id)
        .order_by(CertificateChange.id)
        .limit(limit + 1)
    )
    after = decode_cursor(cursor, int)
    if after is not None:
        query = query.where(CertificateChange.id > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    page, next_cursor = paginate(rows, limit, lambda c: (c.id,))
    return certificate, page, next_cursor
