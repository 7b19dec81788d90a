"""Committee decisions and what they do to applications and certificates (docs/domain.md §8)."""

from __future__ import annotations

from sqlalchemy import select

from app.domain import dates, lifecycle, scope, standing
from app.domain.decisions import check_decision
from app.domain.enums import (
    ApplicationStatus,
    AuditKind,
    CertificateStatus,
    DecisionOutcome,
    EnterpriseType,
    Grade,
    SuspensionCause,
)
from app.domain.lifecycle import ApplicationAction, AuditAction, CertificateAction
from app.domain.problems import (
    APPLICATION_NOT_ELIGIBLE,
    DECISION_SCOPE_EN_REQUIRED,
    DECISION_SCOPE_TOO_LONG,
    VALIDATION,
    FieldError,
)
from app.models import Application, Audit, Certificate, Decision, ScoreSheet
from app.schemas.certificates import DecisionCreate, ScopeStatement
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
    if body.scope is not None and (
        outcome is not DecisionOutcome.GRANT
        or kind not in (AuditKind.INITIAL, AuditKind.RECERTIFICATION)
    ):
        raise VALIDATION(
            "only an initial or recertification grant prints a scope statement",
            errors=[FieldError(("body", "scope"), "only with an initial or recertification grant")],
        )
    if kind is AuditKind.INITIAL:
        certificate = await _initial(
            ctx, audit, grade, recommended, reason=body.reason, requested_scope=body.scope
        )
    elif kind is AuditKind.SURVEILLANCE:
        certificate, grade = await _surveillance(
            ctx, audit, grade, recommended, reason=body.reason, requested=body.grade is not None
        )
    elif kind is AuditKind.UPGRADE:
        certificate = await _upgrade(ctx, audit, grade, recommended, reason=body.reason)
    else:
        certificate = await _recertification(
            ctx, audit, grade, recommended, reason=body.reason, requested_scope=body.scope
        )
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


def _printed_scope(
    sheet: ScoreSheet,
    enterprise_type: EnterpriseType,
    scope_items: list[dict[str, str]] | None,
    current: tuple[str, str | None],
    requested: ScopeStatement | None,
) -> tuple[str, str | None]:
    """The scope statement a grant prints, Chinese and English (docs/domain.md §8.4). With
    scope items: generated from them and the indicators the recommended
    sheet excluded, the committee's ``requested`` wording replacing it (its English, when
    given, too); the English is required (``decision.scope_en_required``) when an item has
    none and the committee gave none, and a generated statement too long to print must be
    worded by the committee (``decision.scope_too_long``). Without: ``current`` (the
    application's text, or the predecessor's statement), or the committee's wording."""
    if scope_items:
        generated = scope.statement(
            [scope.ScopeItem(i["zh"], i.get("en")) for i in scope_items],
            enterprise_type,
            [item.indicator_code for item in sheet.items if item.not_applicable],
        )
        zh = requested.zh if requested is not None else generated.zh
        en = requested.en if requested is not None and requested.en is not None else generated.en
        if en is None:
            raise DECISION_SCOPE_EN_REQUIRED(
                "a scope item has no English name: give the English statement as `scope.en`"
            )
        if len(zh) > scope.MAX_ZH or len(en) > scope.MAX_EN:
            raise DECISION_SCOPE_TOO_LONG(
                f"the generated statement has {len(zh)} characters ({len(en)} in English): "
                "word it as `scope`"
            )
        return zh, en
    if requested is not None:
        return requested.zh, requested.en
    return current


async def _initial(
    ctx: Context,
    audit: Audit,
    grade: Grade | None,
    sheet: ScoreSheet,
    *,
    reason: str,
    requested_scope: ScopeStatement | None,
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
    printed, printed_en = _printed_scope(
        sheet,
        EnterpriseType(application.enterprise_type),
        application.scope_items,
        (application.scope, None),
        requested_scope,
    )
    certificate = await certificates.issue(
        ctx,
        audit=audit,
        organisation=organisation,
        scope=printed,
        scope_en=printed_en,
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
    ctx: Context,
    audit: Audit,
    grade: Grade | None,
    sheet: ScoreSheet,
    *,
    reason: str,
    requested: bool,
) -> tuple[Certificate, Grade | None]:
    """The certificate and the grade granted (docs/domain.md §6, §7).

    The surveillance is decided within its window (``audit.surveillance_not_due`` before).
    Grant: the grade kept or lowered (never raised), the final score set, the surveillance
    causes of a suspension lifted (active again when none is left), the schedule advanced.
    Refuse: suspended for ``surveillance_refused``, the same surveillance still due. A
    refusal that finds the certificate no longer live (withdrawn, cancelled, expired,
    superseded meanwhile) leaves it as it is."""
    certificate = await _audited_certificate(ctx, audit, renewing=False, granting=grade is not None)
    status = certificates.effective_status(ctx, certificate)
    if not lifecycle.is_live(status):
        return certificate, grade
    today = ctx.clock.today()
    lifecycle.require_surveillance_remaining(certificate.surveillances_done)
    if certificate.next_surveillance_due is not None:
        standing.require_surveillance_window(
            certificate.next_surveillance_due, today, ctx.settings.surveillance_window_days
        )
    suspended = status is CertificateStatus.SUSPENDED
    held = certificates.causes(certificate) if suspended else standing.NO_CAUSES
    if grade is not None:
        grade = standing.surveillance_grade(grade, Grade(certificate.grade), requested=requested)
        _grade_and_score(ctx, certificate, grade, sheet, audit, reason=reason)
        remaining = standing.after_surveillance_grant(held)
        if suspended and not remaining:
            certificates.move(
                ctx, certificate, CertificateAction.REINSTATE, reason=reason, from_status=status
            )
        elif suspended:  # the body's own suspension stays
            certificate.suspension_causes = standing.stored(remaining)
        certificate.surveillances_done += 1
        certificate.next_surveillance_due, certificate.recertification_due = (
            dates.after_surveillance(
                certificate.valid_from, certificate.expires_on, certificate.surveillances_done
            )
        )
    else:
        after = standing.suspended_for(held, SuspensionCause.SURVEILLANCE_REFUSED)
        if suspended:
            certificate.suspension_causes = standing.stored(after)
        else:
            certificates.move(
                ctx,
                certificate,
                CertificateAction.SUSPEND,
                reason=reason,
                from_status=status,
                causes=after,
            )
    certificate.last_surveillance_on = today
    certificate.employee_count = audit.employee_count  # the last count known (docs/domain.md §3)
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
            "suspension_causes": certificate.suspension_causes,
        },
    )
    return certificate, grade


async def _recertification(
    ctx: Context,
    audit: Audit,
    grade: Grade | None,
    sheet: ScoreSheet,
    *,
    reason: str,
    requested_scope: ScopeStatement | None,
) -> Certificate | None:
    """Grant: a new certificate (continuity inside the window); the old one names it at once
    and is superseded on the day the new one's validity begins (at once when that is today,
    else recorded by housekeeping on the day, read as superseded from it); refuse: the old
    certificate runs on to its expiry. The new certificate takes its scope items and sites
    from the application behind the audit if there is one, else the old one's scope
    statement and sites."""
    old = await _audited_certificate(ctx, audit, renewing=True, granting=grade is not None)
    if grade is None:
        return None
    organisation = await organisations.get_or_raise(ctx, old.organisation_id)
    application = (
        await ctx.session.get(Application, audit.application_id)
        if audit.application_id is not None
        else None
    )
    printed, printed_en = _printed_scope(
        sheet,
        EnterpriseType(audit.enterprise_type),
        application.scope_items if application is not None else None,
        (old.scope, old.scope_en),
        requested_scope,
    )
    sites = None if application is not None else list(old.sites)
    new = await certificates.issue(
        ctx,
        audit=audit,
        organisation=organisation,
        scope=printed,
        scope_en=printed_en,
        sites=sites,
        grade=grade,
        final_score=sheet.final_score,
        certificate_dates=dates.recertified_certificate_dates(
            decided_on=ctx.clock.today(), old_expires_on=old.expires_on
        ),
        application_id=application.id if application is not None else old.application_id,
    )
    status = certificates.effective_status(ctx, old)
    old.superseded_by = new.number
    old.superseded_on = new.valid_from
    if new.valid_from <= ctx.clock.today():
        certificates.move(
            ctx,
            old,
            CertificateAction.SUPERSEDE,
            reason=reason,
            from_status=status,
            superseded_by=new.number,
            superseded_on=new.valid_from,
        )
    else:
        old.bump(ctx.clock.now())
        ctx.record(
            "certificate",
            old.number,
            "certificate.successor_named",
            reason=reason,
            data={"superseded_by": new.number, "superseded_on": new.valid_from},
        )
    return new


async def _upgrade(
    ctx: Context, audit: Audit, grade: Grade | None, sheet: ScoreSheet, *, reason: str
) -> Certificate:
    """Grant: the certificate takes the granted grade and the sheet's final score, keeping
    its number, validity and schedule (docs/domain.md §6); refuse: nothing changes."""
    certificate = await _audited_certificate(ctx, audit, renewing=False, granting=False)
    if grade is None:
        return certificate
    lifecycle.require_upgrade_eligible(
        certificates.effective_status(ctx, certificate),
        certificate.surveillances_done,
        certificate.superseded_by,
    )
    _grade_and_score(ctx, certificate, grade, sheet, audit, reason=reason)
    certificate.bump(ctx.clock.now())
    ctx.record(
        "certificate",
        certificate.number,
        "certificate.upgrade_granted",
        reason=reason,
        data={"audit_id": audit.id, "grade": grade, "final_score": certificate.final_score},
    )
    return certificate


def _grade_and_score(
    ctx: Context,
    certificate: Certificate,
    grade: Grade,
    sheet: ScoreSheet,
    audit: Audit,
    *,
    reason: str,
) -> None:
    """A grant's grade and the recommended sheet's final score on the certificate, the
    change of grade recorded as ``certificate.grade_changed``."""
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
