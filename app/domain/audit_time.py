"""Audit time in person-days (docs/domain.md §3), from the published table in
``policy.PERSON_DAY_BANDS``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from app.domain.enums import AuditKind
from app.domain.policy import (
    OPEN_BAND_STEP,
    OPEN_BAND_STEP_EMPLOYEES,
    PERSON_DAY_BANDS,
    PersonDayBand,
    PersonDayFigures,
)

# The band table is policy data (policy.py); re-exported here where readers look for it.
__all__ = [
    "PERSON_DAY_BANDS",
    "PersonDayBand",
    "PersonDayFigures",
    "PersonDays",
    "person_day_figures",
    "person_days_for",
    "team_days_short",
]


@dataclass(frozen=True, slots=True)
class PersonDays:
    """The person-days of one audit: its total and, inside it, the days on site."""

    total: Decimal
    on_site: Decimal


def person_day_figures(employee_count: int) -> PersonDayFigures:
    """Every figure of the table for ``employee_count`` employees (the quote's
    ``person_days``); above the last band, the policy's step per started 2,500 employees."""
    if employee_count < 1:
        raise ValueError("employee_count must be at least 1")
    for band in PERSON_DAY_BANDS:
        if employee_count <= band.max_employees:
            return band.figures
    last = PERSON_DAY_BANDS[-1]
    steps = -(-(employee_count - last.max_employees) // OPEN_BAND_STEP_EMPLOYEES)
    return PersonDayFigures(
        *(
            getattr(last.figures, f.name) + steps * getattr(OPEN_BAND_STEP, f.name)
            for f in fields(PersonDayFigures)
        )
    )


def person_days_for(kind: AuditKind, employee_count: int) -> PersonDays:
    """Total and on-site person-days of an audit of ``kind``; an upgrade audit takes the
    recertification figures (the full rubric, like a recertification)."""
    row = person_day_figures(employee_count)
    if kind is AuditKind.INITIAL:
        return PersonDays(row.initial, row.initial_on_site)
    if kind is AuditKind.SURVEILLANCE:
        return PersonDays(row.surveillance, row.surveillance_on_site)
    return PersonDays(row.recertification, row.recertification_on_site)


def team_days_short(
    team_size: int, planned_start: date, planned_end: date, required: PersonDays
) -> bool:
    """True when team size × calendar days (inclusive) is below the **on-site** person-days
    of ``required`` (a warning, §5): planning and document review happen off site."""
    if team_size < 1:
        raise ValueError("team_size must be at least 1")
    if planned_end < planned_start:
        raise ValueError("planned_end must not be before planned_start")
    return team_size * ((planned_end - planned_start).days + 1) < required.on_site
