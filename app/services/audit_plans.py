"""Audit plans (docs/domain.md §3, §7): planning, amending and cancelling an audit, and the
warnings of its plan — reported, never refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from app.domain import audit_time, lifecycle, sampling, standing
from app.domain.enums import AuditKind, AuditStatus, AuditWarning, Role
from app.domain.lifecycle import ApplicationAction, AuditAction
from app.domain.problems import (
    AUDIT_ALREADY_OPEN,
    AUDIT_TEAM_MEMBER_NOT_AUDITOR,
    VALIDATION,
    FieldError,
)
from app.models import Audit, AuditTeamMember, Certificate, User
from app.schemas.audits import AuditCreate, AuditUpdate
from app.services import applications, audit_sites, audits, certificates, rubrics
from app.services.common import check_version
from app.services.context import Context

# an audit in one of these no longer holds its certificate (a new audit may be planned)
FINISHED = (AuditStatus.DECIDED, AuditStatus.STAGE1_FAILED, AuditStatus.CANCELLED)


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


async def _warnings(
    ctx: Context,
    *,
    kind: AuditKind,
    employee_count: int,
    team_size: int,
    start: date,
    end: date,
    certificate: Certificate | None,
    application_id: int | None,
    organisation_id: int,
    site_ids: Sequence[int],
) -> list[dict[str, Any]]:
    """The warnings of a plan: team days, the surveillance window, outlet sampling."""
    required = audit_time.person_days_for(kind, employee_count)
    warnings = []
    if audit_time.team_days_short(team_size, start, end, required):
        days = (end - start).days + 1
        warnings.append(
            {
                "code": AuditWarning.TEAM_DAYS_SHORT.value,
                "message": f"{team_size} auditor(s) × {days} day(s) is less than the "
                f"{required.on_site} on-site person-days required (of {required.total} in all)",
            }
        )
    if kind is AuditKind.SURVEILLANCE and certificate is not None:
        due = certificate.next_surveillance_due
        window = ctx.settings.surveillance_window_days
        opens = standing.before_surveillance_window(end, due, window)
        if opens is not None:
            warnings.append(
                {
                    "code": AuditWarning.BEFORE_SURVEILLANCE_WINDOW.value,
                    "message": f"the audit ends on {end}, before the window of the "
                    f"surveillance due on {due} opens on {opens}: it cannot be decided earlier",
                }
            )
    scope = application_id if certificate is None else certificate.application_id
    outlets = await audit_sites.outlets_in_scope(
        ctx, application_id=scope, organisation_id=organisation_id
    )
    visited = len(outlets.intersection(site_ids))
    if sampling.undersampled(len(outlets), visited):
        needed = sampling.required_visits(len(outlets))
        warnings.append(
            {
                "code": AuditWarning.SITES_UNDERSAMPLED.value,
                "message": f"{visited} of the {len(outlets)} service outlets in scope are to be "
                f"visited; sampling asks for at least {needed} (the square root, rounded up)",
            }
        )
    return warnings


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
    sites = await audit_sites.to_visit(ctx, organisation_id, data.site_ids or [])
    person_days = audit_time.person_days_for(kind, employee_count).total
    warnings = await _warnings(
        ctx,
        kind=kind,
        employee_count=employee_count,
        team_size=len(team),
        start=data.planned_start,
        end=data.planned_end,
        certificate=certificate,
        application_id=application_id,
        organisation_id=organisation_id,
        site_ids=sites,
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
    await audit_sites.replace(ctx, audit.id, sites)
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
            "site_ids": sites,
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


# the fields of a PATCH that change the team (checked again as a whole when either is given)
TEAM = frozenset({"lead_auditor_id", "team_member_ids"})


async def amend(
    ctx: Context, audit_id: int, patch: AuditUpdate, *, expected_version: int | None
) -> Audit:
    """Change a planned audit's team, dates or sites; its warnings are recomputed and the
    event ``audit.amended`` keeps what changed, before and after."""
    audit = await audits.get_or_raise(ctx, audit_id, for_update=True)
    check_version(expected_version, audit.version)
    audits.check(audit, AuditAction.AMEND)
    given = patch.model_fields_set
    lead = patch.lead_auditor_id if patch.lead_auditor_id is not None else audit.lead_auditor_id
    members = [m.user_id for m in audit.team if m.user_id != audit.lead_auditor_id]
    if patch.team_member_ids is not None:
        members = patch.team_member_ids
    start = patch.planned_start or audit.planned_start
    end = patch.planned_end or audit.planned_end
    if end < start:
        where = "planned_end" if "planned_end" in given else "planned_start"
        raise VALIDATION(
            "the audit plan is not valid",
            errors=[FieldError(("body", where), f"planned_end {end} is before {start}")],
        )
    team = [u.id for u in await _team(ctx, lead, members)] if given & TEAM else None
    before = await _plan_of(ctx, audit)
    sites = before["site_ids"]
    if patch.site_ids is not None:
        sites = await audit_sites.to_visit(ctx, audit.organisation_id, patch.site_ids)
    certificate = None
    if audit.certificate_id is not None:
        certificate = await ctx.session.get(Certificate, audit.certificate_id)
    team_ids = team if team is not None else [m.user_id for m in audit.team]
    warnings = await _warnings(
        ctx,
        kind=AuditKind(audit.kind),
        employee_count=audit.employee_count,
        team_size=len(team_ids),
        start=start,
        end=end,
        certificate=certificate,
        application_id=audit.application_id,
        organisation_id=audit.organisation_id,
        site_ids=sites,
    )
    after = {
        "lead_auditor_id": lead,
        "team": sorted(team_ids),
        "planned_start": start,
        "planned_end": end,
        "site_ids": sorted(sites),
        "warnings": warnings,
    }
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return audit
    audit.lead_auditor_id = lead
    kept = {m.user_id: m for m in audit.team}
    audit.team = [kept.get(i) or AuditTeamMember(user_id=i) for i in sorted(team_ids)]
    audit.planned_start, audit.planned_end = start, end
    audit.warnings = warnings
    if before["site_ids"] != after["site_ids"]:
        await audit_sites.replace(ctx, audit.id, sites)
    audit.bump(ctx.clock.now())
    ctx.record(
        "audit",
        audit.id,
        audits.EVENT_OF[AuditAction.AMEND],
        data={
            "before": {k: before[k] for k in changed},
            "after": {k: after[k] for k in changed},
        },
    )
    await ctx.commit()
    return audit


async def _plan_of(ctx: Context, audit: Audit) -> dict[str, Any]:
    return {
        "lead_auditor_id": audit.lead_auditor_id,
        "team": sorted(audit.team_ids),
        "planned_start": audit.planned_start,
        "planned_end": audit.planned_end,
        "site_ids": sorted(await audit_sites.visited_ids(ctx, audit.id)),
        "warnings": audit.warnings,
    }


async def cancel(
    ctx: Context, audit_id: int, *, reason: str, expected_version: int | None
) -> Audit:
    """Cancel a planned audit; a cancelled initial audit returns its application to
    ``accepted`` so that a new audit can be planned."""
    audit = await audits.get_or_raise(ctx, audit_id, for_update=True)
    check_version(expected_version, audit.version)
    audits.transition(ctx, audit, AuditAction.CANCEL, reason=reason)
    if audit.application_id is not None:
        application = await applications.get_or_raise(ctx, audit.application_id, for_update=True)
        applications.follow_audit(
            ctx, application, ApplicationAction.RETURN_TO_ACCEPTED, reason="audit cancelled"
        )
    await ctx.commit()
    return audit
