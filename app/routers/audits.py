from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse

from app.deps import DatabaseDep, authorize
from app.domain.enums import Role
from app.domain.problems import (
    APPLICATION_INVALID_TRANSITION,
    APPLICATION_NOT_ELIGIBLE,
    APPLICATION_NOT_FOUND,
    AUDIT_ALREADY_OPEN,
    AUDIT_CERTIFICATE_NOT_LIVE,
    AUDIT_CERTIFICATE_NOT_RENEWABLE,
    AUDIT_INVALID_TRANSITION,
    AUDIT_NOT_FOUND,
    AUDIT_NOT_LEAD_AUDITOR,
    AUDIT_NOT_ON_TEAM,
    AUDIT_SURVEILLANCE_NOT_DUE,
    AUDIT_TEAM_MEMBER_NOT_AUDITOR,
    AUDIT_UNKNOWN_SITE,
    AUDIT_UPGRADE_NOT_ELIGIBLE,
    CERTIFICATE_NOT_FOUND,
    CORRECTIVE_ACTION_INVALID_TRANSITION,
    CORRECTIVE_ACTION_NOT_FOUND,
    DECISION_FAIL_NOT_GRANTABLE,
    DECISION_GRADE_ABOVE_CURRENT,
    DECISION_GRADE_ABOVE_RECOMMENDATION,
    DECISION_IMPARTIALITY_CONFLICT,
    DECISION_OPEN_CORRECTIVE_ACTIONS,
    DECISION_SCOPE_EN_REQUIRED,
    DECISION_SCOPE_TOO_LONG,
    INVISIBLE_CHARACTERS,
    SCORE_SHEET_INVALID_ITEMS,
    SCORE_SHEET_NOT_EXCLUDABLE,
    SCORE_SHEET_NOT_FOUND,
    SCORE_SHEET_NOTE_REQUIRED,
    SCORE_SHEET_SCORE_OUT_OF_RANGE,
)
from app.http import IfMatchHeader, expected_version, set_etag
from app.models import Audit
from app.openapi import problems
from app.params import CursorQuery, IdPath, LimitQuery
from app.paths import API_PREFIX
from app.routing import StrictRoute
from app.schemas.audits import (
    AuditCreate,
    AuditRead,
    AuditUpdate,
    CloseBody,
    CompleteBody,
    CorrectiveActionRead,
    ScoreSheetCreate,
    ScoreSheetRead,
    Stage1Body,
    score_sheet_read,
)
from app.schemas.certificates import DecisionCreate, DecisionRead, ReasonBody, certificate_read
from app.schemas.common import Page
from app.services import (
    audit_plans,
    audit_register,
    audits,
    corrective_actions,
    decisions,
    score_sheets,
)
from app.services.context import Context

router = APIRouter(
    prefix=f"{API_PREFIX}/audits",
    tags=["audits"],
    route_class=StrictRoute,
)

Staff = Annotated[Context, Depends(authorize(Role.STAFF))]
Auditor = Annotated[Context, Depends(authorize(Role.AUDITOR))]
Committee = Annotated[Context, Depends(authorize(Role.COMMITTEE))]
StaffOrAuditor = Annotated[Context, Depends(authorize(Role.STAFF, Role.AUDITOR))]
Readers = Annotated[
    Context, Depends(authorize(Role.STAFF, Role.COMMITTEE, Role.ADMIN, Role.AUDITOR))
]
Overseers = Annotated[Context, Depends(authorize(Role.STAFF, Role.COMMITTEE, Role.ADMIN))]
# who may see an audit, and who takes its steps
ON_TEAM = (AUDIT_NOT_FOUND, AUDIT_NOT_ON_TEAM)
LEAD = (*ON_TEAM, AUDIT_NOT_LEAD_AUDITOR)


async def _answer(ctx: Context, audit: Audit, response: Response) -> AuditRead:
    set_etag(response, audit.version)
    return await audits.read(ctx, audit)


@router.post(
    "",
    status_code=201,
    operation_id="create_audit",
    summary="Plan an initial, surveillance, recertification or upgrade audit",
    responses=problems(
        APPLICATION_NOT_FOUND,
        CERTIFICATE_NOT_FOUND,
        APPLICATION_INVALID_TRANSITION,
        AUDIT_INVALID_TRANSITION,
        AUDIT_CERTIFICATE_NOT_LIVE,
        AUDIT_CERTIFICATE_NOT_RENEWABLE,
        AUDIT_UPGRADE_NOT_ELIGIBLE,
        AUDIT_ALREADY_OPEN,
        AUDIT_TEAM_MEMBER_NOT_AUDITOR,
        AUDIT_UNKNOWN_SITE,
    ),
)
async def create_audit(body: AuditCreate, ctx: Staff, response: Response) -> AuditRead:
    return await _answer(ctx, await audit_plans.plan(ctx, body), response)


# before /{audit_id}, which would otherwise take "export" for an id
@router.get(
    "/export",
    operation_id="export_audits",
    summary="The audit register as CSV: one row per decided audit",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "UTF-8 with BOM, CRLF, Chinese header (`lang=en`: English).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def export_audits(
    ctx: Overseers,
    db: DatabaseDep,
    format: Annotated[Literal["csv"], Query(description="Only csv.")] = "csv",
    lang: Annotated[Literal["zh", "en"], Query(description="Header language.")] = "zh",
) -> StreamingResponse:
    name = f"starcert-audits-{ctx.clock.today().isoformat()}.csv"
    return StreamingResponse(
        audit_register.stream_csv(db, ctx.clock, lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/{audit_id}",
    operation_id="get_audit",
    summary="Get an audit (staff, committee, the audit's team)",
    responses=problems(*ON_TEAM),
)
async def get_audit(audit_id: IdPath, ctx: Readers, response: Response) -> AuditRead:
    return await _answer(ctx, await audits.get_visible(ctx, audit_id), response)


@router.patch(
    "/{audit_id}",
    operation_id="update_audit",
    summary="Change a planned audit's team, dates or sites; warnings are recomputed",
    responses=problems(
        AUDIT_NOT_FOUND,
        AUDIT_INVALID_TRANSITION,
        AUDIT_TEAM_MEMBER_NOT_AUDITOR,
        AUDIT_UNKNOWN_SITE,
    ),
)
async def update_audit(
    audit_id: IdPath,
    body: AuditUpdate,
    ctx: Staff,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AuditRead:
    audit = await audit_plans.amend(
        ctx, audit_id, body, expected_version=expected_version(if_match)
    )
    return await _answer(ctx, audit, response)


@router.post(
    "/{audit_id}/cancel",
    operation_id="cancel_audit",
    summary="Cancel a planned audit; an initial audit's application returns to accepted",
    responses=problems(AUDIT_NOT_FOUND, AUDIT_INVALID_TRANSITION),
)
async def cancel_audit(
    audit_id: IdPath,
    body: ReasonBody,
    ctx: Staff,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AuditRead:
    audit = await audit_plans.cancel(
        ctx, audit_id, reason=body.reason, expected_version=expected_version(if_match)
    )
    return await _answer(ctx, audit, response)


@router.post(
    "/{audit_id}/stage1",
    operation_id="record_stage1",
    summary="Record the document review (lead auditor)",
    responses=problems(*LEAD, AUDIT_INVALID_TRANSITION),
)
async def record_stage1(
    audit_id: IdPath,
    body: Stage1Body,
    ctx: Auditor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AuditRead:
    audit = await audits.stage1(ctx, audit_id, body, expected_version=expected_version(if_match))
    return await _answer(ctx, audit, response)


@router.post(
    "/{audit_id}/score-sheets",
    status_code=201,
    operation_id="submit_score_sheet",
    summary="Submit the next revision of the score sheet (an auditor on the team)",
    responses=problems(
        *ON_TEAM,
        AUDIT_INVALID_TRANSITION,
        SCORE_SHEET_INVALID_ITEMS,
        SCORE_SHEET_SCORE_OUT_OF_RANGE,
        SCORE_SHEET_NOT_EXCLUDABLE,
        SCORE_SHEET_NOTE_REQUIRED,
    ),
)
async def submit_score_sheet(
    audit_id: IdPath, body: ScoreSheetCreate, ctx: Auditor
) -> ScoreSheetRead:
    sheet, result = await score_sheets.submit(ctx, audit_id, body)
    return score_sheet_read(sheet, result)


@router.get(
    "/{audit_id}/score-sheets",
    operation_id="list_score_sheets",
    summary="Every revision of the audit's score sheet, oldest first",
    responses=problems(*ON_TEAM),
)
async def list_score_sheets(
    audit_id: IdPath, ctx: Readers, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[ScoreSheetRead]:
    enterprise_type, sheets, next_cursor = await score_sheets.list_sheets(
        ctx, audit_id, limit=limit, cursor=cursor
    )
    results = await score_sheets.rescore_all(ctx, sheets, enterprise_type)
    items = [score_sheet_read(s, r) for s, r in zip(sheets, results, strict=True)]
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/{audit_id}/score-sheets/{revision}",
    operation_id="get_score_sheet",
    summary="One revision of the audit's score sheet",
    responses=problems(*ON_TEAM, SCORE_SHEET_NOT_FOUND),
)
async def get_score_sheet(audit_id: IdPath, revision: IdPath, ctx: Readers) -> ScoreSheetRead:
    enterprise_type, sheet = await score_sheets.get_sheet(ctx, audit_id, revision)
    return score_sheet_read(sheet, await score_sheets.rescore(ctx, sheet, enterprise_type))


@router.post(
    "/{audit_id}/complete",
    operation_id="complete_audit",
    summary="Complete the audit (lead auditor): the latest sheet is the recommendation",
    responses=problems(*LEAD, AUDIT_INVALID_TRANSITION),
)
async def complete_audit(
    audit_id: IdPath,
    ctx: Auditor,
    response: Response,
    body: CompleteBody | None = None,
    if_match: IfMatchHeader = None,
) -> AuditRead:
    audit = await audits.complete(ctx, audit_id, body, expected_version=expected_version(if_match))
    return await _answer(ctx, audit, response)


@router.get(
    "/{audit_id}/corrective-actions",
    operation_id="list_corrective_actions",
    summary="Corrective actions opened by the recommended sheet's special deductions",
    responses=problems(*ON_TEAM),
)
async def list_corrective_actions(
    audit_id: IdPath, ctx: Readers, limit: LimitQuery = 20, cursor: CursorQuery = None
) -> Page[CorrectiveActionRead]:
    rows, next_cursor = await corrective_actions.list_for_audit(
        ctx, audit_id, limit=limit, cursor=cursor
    )
    return Page(
        items=[CorrectiveActionRead.model_validate(a) for a in rows], next_cursor=next_cursor
    )


@router.post(
    "/{audit_id}/corrective-actions/{action_id}/close",
    operation_id="close_corrective_action",
    summary="Close a corrective action with evidence (staff or the lead auditor)",
    responses=problems(
        AUDIT_NOT_FOUND,
        AUDIT_NOT_LEAD_AUDITOR,
        CORRECTIVE_ACTION_NOT_FOUND,
        CORRECTIVE_ACTION_INVALID_TRANSITION,
    ),
)
async def close_corrective_action(
    audit_id: IdPath,
    action_id: IdPath,
    body: CloseBody,
    ctx: StaffOrAuditor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CorrectiveActionRead:
    action = await corrective_actions.close(
        ctx,
        audit_id,
        action_id,
        evidence=body.evidence,
        expected_version=expected_version(if_match),
    )
    set_etag(response, action.version)
    return CorrectiveActionRead.model_validate(action)


@router.post(
    "/{audit_id}/decision",
    status_code=201,
    operation_id="decide_audit",
    summary="The committee's decision; a grant issues or updates the certificate",
    responses=problems(
        AUDIT_NOT_FOUND,
        DECISION_IMPARTIALITY_CONFLICT,
        AUDIT_INVALID_TRANSITION,
        APPLICATION_INVALID_TRANSITION,
        APPLICATION_NOT_ELIGIBLE,
        AUDIT_CERTIFICATE_NOT_LIVE,
        AUDIT_CERTIFICATE_NOT_RENEWABLE,
        AUDIT_SURVEILLANCE_NOT_DUE,
        DECISION_FAIL_NOT_GRANTABLE,
        DECISION_OPEN_CORRECTIVE_ACTIONS,
        DECISION_GRADE_ABOVE_RECOMMENDATION,
        DECISION_GRADE_ABOVE_CURRENT,
        DECISION_SCOPE_EN_REQUIRED,
        DECISION_SCOPE_TOO_LONG,
        INVISIBLE_CHARACTERS,
    ),
)
async def decide_audit(audit_id: IdPath, body: DecisionCreate, ctx: Committee) -> DecisionRead:
    decision, certificate = await decisions.decide(ctx, audit_id, body)
    return DecisionRead(
        id=decision.id,
        audit_id=decision.audit_id,
        outcome=decision.outcome,
        grade=decision.grade,
        reason=decision.reason,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        certificate=certificate_read(certificate, ctx.clock.today()) if certificate else None,
    )
