"""Audits (docs/domain.md §7): planning, stage 1, completion, who may see them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from app.domain import audit_time, lifecycle, standing
from app.domain.enums import (
    AuditKind,
    AuditStatus,
    AuditWarning,
    CorrectiveActionStatus,
    Role,
)
from app.domain.lifecycle import ApplicationAction, AuditAction
from app.domain.problems import (
    AUDIT_ALREADY_OPEN,
    AUDIT_NOT_FOUND,
    AUDIT_NOT_LEAD_AUDITOR,
    AUDIT_NOT_ON_TEAM,
    AUDIT_TEAM_MEMBER_NOT_AUDITOR,
    FieldError,
)
from app.models import Audit, AuditTeamMember, Certificate, CorrectiveAction, ScoreSheet, User
from app.schemas.audits import AuditCreate, AuditRead, Stage1Body, audit_read
from app.services import applications, certificates, rubrics
from app.services.common import check_version, one_or_raise
from app.services.context import Context

OVERSEERS = frozenset({Role.STAFF, Role.COMMITTEE, Role.ADMIN})
FINISHED = (AuditStatus.DECIDED, AuditStatus.STAGE1_FAILED)


async def get_or_raise(ctx: Context, audit_id: int, *, for_update: bool = False) -> Audit:
    return await one_or_raise(
        ctx.session,
        select(Audit).where(Audit.id == audit_id),
        AUDIT_NOT_FOUND(f"no audit {audit_id}"),
        for_update=for_update,
    )


async def get_visible(ctx: Context, audit_id: int) -> Audit:
    """The audit, for staff, committee, admins and the audit's own team."""
    audit = await get_or_raise(ctx, audit_id)
    require_on_team_unless_overseer(ctx, audit)
    return audit


def require_on_team_unless_overseer(ctx: Context, audit: Audit) -> None:
    assert ctx.actor is not None
    if not ctx.actor.has_any(OVERSEERS):
        require_on_team(ctx, audit)


def require_on_team(ctx: Context, audit: Audit) -> None:
    assert ctx.actor is not None
    if ctx.actor.id not in audit.team_ids:
        raise AUDIT_NOT_ON_TEAM(f"you are not on the team of audit {audit.id}")


def require_lead(ctx: Context, audit: Audit) -> None:
    assert ctx.actor is not None
    require_on_team(ctx, audit)
    if ctx.actor.id != audit.lead_auditor_id:
        raise AUDIT_NOT_LEAD_AUDITOR("only the lead auditor takes this step")


def check(audit: Audit, action: AuditAction) -> None:
    """Refuse ``action`` if the audit's state does not allow it (``audit.invalid_transition``)."""
    lifecycle.audit_transition(AuditKind(audit.kind), AuditStatus(audit.status), action)


def transition(
    ctx: Context, audit: Audit, action: AuditAction, *, reason: str | None = None, **data: object
) -> None:
    """Apply a legal move of the audit state machine and queue ``audit.<past tense>``."""
    before = audit.status
    audit.status = lifecycle.audit_transition(AuditKind(audit.kind), AuditStatus(before), action)
    audit.bump(ctx.clock.now())
    ctx.record(
        "audit",
        audit.id,
        EVENT_OF[action],
        reason=reason,
        data={"from": before, "to": audit.status, **data},
    )


EVENT_OF = {
    AuditAction.PASS_STAGE1: "audit.stage1_passed",
    AuditAction.FAIL_STAGE1: "audit.stage1_failed",
    AuditAction.SCORE: "audit.scored",
    AuditAction.COMPLETE: "audit.completed",
    AuditAction.DECIDE: "audit.decided",
}


async def _team(ctx: Context, lead_id: int, member_ids: Sequence[int]) -> list[User]:
    ids = list(dict.fromkeys([lead_id, *member_ids]))
    found = {
        u.id: u for u in (await ctx.session.execute(select(User).where(User.id.in_(ids)))).scalars()
    }
    errors = []
    for index, user_id in enumerate(ids):
        user = found.get(user_id)
        if user is None or not user.active or not user.has_any(frozenset({Role.AUDITOR})):
            loc = ("body", "lead_auditor_id") if index == 0 else ("body", "team_member_ids")
            errors.append(FieldError(loc, f"user {user_id} is not an active auditor"))
    if errors:
        raise AUDIT_TEAM_MEMBER_NOT_AUDITOR(
            "every team member, lead included, must be an active user holding the auditor role",
            errors=errors,
        )
    return [found[i] for i in ids]


async def plan(ctx: Context, data: AuditCreate) -> Audit:
    team = await _team(ctx, data.lead_auditor_id, data.team_member_ids)
    kind = AuditKind(data.kind)
    application_id: int | None = None
    certificate: Certificate | None = None
    if kind is AuditKind.INITIAL:
        assert data.application_id is not None
        application = await applications.get_or_raise(ctx, data.application_id, for_update=True)
        applications.move(ctx, application, ApplicationAction.START_AUDIT)
        application_id = application.id
        organisation_id = application.organisation_id
        enterprise_type = application.enterprise_type
        employee_count = application.employee_count
    else:
        assert data.certificate_number is not None
        certificate = await certificates.get_or_raise(ctx, data.certificate_number, for_update=True)
        status = certificates.effective_status(ctx, certificate)
        if kind is AuditKind.SURVEILLANCE:
            lifecycle.require_certificate_live(status)
            standing.require_no_successor(certificate.superseded_by, renewing=False)
            lifecycle.require_surveillance_remaining(certificate.surveillances_done)
        elif kind is AuditKind.UPGRADE:
            lifecycle.require_upgrade_eligible(
                status, certificate.surveillances_done, certificate.superseded_by
            )
        else:
            lifecycle.require_certificate_renewable(status)
            standing.require_no_successor(certificate.superseded_by, renewing=True)
        await _require_no_open_audit(ctx, certificate)
        organisation_id = certificate.organisation_id
        enterprise_type = certificate.enterprise_type
        employee_count = data.employee_count or certificate.employee_count
    required = audit_time.person_days_for(kind, employee_count)
    person_days = required.total
    warnings = []
    if audit_time.team_days_short(len(team), data.planned_start, data.planned_end, required):
        days = (data.planned_end - data.planned_start).days + 1
        warnings.append(
            {
                "code": AuditWarning.TEAM_DAYS_SHORT.value,
                "message": f"{len(team)} auditor(s) × {days} day(s) is less than the "
                f"{required.on_site} on-site person-days required (of {required.total} in all)",
            }
        )
    if kind is AuditKind.SURVEILLANCE and certificate is not None:
        due = certificate.next_surveillance_due
        window = ctx.settings.surveillance_window_days
        opens = standing.before_surveillance_window(data.planned_end, due, window)
        if opens is not None:
            warnings.append(
                {
                    "code": AuditWarning.BEFORE_SURVEILLANCE_WINDOW.value,
                    "message": f"the audit ends on {data.planned_end}, before the window of the "
                    f"surveillance due on {due} opens on {opens}: it cannot be decided earlier",
                }
            )
    now = ctx.clock.now()
    audit = Audit(
        kind=kind,
        status=AuditStatus.PLANNED,
        application_id=application_id,
        certificate_id=certificate.id if certificate else None,
        organisation_id=organisation_id,
        enterprise_type=enterprise_type,
        employee_count=employee_count,
        person_days=person_days,
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        lead_auditor_id=data.lead_auditor_id,
        warnings=warnings,
        team=[AuditTeamMember(user_id=u.id) for u in team],
        rubric_id=await rubrics.for_new_audit(ctx),
        created_by=ctx.actor_id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(audit)
    await ctx.session.flush()
    ctx.record(
        "audit",
        audit.id,
        "audit.planned",
        data={
            "kind": kind,
            "application_id": application_id,
            "certificate_number": certificate.number if certificate else None,
            "person_days": person_days,
            "team": [u.id for u in team],
            "lead_auditor_id": data.lead_auditor_id,
            "warnings": [w["code"] for w in warnings],
            "rubric_id": audit.rubric_id,
        },
    )
    await ctx.commit()
    return audit


async def _require_no_open_audit(ctx: Context, certificate: Certificate) -> None:
    open_audit = await ctx.session.scalar(
        select(Audit.id)
        .where(Audit.certificate_id == certificate.id, Audit.status.not_in(FINISHED))
        .limit(1)
    )
    if open_audit is not None:
        raise AUDIT_ALREADY_OPEN(
            f"audit {open_audit} of certificate {certificate.number} is not decided yet",
        )


async def stage1(
    ctx: Context, audit_id: int, body: Stage1Body, *, expected_version: int | None
) -> Audit:
    audit = await get_or_raise(ctx, audit_id, for_update=True)
    require_lead(ctx, audit)
    check_version(expected_version, audit.version)
    passed = body.outcome == "passed"
    audit.stage1_notes = body.notes
    action = AuditAction.PASS_STAGE1 if passed else AuditAction.FAIL_STAGE1
    transition(ctx, audit, action, reason=body.notes)
    if not passed and audit.application_id is not None:
        application = await applications.get_or_raise(ctx, audit.application_id, for_update=True)
        applications.follow_audit(
            ctx, application, ApplicationAction.RETURN_TO_ACCEPTED, reason="stage 1 failed"
        )
    await ctx.commit()
    return audit


async def complete(ctx: Context, audit_id: int, *, expected_version: int | None) -> Audit:
    audit = await get_or_raise(ctx, audit_id, for_update=True)
    require_lead(ctx, audit)
    check_version(expected_version, audit.version)
    latest = (
        await ctx.session.execute(
            select(ScoreSheet)
            .where(ScoreSheet.audit_id == audit.id)
            .order_by(ScoreSheet.revision.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    transition(
        ctx,
        audit,
        AuditAction.COMPLETE,
        recommended_revision=latest.revision if latest else None,
        recommended_grade=latest.grade if latest else None,
    )
    assert latest is not None  # the state machine allows completion only while scoring
    audit.recommended_revision = latest.revision
    now = ctx.clock.now()
    for deduction in latest.special_deductions:
        action = CorrectiveAction(
            audit_id=audit.id,
            category=deduction["category"],
            description=deduction["description"],
            status=CorrectiveActionStatus.OPEN,
            created_at=now,
            updated_at=now,
        )
        ctx.session.add(action)
        await ctx.session.flush()
        ctx.record(
            "corrective_action",
            action.id,
            "corrective_action.opened",
            data={"audit_id": audit.id, "category": action.category},
        )
    await ctx.commit()
    return audit


async def latest_revision(ctx: Context, audit_id: int) -> int:
    value = await ctx.session.scalar(
        select(func.max(ScoreSheet.revision)).where(ScoreSheet.audit_id == audit_id)
    )
    return int(value or 0)


async def read(ctx: Context, audit: Audit) -> AuditRead:
    """The API view of an audit: its certificate's number and its team's names."""
    number = None
    if audit.certificate_id is not None:
        number = await ctx.session.scalar(
            select(Certificate.number).where(Certificate.id == audit.certificate_id)
        )
    rows = await ctx.session.execute(select(User.id, User.name).where(User.id.in_(audit.team_ids)))
    names: dict[int, str] = {row.id: row.name for row in rows}
    return audit_read(audit, certificate_number=number, names=names)
