"""Score sheets: immutable numbered revisions of an audit's scoring (docs/domain.md §1)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.domain import scoring
from app.domain.enums import SpecialDeductionCategory
from app.domain.lifecycle import AuditAction
from app.domain.problems import SCORE_SHEET_NOT_FOUND
from app.domain.rubric import Rubric
from app.domain.text import is_blank
from app.models import ScoreSheet, ScoreSheetItem
from app.pagination import decode_cursor, paginate
from app.schemas.audits import ScoreSheetCreate
from app.services import audits, rubrics
from app.services.context import Context


def sheet_input(body: ScoreSheetCreate) -> scoring.SheetInput:
    return scoring.SheetInput(
        items=tuple(
            scoring.ItemInput(
                i.indicator_code, i.score, i.not_applicable, None if is_blank(i.note) else i.note
            )
            for i in body.items
        ),
        special_deductions=tuple(
            scoring.SpecialDeduction(SpecialDeductionCategory(d.category), d.description)
            for d in body.special_deductions
        ),
        special_bonus=body.special_bonus.description if body.special_bonus else None,
    )


def stored_input(sheet: ScoreSheet) -> scoring.SheetInput:
    return scoring.SheetInput(
        items=tuple(
            scoring.ItemInput(i.indicator_code, i.score, i.not_applicable, i.note)
            for i in sheet.items
        ),
        special_deductions=tuple(
            scoring.SpecialDeduction(SpecialDeductionCategory(d["category"]), d["description"])
            for d in sheet.special_deductions
        ),
        special_bonus=sheet.special_bonus,
    )


async def rescore(ctx: Context, sheet: ScoreSheet, enterprise_type: str) -> scoring.SheetResult:
    """Sub-totals of a stored sheet, derived again from its items and its own edition (the
    audit's, whatever edition is configured now)."""
    (result,) = await rescore_all(ctx, [sheet], enterprise_type)
    return result


async def rescore_all(
    ctx: Context, sheets: Sequence[ScoreSheet], enterprise_type: str
) -> list[scoring.SheetResult]:
    """``rescore`` for a page of sheets, looking each edition up once."""
    found: dict[str, Rubric] = {}
    out = []
    for sheet in sheets:
        if sheet.rubric_id not in found:
            found[sheet.rubric_id] = await rubrics.rubric(ctx, sheet.rubric_id, enterprise_type)
        out.append(scoring.score_sheet(found[sheet.rubric_id], stored_input(sheet)))
    return out


async def submit(
    ctx: Context, audit_id: int, body: ScoreSheetCreate
) -> tuple[ScoreSheet, scoring.SheetResult]:
    audit = await audits.get_or_raise(ctx, audit_id, for_update=True)
    audits.require_on_team(ctx, audit)
    revision = await audits.latest_revision(ctx, audit.id) + 1
    # the audit's edition, fixed when it was planned (docs/domain.md §1)
    rubric = await rubrics.rubric(ctx, audit.rubric_id, audit.enterprise_type)
    # The state check comes before scoring, so a sheet for an audit in the wrong state is 409
    # whatever its content; the audit row lock orders concurrent submissions.
    audits.check(audit, AuditAction.SCORE)
    submitted = sheet_input(body)
    result = scoring.score_sheet(rubric, submitted)
    assert ctx.actor is not None
    sheet = ScoreSheet(
        audit_id=audit.id,
        revision=revision,
        rubric_id=rubric.id,
        special_deductions=[
            {"category": d.category.value, "description": d.description}
            for d in submitted.special_deductions
        ],
        special_bonus=submitted.special_bonus,
        notes=body.notes,
        applicable_points=result.applicable_points,
        base_score=result.base_score,
        bonus=result.bonus,
        special_deduction_count=result.special_deduction_count,
        final_score=result.final_score,
        grade=result.grade,
        submitted_by=ctx.actor.id,
        submitted_at=ctx.clock.now(),
        items=[
            ScoreSheetItem(
                indicator_code=item.indicator_code,
                position=position,
                score=item.score,
                not_applicable=item.not_applicable,
                note=item.note,
            )
            for position, item in enumerate(result.items)
        ],
    )
    ctx.session.add(sheet)
    await ctx.session.flush()
    audits.transition(
        ctx,
        audit,
        AuditAction.SCORE,
        revision=revision,
        final_score=result.final_score,
        grade=result.grade,
    )
    await ctx.commit()
    return sheet, result


async def list_sheets(
    ctx: Context, audit_id: int, *, limit: int, cursor: str | None
) -> tuple[str, Sequence[ScoreSheet], str | None]:
    """The audit's revisions, oldest first, a page at a time (with its enterprise type)."""
    audit = await audits.get_visible(ctx, audit_id)
    after = decode_cursor(cursor, int)
    query = (
        select(ScoreSheet)
        .where(ScoreSheet.audit_id == audit.id)
        .order_by(ScoreSheet.revision)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(ScoreSheet.revision > after[0])
    rows = (await ctx.session.execute(query)).scalars().all()
    page, next_cursor = paginate(rows, limit, lambda s: (s.revision,))
    return audit.enterprise_type, page, next_cursor


async def get_sheet(ctx: Context, audit_id: int, revision: int) -> tuple[str, ScoreSheet]:
    audit = await audits.get_visible(ctx, audit_id)
    sheet = (
        await ctx.session.execute(
            select(ScoreSheet).where(
                ScoreSheet.audit_id == audit.id, ScoreSheet.revision == revision
            )
        )
    ).scalar_one_or_none()
    if sheet is None:
        raise SCORE_SHEET_NOT_FOUND(f"audit {audit_id} has no revision {revision}")
    return audit.enterprise_type, sheet
