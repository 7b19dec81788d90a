from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import Field, StrictBool, model_validator

from app.domain.enums import (
    AuditKind,
    AuditStatus,
    CorrectiveActionStatus,
    EnterpriseType,
    Grade,
    SiteKind,
    SpecialDeductionCategory,
)
from app.domain.numbers import MAX_NUMBER_INPUT
from app.domain.problems import VALIDATION, FieldError
from app.domain.scoring import SheetResult
from app.models import Audit, ScoreSheet
from app.schemas.common import (
    ByValue,
    Id,
    JsonDate,
    Line,
    Points,
    ReadModel,
    StrictModel,
    Text,
)
from app.schemas.organisations import EmployeeCount

Note = Annotated[str, Text(5000)]
SiteIds = Annotated[
    list[Id],
    Field(
        max_length=500,
        description="Sites to visit: active sites of the audit's organisation (else 422 "
        "`audit.unknown_site`); the headquarters is always visited, given or not.",
    ),
]


class AuditCreate(StrictModel):
    kind: Annotated[AuditKind, ByValue]
    application_id: Id | None = Field(default=None, description="Initial audits only.")
    certificate_number: Annotated[str, Line(MAX_NUMBER_INPUT)] | None = Field(
        default=None, description="Surveillance, recertification and upgrade audits only."
    )
    lead_auditor_id: Id
    team_member_ids: Annotated[list[Id], Field(max_length=20, default_factory=list)]
    planned_start: JsonDate
    planned_end: JsonDate
    employee_count: EmployeeCount | None = Field(
        default=None,
        description="Surveillance, recertification and upgrade: default the last count known "
        "for the certificate. Initial audits take the application's.",
    )
    site_ids: SiteIds | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        errors: list[FieldError] = []
        if self.kind is AuditKind.INITIAL:
            if self.application_id is None:
                errors.append(FieldError(("body", "application_id"), "required for initial"))
            if self.certificate_number is not None:
                errors.append(FieldError(("body", "certificate_number"), "not for initial"))
            if self.employee_count is not None:
                errors.append(
                    FieldError(("body", "employee_count"), "initial uses the application's")
                )
        else:
            if self.certificate_number is None:
                errors.append(
                    FieldError(("body", "certificate_number"), f"required for {self.kind}")
                )
            if self.application_id is not None:
                errors.append(FieldError(("body", "application_id"), "initial audits only"))
        if self.planned_end < self.planned_start:
            errors.append(FieldError(("body", "planned_end"), "must not be before planned_start"))
        if errors:
            raise VALIDATION("the audit plan is not valid", errors=errors)
        return self


class AuditUpdate(StrictModel):
    """A planned audit's plan: only the fields given change (none may be null). Without
    ``team_member_ids`` the other members stay; the headquarters is always visited."""

    lead_auditor_id: Id | None = None
    team_member_ids: Annotated[list[Id], Field(max_length=20)] | None = None
    planned_start: JsonDate | None = None
    planned_end: JsonDate | None = None
    site_ids: SiteIds | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.model_fields_set:
            raise VALIDATION("give at least one field of the plan to change")
        nulled = sorted(k for k in self.model_fields_set if getattr(self, k) is None)
        if nulled:
            raise VALIDATION(
                "the plan's fields cannot be cleared",
                errors=[FieldError(("body", k), "cannot be null") for k in nulled],
            )
        return self


class CompleteBody(StrictModel):
    """The dates the audit actually took place; each defaults to the planned one."""

    actual_start: JsonDate | None = None
    actual_end: JsonDate | None = None


class TeamMemberRead(ReadModel):
    user_id: int
    name: str
    lead: bool


class AuditSiteRead(ReadModel):
    id: int
    name: str
    address: str
    kind: SiteKind


class WarningRead(ReadModel):
    code: str = Field(examples=["audit.team_days_short"])
    message: str


class AuditRead(ReadModel):
    id: int
    kind: AuditKind
    status: AuditStatus
    application_id: int | None
    certificate_number: str | None
    organisation_id: int
    enterprise_type: EnterpriseType
    employee_count: int
    person_days: Points
    planned_start: date
    planned_end: date
    actual_start: date | None = Field(description="Recorded on completion (default planned).")
    actual_end: date | None
    lead_auditor_id: int
    team: list[TeamMemberRead]
    sites: list[AuditSiteRead] = Field(description="The sites to visit, headquarters first.")
    warnings: list[WarningRead]
    stage1_notes: str | None
    recommended_revision: int | None
    rubric_id: str = Field(
        examples=["gbt27922-2011"],
        description="The rubric edition fixed when the audit was planned; its score sheets "
        "are scored on it.",
    )
    version: int
    created_at: datetime
    updated_at: datetime


class Stage1Body(StrictModel):
    outcome: Literal["passed", "failed"]
    notes: Note


ScoreIn = Annotated[
    Points,
    Field(
        json_schema_extra={"minimum": 0, "maximum": 100, "multipleOf": 0.1},
        description="0 to the indicator's maximum in steps of 0.1; out of range → 422 "
        "`score_sheet.score_out_of_range`.",
    ),
]


class ScoreItemIn(StrictModel):
    indicator_code: Annotated[str, Line(60)]
    score: ScoreIn | None = None
    not_applicable: StrictBool = False
    # blank reaches the domain, which answers score_sheet.note_required for an exclusion
    note: Annotated[str, Text(5000, allow_blank=True)] | None = None


class SpecialDeductionIn(StrictModel):
    category: Annotated[SpecialDeductionCategory, ByValue]
    description: Note


class SpecialBonusIn(StrictModel):
    description: Note


class ScoreSheetCreate(StrictModel):
    items: Annotated[list[ScoreItemIn], Field(max_length=100)]
    special_deductions: Annotated[
        list[SpecialDeductionIn], Field(max_length=50, default_factory=list)
    ]
    special_bonus: SpecialBonusIn | None = None
    notes: Note | None = None


class ScoreItemRead(ReadModel):
    indicator_code: str
    score: Points | None
    not_applicable: bool
    note: str | None
    max_points: Points


class SpecialDeductionRead(ReadModel):
    category: SpecialDeductionCategory
    description: str


class SpecialBonusRead(ReadModel):
    description: str


class SubTotalRead(ReadModel):
    code: str
    score: Points
    max_points: Points


class ScoreSheetRead(ReadModel):
    id: int
    audit_id: int
    rubric_id: str
    revision: int
    items: list[ScoreItemRead]
    special_deductions: list[SpecialDeductionRead]
    special_bonus: SpecialBonusRead | None
    notes: str | None
    section_scores: list[SubTotalRead]
    category_scores: list[SubTotalRead]
    applicable_points: Points
    base_score: Points
    bonus: Points
    special_deduction_count: int
    final_score: Points
    grade: Grade
    submitted_by: int
    submitted_at: datetime


class CorrectiveActionRead(ReadModel):
    id: int
    audit_id: int
    category: SpecialDeductionCategory
    description: str
    status: CorrectiveActionStatus
    evidence: str | None
    closed_at: datetime | None
    closed_by: int | None
    version: int


class CloseBody(StrictModel):
    evidence: Note


def audit_read(
    audit: Audit,
    *,
    certificate_number: str | None,
    names: dict[int, str],
    sites: list[AuditSiteRead],
) -> AuditRead:
    return AuditRead(
        id=audit.id,
        kind=AuditKind(audit.kind),
        status=AuditStatus(audit.status),
        application_id=audit.application_id,
        certificate_number=certificate_number,
        organisation_id=audit.organisation_id,
        enterprise_type=EnterpriseType(audit.enterprise_type),
        employee_count=audit.employee_count,
        person_days=audit.person_days,
        planned_start=audit.planned_start,
        planned_end=audit.planned_end,
        actual_start=audit.actual_start,
        actual_end=audit.actual_end,
        lead_auditor_id=audit.lead_auditor_id,
        team=[
            TeamMemberRead(
                user_id=m.user_id,
                name=names.get(m.user_id, ""),
                lead=m.user_id == audit.lead_auditor_id,
            )
            for m in audit.team
        ],
        sites=sites,
        warnings=[WarningRead.model_validate(w) for w in audit.warnings],
        stage1_notes=audit.stage1_notes,
        recommended_revision=audit.recommended_revision,
        rubric_id=audit.rubric_id,
        version=audit.version,
        created_at=audit.created_at,
        updated_at=audit.updated_at,
    )


def score_sheet_read(sheet: ScoreSheet, result: SheetResult) -> ScoreSheetRead:
    """A stored sheet with the sub-totals derived from its items (``result``)."""
    return ScoreSheetRead(
        id=sheet.id,
        audit_id=sheet.audit_id,
        rubric_id=sheet.rubric_id,
        revision=sheet.revision,
        items=[ScoreItemRead.model_validate(i) for i in result.items],
        special_deductions=[
            SpecialDeductionRead.model_validate(d) for d in sheet.special_deductions
        ],
        special_bonus=SpecialBonusRead(description=sheet.special_bonus)
        if sheet.special_bonus
        else None,
        notes=sheet.notes,
        section_scores=[SubTotalRead.model_validate(s) for s in result.section_scores],
        category_scores=[SubTotalRead.model_validate(s) for s in result.category_scores],
        applicable_points=sheet.applicable_points,
        base_score=sheet.base_score,
        bonus=sheet.bonus,
        special_deduction_count=sheet.special_deduction_count,
        final_score=sheet.final_score,
        grade=Grade(sheet.grade),
        submitted_by=sheet.submitted_by,
        submitted_at=sheet.submitted_at,
    )
