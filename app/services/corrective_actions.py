"""Corrective actions opened by special deductions (docs/domain.md §8)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.enums import CorrectiveActionStatus, Role
from app.domain.problems import (
    AUDIT_NOT_LEAD_AUDITOR,
    CORRECTIVE_ACTION_INVALID_TRANSITION,
    CORRECTIVE_ACTION_NOT_FOUND,
)
from app.models import CorrectiveAction
from app.pagination import decode_cursor, paginate
from app.services import audits
from app.services.common import check_version, one_or_raise
from app.services.context import Context


async def list_for_audit(
    ctx: Context, audit_id: int, *, limit: int, cursor: str | None
) -> tuple[list[CorrectiveAction], str | None]:
    audit = await audits.get_visible(ctx, audit_id)
    after = decode_cursor(cursor, int)
    query = (
        select(CorrectiveAction)
        .where(CorrectiveAction.audit_id == audit.id)
        .order_by(CorrectiveAction.id)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(CorrectiveAction.id > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    return paginate(rows, limit, lambda a: (a.id,))


async def count_open(ctx: Context, audit_id: int) -> int:
    value = await ctx.session.scalar(
        select(func.count())
        .select_from(CorrectiveAction)
        .where(
            CorrectiveAction.audit_id == audit_id,
            CorrectiveAction.status == CorrectiveActionStatus.OPEN,
        )
    )
    return int(value or 0)


async def close(
    ctx: Context,
    audit_id: int,
    action_id: int,
    *,
    evidence: str,
    expected_version: int | None,
) -> CorrectiveAction:
    """Close with evidence; staff, or the audit's lead auditor."""
    audit = await audits.get_or_raise(ctx, audit_id)
    assert ctx.actor is not None
    if not ctx.actor.has_any(frozenset({Role.STAFF})) and ctx.actor.id != audit.lead_auditor_id:
        raise AUDIT_NOT_LEAD_AUDITOR("staff or the audit's lead auditor close actions")
    action = await one_or_raise(
        ctx.session,
        select(CorrectiveAction).where(
            CorrectiveAction.id == action_id, CorrectiveAction.audit_id == audit.id
        ),
        CORRECTIVE_ACTION_NOT_FOUND(f"audit {audit_id} has no corrective action {action_id}"),
        for_update=True,
    )
    check_version(expected_version, action.version)
    if action.status != CorrectiveActionStatus.OPEN:
        raise CORRECTIVE_ACTION_INVALID_TRANSITION("the corrective action is already closed")
    now = ctx.clock.now()
    action.status = CorrectiveActionStatus.CLOSED
    action.evidence = evidence
    action.closed_at = now
    action.closed_by = ctx.actor.id
    action.bump(now)
    ctx.record(
        "corrective_action",
        action.id,
        "corrective_action.closed",
        reason=evidence,
        data={"audit_id": audit.id, "category": action.category},
    )
    await ctx.commit()
    return action
