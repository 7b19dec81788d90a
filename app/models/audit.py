from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.enums import (
    AuditKind,
    AuditStatus,
    CorrectiveActionStatus,
    DecisionOutcome,
    EnterpriseType,
    SpecialDeductionCategory,
)
from app.models.base import Base, Versioned, one_of
from app.models.types import JSONDoc


class Audit(Versioned, Base):
    """An initial, surveillance or recertification audit and its team."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_type: Mapped[str] = mapped_column(String(20))
    employee_count: Mapped[int]
    person_days: Mapped[Decimal]
    planned_start: Mapped[date]
    planned_end: Mapped[date]
    # the dates the audit actually took place, recorded by ``complete`` (default: planned)
    actual_start: Mapped[date | None]
    actual_end: Mapped[date | None]
    lead_auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    stage1_notes: Mapped[str | None] = mapped_column(Text)
    recommended_revision: Mapped[int | None]
    # the rubric edition fixed when the audit was planned; its score sheets keep it
    rubric_id: Mapped[str] = mapped_column(String(40), ForeignKey("rubric_editions.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    team: Mapped[list[AuditTeamMember]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AuditTeamMember.user_id"
    )

    __table_args__ = (
        one_of("kind", AuditKind),
        one_of("status", AuditStatus),
        one_of("enterprise_type", EnterpriseType),
    )

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(m.user_id for m in self.team)


class AuditTeamMember(Base):
    __tablename__ = "audit_team_members"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


class ScoreSheet(Base):
    """One immutable revision of an audit's scoring; section sub-totals are derived."""

    __tablename__ = "score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    revision: Mapped[int]
    rubric_id: Mapped[str] = mapped_column(String(40), ForeignKey("rubric_editions.id"), index=True)
    special_deductions: Mapped[list[dict[str, str]]] = mapped_column(JSONDoc)
    special_bonus: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    applicable_points: Mapped[Decimal]
    base_score: Mapped[Decimal]
    bonus: Mapped[Decimal]
    special_deduction_count: Mapped[int]
    final_score: Mapped[Decimal]
    grade: Mapped[str] = mapped_column(String(20))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime]

    items: Mapped[list[ScoreSheetItem]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ScoreSheetItem.position"
    )

    __table_args__ = (UniqueConstraint("audit_id", "revision"),)


class ScoreSheetItem(Base):
    __tablename__ = "score_sheet_items"

    score_sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id"), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int]
    score: Mapped[Decimal | None]
    not_applicable: Mapped[bool]
    note: Mapped[str | None] = mapped_column(Text)


class CorrectiveAction(Versioned, Base):
    """Opened by a special deduction of the recommended sheet; closed with evidence."""

    __tablename__ = "corrective_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        one_of("category", SpecialDeductionCategory),
        one_of("status", CorrectiveActionStatus),
    )


class Decision(Base):
    """The committee's decision on a completed audit; at most one per audit."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    outcome: Mapped[str] = mapped_column(String(10))
    grade: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    __table_args__ = (
        UniqueConstraint("audit_id"),
        one_of("outcome", DecisionOutcome),
    )
