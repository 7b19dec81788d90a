"""Certificates: issuing, reading (status true today) and listing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select

from app.domain import dates, lifecycle, standing, text
from app.domain.enums import CertificateStatus, Grade
from app.domain.lifecycle import CertificateAction
from app.domain.numbers import format_certificate_number, normalise_certificate_number
from app.domain.problems import CERTIFICATE_NOT_FOUND
from app.models import (
    Audit,
    Certificate,
    CertificateRevision,
    Organisation,
    Site,
)
from app.pagination import decode_cursor, paginate
from app.services import search_index, sequences, sites
from app.services.common import check_version, one_or_raise
from app.services.context import Context


def effective_status(ctx: Context, certificate: Certificate) -> CertificateStatus:
    """The status true today: a certificate whose successor's validity has begun reads
    ``superseded``, one past ``expires_on`` reads ``expired`` (§7)."""
    return standing.effective_status(
        CertificateStatus(certificate.status),
        certificate.expires_on,
        ctx.clock.today(),
        certificate.superseded_on,
    )


def causes(certificate: Certificate) -> standing.Causes:
    """The causes of the certificate's suspension (none unless it is suspended)."""
    return standing.causes_of(certificate.suspension_causes)


async def get_or_raise(ctx: Context, number: str, *, for_update: bool = False) -> Certificate:
    return await one_or_raise(
        ctx.session,
        select(Certificate).where(Certificate.number == normalise_certificate_number(number)),
        CERTIFICATE_NOT_FOUND(f"no certificate {number!r}"),
        for_update=for_update,
    )


@dataclass(frozen=True)
class Filters:
    """The filters of the certificate list and the register export."""

    status: CertificateStatus | None = None
    grade: Grade | None = None
    organisation_id: int | None = None
    expiring_before: date | None = None


def filtered(filters: Filters, today: date) -> Select[Certificate]:
    """Certificates by number; ``status`` filters on the status true ``today``.

    The SQL mirror of ``standing.effective_status``: a live certificate whose successor's
    validity has begun (``superseded_on`` ≤ today) reads superseded, else one past
    ``expires_on`` (from the day after it) reads expired.
    """
    query = select(Certificate).order_by(Certificate.number)
    live = [CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED]
    status = filters.status
    superseded = Certificate.superseded_on.is_not(None) & (Certificate.superseded_on <= today)
    not_superseded = Certificate.superseded_on.is_(None) | (Certificate.superseded_on > today)
    if status is CertificateStatus.SUPERSEDED:
        query = query.where(
            (Certificate.status == status) | (Certificate.status.in_(live) & superseded)
        )
    elif status is CertificateStatus.EXPIRED:
        query = query.where(
            (Certificate.status == status)
            | (Certificate.status.in_(live) & (Certificate.expires_on < today) & not_superseded)
        )
    elif status in live:
        query = query.where(
            Certificate.status == status, Certificate.expires_on >= today, not_superseded
        )
    elif status is not None:
        query = query.where(Certificate.status == status)
    if filters.grade is not None:
        query = query.where(Certificate.grade == filters.grade)
    if filters.organisation_id is not None:
        query = query.where(Certificate.organisation_id == filters.organisation_id)
    if filters.expiring_before is not None:
        query = query.where(Certificate.expires_on < filters.expiring_before)
    return query


async def list_certificates(
    ctx: Context, filters: Filters, *, limit: int, cursor: str | None
) -> tuple[Sequence[Certificate], str | None]:
    after = decode_cursor(cursor, str)
    query = filtered(filters, ctx.clock.today()).limit(limit + 1)
    if after is not None:
        query = query.where(Certificate.number > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    return paginate(rows, limit, lambda c: (c.number,))


def site_entry(site: Site) -> dict[str, str]:
    """A site as a certificate prints it in its annex of sites."""
    return {"name": site.name, "address": site.address, "kind": site.kind}


async def covered_sites(
    ctx: Context, *, organisation_id: int, application_id: int | None
) -> list[dict[str, str]]:
    """The annex a new certificate prints: the application's active sites, headquarters
    first, then by id; without an application or sites, the organisation's headquarters
    (none when it has none)."""
    if application_id is not None:
        scope = await sites.application_sites(ctx.session, application_id)
        active = [site_entry(site) for site in scope if site.active]
        if active:
            return active
    headquarters = await sites.headquarters(ctx.session, organisation_id)
    return [site_entry(headquarters)] if headquarters is not None else []


def record_revision(
    ctx: Context, certificate: Certificate, *, effective_on: date, change_id: int | None = None
) -> CertificateRevision:
    """Keep the certificate's printed details as its current ``revision``, in effect from
    ``effective_on`` (what ``?on=`` and the history read)."""
    revision = CertificateRevision(
        certificate_id=certificate.id,
        revision=certificate.revision,
        effective_on=effective_on,
        recorded_at=ctx.clock.now(),
        organisation_name=certificate.organisation_name,
        organisation_name_en=certificate.organisation_name_en,
        organisation_address=certificate.organisation_address,
        scope=certificate.scope,
        scope_en=certificate.scope_en,
        sites=list(certificate.sites),
        change_id=change_id,
    )
    ctx.session.add(revision)
    return revision


async def issue(
    ctx: Context,
    *,
    audit: Audit,
    organisation: Organisation,
    scope: str,
    grade: Grade,
    final_score: Decimal,
    certificate_dates: dates.CertificateDates,
    application_id: int | None,
    scope_en: str | None = None,
    sites: list[dict[str, str]] | None = None,
) -> Certificate:
    """A new certificate with the next number of its year and the organisation's snapshot,
    its annex of sites (``sites``; default ``covered_sites``) and revision 1 of its printed
    details."""
    if sites is None:
        sites = await covered_sites(
            ctx, organisation_id=organisation.id, application_id=application_id
        )
    issued_on = certificate_dates.issued_on
    prefix = ctx.settings.certificate_prefix
    sequence = await sequences.next_value(
        ctx.session, sequences.certificate_series(prefix), issued_on.year
    )
    now = ctx.clock.now()
    certificate = Certificate(
        number=format_certificate_number(prefix, issued_on.year, sequence),
        organisation_id=organisation.id,
        application_id=application_id,
        issuing_audit_id=audit.id,
        status=CertificateStatus.ACTIVE,
        grade=grade,
        final_score=final_score,
        organisation_name=organisation.name,
        organisation_name_en=organisation.name_en,
        organisation_uscc=organisation.uscc,
        organisation_address=organisation.address,
        scope=scope,
        scope_en=scope_en,
        sites=sites,
        revision=1,
        enterprise_type=audit.enterprise_type,
        employee_count=audit.employee_count,
        issued_on=issued_on,
        valid_from=certificate_dates.valid_from,
        expires_on=certificate_dates.expires_on,
        last_surveillance_on=None,
        surveillances_done=0,
        next_surveillance_due=certificate_dates.next_surveillance_due,
        recertification_due=certificate_dates.recertification_due,
        superseded_by=None,
        superseded_on=None,
        suspension_causes=[],
        status_reason=None,
        status_changed_on=issued_on,
        search_key=text.search_key(organisation.name, organisation.name_en),
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(certificate)
    await ctx.session.flush()
    record_revision(ctx, certificate, effective_on=issued_on)
    await search_index.index_certificate(ctx.session, certificate.id, certificate.search_key)
    ctx.record(
        "certificate",
        certificate.number,
        "certificate.issued",
        data={
            "grade": grade,
            "final_score": final_score,
            "organisation_id": organisation.id,
            "uscc": organisation.uscc,
            "issued_on": issued_on,
            "valid_from": certificate.valid_from,
            "expires_on": certificate.expires_on,
            "audit_id": audit.id,
        },
    )
    return certificate


EVENT_OF = {
    lifecycle.CertificateAction.SUSPEND: "certificate.suspended",
    lifecycle.CertificateAction.REINSTATE: "certificate.reinstated",
    lifecycle.CertificateAction.WITHDRAW: "certificate.withdrawn",
    lifecycle.CertificateAction.CANCEL: "certificate.cancelled",
    lifecycle.CertificateAction.EXPIRE: "certificate.expired",
    lifecycle.CertificateAction.SUPERSEDE: "certificate.superseded",
}


def move(
    ctx: Context,
    certificate: Certificate,
    action: lifecycle.CertificateAction,
    *,
    reason: str,
    from_status: CertificateStatus | None = None,
    changed_on: date | None = None,
    causes: standing.Causes = standing.NO_CAUSES,
    **data: object,
) -> None:
    """Apply a legal status move and queue ``certificate.<past tense>``.

    ``from_status`` defaults to the status true today, so a certificate past its expiry can
    be neither reinstated nor suspended (§7); housekeeping passes the recorded one.
    ``changed_on`` defaults to today; an expiry or a supersession is dated the day it
    happened (``standing.housekeeping_date``), however late housekeeping records it.
    ``causes`` are those of a suspension; every other move leaves none.
    """
    before = from_status or effective_status(ctx, certificate)
    certificate.status = lifecycle.certificate_transition(before, action)
    certificate.status_reason = reason
    certificate.status_changed_on = changed_on or ctx.clock.today()
    suspended = certificate.status == CertificateStatus.SUSPENDED
    certificate.suspension_causes = standing.stored(causes if suspended else ())
    certificate.bump(ctx.clock.now())
    if suspended:
        data = {**data, "suspension_causes": certificate.suspension_causes}
    ctx.record(
        "certificate",
        certificate.number,
        EVENT_OF[action],
        reason=reason,
        data={"from": before, "to": certificate.status, **data},
    )


def add_cause(
    ctx: Context, certificate: Certificate, new_causes: standing.Causes, *, reason: str
) -> None:
    """A suspended certificate takes a further cause: it stays suspended, since the day it
    was first suspended (``status_changed_on`` and the reason of that move are kept)."""
    certificate.suspension_causes = standing.stored(new_causes)
    certificate.bump(ctx.clock.now())
    ctx.record(
        "certificate",
        certificate.number,
        "certificate.suspended",
        reason=reason,
        data={
            "from": CertificateStatus.SUSPENDED,
            "to": CertificateStatus.SUSPENDED,
            "suspension_causes": certificate.suspension_causes,
        },
    )


async def change_status(
    ctx: Context,
    number: str,
    action: lifecycle.CertificateAction,
    *,
    reason: str,
    expected_version: int | None,
) -> Certificate:
    """Suspend, reinstate, withdraw or cancel, by staff, with a reason (§7's legal moves).

    A staff suspension has the cause ``body_decision`` (added to a certificate already
    suspended for a surveillance); a reinstatement lifts it, and is refused while a
    surveillance cause remains (only a granted surveillance audit lifts those).
    """
    certificate = await get_or_raise(ctx, number, for_update=True)
    check_version(expected_version, certificate.version)
    status = effective_status(ctx, certificate)
    held = causes(certificate) if status is CertificateStatus.SUSPENDED else standing.NO_CAUSES
    if action is CertificateAction.SUSPEND:
        after = standing.body_suspension(status, held)
        if status is CertificateStatus.SUSPENDED:
            add_cause(ctx, certificate, after, reason=reason)
        else:
            move(ctx, certificate, action, reason=reason, from_status=status, causes=after)
    else:
        if action is CertificateAction.REINSTATE and status is CertificateStatus.SUSPENDED:
            standing.after_reinstatement(held)
        move(ctx, certificate, action, reason=reason, from_status=status)
    await ctx.commit()
    return certificate
