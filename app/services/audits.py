"""Audits (docs/domain.md §7): stage 1, completion, who may see them; planning is in
``audit_plans``."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain import lifecycle
from app.domain.enums import AuditKind, AuditStatus, CorrectiveActionStatus, Role
from app.domain.lifecycle import ApplicationAction, AuditAction
from app.domain.problems import (
    AUDIT_NOT_FOUND,
    AUDIT_NOT_LEAD_AUDITOR,
    AUDIT_NOT_ON_TEAM,
    VALIDATION,
    FieldError,
)
from app.models import Audit, Certificate, CorrectiveAction, ScoreSheet, User
from app.schemas.audits import AuditRead, CompleteBody, Stage1Body, audit_read
from app.services import applications, audit_sites
from app.services.common import check_version, one_or_raise
from app.services.context import Context

OVERSEERS = frozenset({Role.STAFF, Role.COMMITTEE, Role.ADMIN})


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
    AuditAction.AMEND: "audit.amended",
    AuditAction.CANCEL: "audit.cancelled",
}


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


async def complete(
    ctx: Context, audit_id: int, body: CompleteBody | None, *, expected_version: int | None
) -> Audit:
    """Complete a scored audit on the dates it actually took place (default: planned)."""
    audit = await get_or_raise(ctx, audit_id, for_update=True)
    require_lead(ctx, audit)
    check_version(expected_version, audit.version)
    check(audit, AuditAction.COMPLETE)
    given = body or CompleteBody()
    actual_start = given.actual_start or audit.planned_start
    actual_end = given.actual_end or audit.planned_end
    if actual_end < actual_start:
        where = "actual_end" if given.actual_end is not None else "actual_start"
        raise VALIDATION(
            "the audit's dates are not valid",
            errors=[
                FieldError(("body", where), f"actual_end {actual_end} is before {actual_start}")
            ],
        )
    today = ctx.clock.today()
    future = [
        FieldError(("body", name), f"{name} {day} is after today ({today})")
        for name, day in (("actual_start", given.actual_start), ("actual_end", given.actual_end))
        if day is not None and day > today
    ]
    if future:  # an audit is completed once it took place
        raise VALIDATION("the audit's dates are not valid", errors=future)
    audit.actual_start, audit.actual_end = actual_start, actual_end
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
        actual_start=actual_start,
        actual_end=actual_end,
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
    """The API view of an audit: its certificate's number, its team's names, its sites."""
    number = None
    if audit.certificate_id is not None:
        number = await ctx.session.scalar(
            select(Certificate.number).where(Certificate.id == audit.certificate_id)
        )
    rows = await ctx.session.execute(select(User.id, User.name).where(User.id.in_(audit.team_ids)))
    names: dict[int, str] = {row.id: row.name for row in rows}
    sites = await audit_sites.visited(ctx, audit.id)
    return audit_read(audit, certificate_number=number, names=names, sites=sites)
