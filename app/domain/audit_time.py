"""Audit time in person-days (docs/domain.md §3), from the bands of ``policy.PERSON_DAY_BANDS``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.enums import AuditKind
from app.domain.policy import (
    OPEN_BAND_STEP_DAYS,
    OPEN_BAND_STEP_EMPLOYEES,
    PERSON_DAY_BANDS,
    PERSON_DAY_UNIT,
    SURVEILLANCE_DAYS_DIVISOR,
    PersonDayBand,
)

# The band table is policy data (policy.py); re-exported here where readers look for it.
__all__ = [
    "PERSON_DAY_BANDS",
    "PersonDayBand",
    "PersonDays",
    "initial_person_days",
    "person_days",
    "person_days_quote",
    "recertification_person_days",
    "surveillance_person_days",
    "team_days_short",
]


@dataclass(frozen=True, slots=True)
class PersonDays:
    """Person-days of each kind of audit for one employee count (the quote's ``person_days``)."""

    initial: Decimal
    surveillance: Decimal
    recertification: Decimal


def _check_employees(employee_count: int) -> None:
    if employee_count < 1:
        raise ValueError("employee_count must be at least 1")


def initial_person_days(employee_count: int) -> Decimal:
    """Initial audit days for the employees in the certified scope (§5 table)."""
    _check_employees(employee_count)
    for band in PERSON_DAY_BANDS:
        if employee_count <= band.max_employees:
            return band.days
    # The open top band: one more day for every started step above the last band.
    last = PERSON_DAY_BANDS[-1]
    steps = -(-(employee_count - last.max_employees) // OPEN_BAND_STEP_EMPLOYEES)
    return last.days + steps * OPEN_BAND_STEP_DAYS


def surveillance_person_days(employee_count: int) -> Decimal:
    """A third of the initial days, rounded up to the next half day (16 → 5.5)."""
    initial = initial_person_days(employee_count)
    # Counting in half days (every band is a whole number of them) makes the rounding an
    # exact integer ceiling.
    halves = int(initial / PERSON_DAY_UNIT)
    return -(-halves // SURVEILLANCE_DAYS_DIVISOR) * PERSON_DAY_UNIT


def recertification_person_days(employee_count: int) -> Decimal:
    """As the initial audit (§5)."""
    return initial_person_days(employee_count)


_BY_KIND = {
    AuditKind.INITIAL: initial_person_days,
    AuditKind.SURVEILLANCE: surveillance_person_days,
    AuditKind.RECERTIFICATION: recertification_person_days,
}


def person_days(kind: AuditKind, employee_count: int) -> Decimal:
    """Person-days required for an audit of ``kind``."""
    return _BY_KIND[kind](employee_count)


def person_days_quote(employee_count: int) -> PersonDays:
    """The person-days of all three kinds, as the application quote shows them."""
    return PersonDays(
        initial=initial_person_days(employee_count),
        surveillance=surveillance_person_days(employee_count),
        recertification=recertification_person_days(employee_count),
    )


def team_days_short(
    team_size: int, planned_start: date, planned_end: date, required: Decimal
) -> bool:
    """True when team size × calendar days (inclusive) is below ``required`` (a warning, §5)."""
    if team_size < 1:
        raise ValueError("team_size must be at least 1")
    if planned_end < planned_start:
        raise ValueError("planned_end must not be before planned_start")
    return team_size * ((planned_end - planned_start).days + 1) < required
