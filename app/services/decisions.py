"""Committee decisions and what they do to applications and certificates (docs/domain.md §8)."""

from __future__ import annotations

from sqlalchemy import select

from app.domain import dates, lifecycle
from app.domain.decisions import check_decision
from app.domain.enums import (
    ApplicationStatus,
    AuditKind,
    CertificateStatus,
    DecisionOutcome,
    Grade,
)
from app.domain.lifecycle import ApplicationAction, AuditAction, CertificateAction
from app.domain.problems import APPLICATION_NOT_ELIGIBLE
from app.models import Audit, Certificate, Decision, ScoreSheet
from app.schemas.certificates import DecisionCreate
from app.services import applications, audits, certificates, corrective_actions, organisations
from app.services.context import Context


async def decide(
    ctx: Context, audit_id: int, body: DecisionCreate
) -> tuple[Decision, Certificate | None]:
    audit = await audits.get_or_raise(ctx, audit_id, for_update=True)
    audits.check(audit, AuditAction.DECIDE)
    assert ctx.actor is not None
    assert audit.recommended_revision is not None  # set by completion
    recommended = (
        await ctx.session.execute(
            select(ScoreSheet).where(
                ScoreSheet.audit_id == audit.id, ScoreSheet.revision == audit.recommended_revision
            )
        )
    ).scalar_one()
    outcome = DecisionOutcome(body.outcome)
    grade = check_decision(
        outcome=outcome,
        recommended=Grade(recommended.grade),
        requested_grade=Grade(body.grade) if body.grade is not None else None,
        open_corrective_actions=await corrective_actions.count_open(ctx, audit.id),
        decider_on_team=ctx.actor.id in audit.team_ids,
    )
    kind = AuditKind(audit.kind)
    if kind is AuditKind.INITIAL:
        certificate = await _initial(ctx, audit, grade, recommended, reason=body.reason)
    elif kind is AuditKind.SURVEILLANCE:
        certificate = await _surveillance(ctx, audit, grade, recommended, reason=body.reason)
    else:
        certificate = await _recertification(ctx, audit, grade, recommended, reason=body.reason)
    decision = Decision(
        audit_id=audit.id,
        outcome=outcome,
        grade=grade,
        reason=body.reason,
        decided_by=ctx.actor.id,
        decided_at=ctx.clock.now(),
        certificate_id=certificate.id if certificate else None,
    )
    ctx.session.add(decision)
    audits.transition(
        ctx,
        audit,
        AuditAction.DECIDE,
        reason=body.reason,
        outcome=outcome,
        grade=grade,
        certificate_number=certificate.number if certificate else None,
    )
    await ctx.session.flush()
    await ctx.commit()
    return decision, certificate


async def _initial(
    ctx: Context, audit: Audit, grade: Grade | None, sheet: ScoreSheet, *, reason: str
) -> Certificate | None:
    assert audit.application_id is not None
    application = await applications.get_or_raise(ctx, audit.application_id, for_update=True)
    if grade is None:
        applications.follow_audit(ctx, application, ApplicationAction.REFUSE, reason=reason)
        return None
    lifecycle.application_transition(
        ApplicationStatus(application.status), ApplicationAction.CERTIFY
    )
    # checked at acceptance, and again now: two applications of one organisation and type
    # may both have been accepted, and only one certificate may be live (docs/domain.md §2)
    if await applications.holds_live_certificate(
        ctx, application.organisation_id, application.enterprise_type
    ):
        raise APPLICATION_NOT_ELIGIBLE(
            "the organisation already holds a live certificate of this type",
        )
    organisation = await organisations.get_or_raise(ctx, application.organisation_id)
    certificate = await certificates.issue(
        ctx,
        audit=audit,
        organisation=organisation,
        scope=application.scope,
        grade=grade,
        final_score=sheet.final_score,
        certificate_dates=dates.initial_certificate_dates(ctx.clock.today()),
        application_id=application.id,
    )
    applications.move(ctx, application, ApplicationAction.CERTIFY)
    return certificate


async def _audited_certificate(
    ctx: Context, audit: Audit, *, renewing: bool, granting: bool
) -> Certificate:
    """The audit's certificate, locked. A grant needs it live (active or suspended); a
    refusal is always recorded (§6), and leaves a certificate that is no longer live alone."""
    assert audit.certificate_id is not None
    certificate = (
        await ctx.session.execute(
            select(Certificate)
            .where(Certificate.id == audit.certificate_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    if granting:
        status = certificates.effective_status(ctx, certificate)
        if renewing:
            lifecycle.require_certificate_renewable(status)
        else:
            lifecycle.require_certificate_live(status)
    return certificate


async def _surveillance(
    ctx: Context, audit: Audit, grade: Grade | None, sheet: ScoreSheet, *, reason: str
) -> Certificate:
    """Grant: grade and final score set (up or down), reinstated if suspended; refuse:
    suspended. Either way the surveillance is recorded and the schedule advances
    (docs/domain.md §8) — unless a refusal finds the certificate no longer live (withdrawn,
    cancelled, expired, superseded meanwhile): then it is left as it is."""
    certificate = await _audited_certificate(ctx, audit, renewing=False, granting=grade is not None)
    if not lifecycle.is_live(certificates.effective_status(ctx, certificate)):
        return certificate
    today = ctx.clock.today()
    if grade is not None:
        certificate.final_score = sheet.final_score
        if grade != certificate.grade:
            ctx.record(
                "certificate",
                certificate.number,
                "certificate.grade_changed",
                reason=reason,
                data={"from": certificate.grade, "to": grade, "audit_id": audit.id},
            )
            certificate.grade = grade
        if certificate.status == CertificateStatus.SUSPENDED:
            certificates.move(ctx, certificate, CertificateAction.REINSTATE, reason=reason)
    elif certificate.status == CertificateStatus.ACTIVE:
        certificates.move(ctx, certificate, CertificateAction.SUSPEND, reason=reason)
    certificate.surveillances_done += 1
    certificate.last_surveillance_on = today
    certificate.employee_count = audit.employee_count  # the last count known (docs/domain.md §3)
    certificate.next_surveillance_due, certificate.recertification_due = dates.after_surveillance(
        certificate.valid_from, certificate.expires_on, certificate.surveillances_done
    )
    certificate.bump(ctx.clock.now())
    ctx.record(
        "certificate",
        certificate.number,
        "certificate.surveillance_recorded",
        reason=reason,
        data={
            "audit_id": audit.id,
            "outcome": "grant" if grade is not None else "refuse",
            "surveillance_on": today,
            "final_score": certificate.final_score,
            "next_surveillance_due": certificate.next_surveillance_due,
        },
    )
    return certificate


async def _recertification(
    ctx: Context, audit: Audit, grade: Grade | None, sheet: ScoreSheet, *, reason: str
) -> Certificate | None:
    """Grant: a new certificate (continuity inside the window), the old one superseded;
    refuse: the old certificate runs on to its expiry."""
    old = await _audited_certificate(ctx, audit, renewing=True, granting=grade is not None)
    if grade is None:
        return None
    organisation = await organisations.get_or_raise(ctx, old.organisation_id)
    new = await certificates.issue(
        ctx,
        audit=audit,
        organisation=organisation,
        scope=old.scope,
        grade=grade,
        final_score=sheet.final_score,
        certificate_dates=dates.recertified_certificate_dates(
            decided_on=ctx.clock.today(), old_expires_on=old.expires_on
        ),
        application_id=old.application_id,
    )
    old.superseded_by = new.number
    certificates.move(
        ctx, old, CertificateAction.SUPERSEDE, reason=reason, superseded_by=new.number
    )
    return new
