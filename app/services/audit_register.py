"""The audit register: one row per decided audit, as CSV (docs/api.md, audits).

Who audited whom, when, for how many person-days, at which sites, and what the committee
decided. The certificate register's CSV conventions (``csv_export``), and streamed the same
way: audits are read through a server-side cursor in partitions, and each partition's teams
and sites are read with one query each, so memory stays flat however many audits there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import Clock
from app.db import Database
from app.domain import audit_time
from app.domain.enums import (
    AUDIT_KIND_NAMES_ZH,
    DECISION_OUTCOME_NAMES_ZH,
    AuditKind,
    AuditStatus,
    DecisionOutcome,
    Grade,
    SiteKind,
)
from app.models import Audit, AuditTeamMember, Certificate, Decision, Organisation, Site, User
from app.models import audit_sites as visits
from app.services.csv_export import LIST_SEPARATOR, cell, encode, head

PARTITION = 1000
Lang = Literal["zh", "en"]

HEADER = {
    "zh": ["证书编号", "获证组织名称", "统一社会信用代码", "审核类型", "计划开始日期",
           "计划结束日期", "实际开始日期", "实际结束日期", "评定日期", "审核组", "审核人日",
           "现场人日", "审核场所", "评定结论", "认证等级"],
    "en": ["certificate_number", "organisation_name", "uscc", "audit_kind", "planned_start",
           "planned_end", "actual_start", "actual_end", "decided_on", "team", "person_days",
           "on_site_person_days", "sites", "outcome", "grade"],
}  # fmt: skip


class Record(Protocol):
    """A decided audit as the register reads it (a Core row)."""

    id: int
    kind: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    lead_auditor_id: int
    employee_count: int
    person_days: Decimal
    outcome: str
    grade: str | None
    decided_at: datetime
    number: str | None
    organisation_name: str
    uscc: str


def query() -> Select[*tuple[Any, ...]]:
    """Every decided audit with its decision, oldest decision first. The certificate is the
    one the decision issued or changed, else the audited one (none: a refused initial audit);
    its printed name and code, else the organisation's."""
    return (
        select(
            Audit.id,
            Audit.kind,
            Audit.planned_start,
            Audit.planned_end,
            Audit.actual_start,
            Audit.actual_end,
            Audit.lead_auditor_id,
            Audit.employee_count,
            Audit.person_days,
            Decision.outcome,
            Decision.grade,
            Decision.decided_at,
            Certificate.number,
            func.coalesce(Certificate.organisation_name, Organisation.name).label(
                "organisation_name"
            ),
            func.coalesce(Certificate.organisation_uscc, Organisation.uscc).label("uscc"),
        )
        .join(Decision, Decision.audit_id == Audit.id)
        .join(Organisation, Organisation.id == Audit.organisation_id)
        .outerjoin(
            Certificate,
            Certificate.id == func.coalesce(Decision.certificate_id, Audit.certificate_id),
        )
        .where(Audit.status == AuditStatus.DECIDED.value)
        .order_by(Decision.id)
    )


def _days(value: Decimal) -> str:
    """Person-days as written in the table: ``16``, ``5.5``."""
    return format(value.normalize(), "f")


def _cells(
    audit: Record, team: Sequence[str], sites: Sequence[str], lang: Lang, clock: Clock
) -> list[str]:
    kind = AuditKind(audit.kind)
    outcome = DecisionOutcome(audit.outcome)
    grade = Grade(audit.grade) if audit.grade and outcome is DecisionOutcome.GRANT else None
    zh = lang == "zh"
    values: Sequence[object] = (
        audit.number,
        audit.organisation_name,
        audit.uscc,
        AUDIT_KIND_NAMES_ZH[kind] if zh else kind.value,
        audit.planned_start,
        audit.planned_end,
        audit.actual_start,
        audit.actual_end,
        audit.decided_at.astimezone(clock.zone).date(),
        LIST_SEPARATOR.join(team),
        _days(audit.person_days),
        _days(audit_time.person_days_for(kind, audit.employee_count).on_site),
        LIST_SEPARATOR.join(sites),
        DECISION_OUTCOME_NAMES_ZH[outcome] if zh else outcome.value,
        (grade.name_zh if zh else grade.value) if grade else None,
    )
    return [cell(v) for v in values]


async def _teams(conn: AsyncConnection, audits: Sequence[Record]) -> dict[int, list[str]]:
    """Each audit's team's names, the lead first, then by user id."""
    leads = {a.id: a.lead_auditor_id for a in audits}
    rows = await conn.execute(
        select(AuditTeamMember.audit_id, AuditTeamMember.user_id, User.name)
        .join(User, User.id == AuditTeamMember.user_id)
        .where(AuditTeamMember.audit_id.in_(leads))
        .order_by(AuditTeamMember.audit_id, AuditTeamMember.user_id)
    )
    teams: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if row.user_id == leads[row.audit_id]:
            teams[row.audit_id].insert(0, row.name)
        else:
            teams[row.audit_id].append(row.name)
    return teams


async def _sites(conn: AsyncConnection, audit_ids: Sequence[int]) -> dict[int, list[str]]:
    """The names of the sites each audit visited, the headquarters first."""
    rows = await conn.execute(
        select(visits.c.audit_id, Site.name)
        .join(Site, Site.id == visits.c.site_id)
        .where(visits.c.audit_id.in_(audit_ids))
        .order_by(
            visits.c.audit_id,
            case((Site.kind == SiteKind.HEADQUARTERS.value, 0), else_=1),
            Site.id,
        )
    )
    sites: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        sites[row.audit_id].append(row.name)
    return sites


async def stream_csv(db: Database, clock: Clock, lang: Lang) -> AsyncIterator[bytes]:
    """The CSV, chunk by chunk: BOM and header first, then one partition of audits at a time."""
    yield head(HEADER[lang])
    async with db.engine.connect() as conn:
        result = await conn.stream(query().execution_options(yield_per=PARTITION))
        async for partition in result.partitions(PARTITION):
            audits: list[Record] = list(partition)
            teams = await _teams(conn, audits)
            sites = await _sites(conn, [a.id for a in audits])
            yield encode([_cells(a, teams[a.id], sites[a.id], lang, clock) for a in audits])
