"""The quote of an application: person-days and fees in whole yuan (docs/domain.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.audit_time import PersonDayFigures, person_day_figures
from app.domain.policy import FEE_SCHEDULE, SURVEILLANCES_PER_CYCLE


@dataclass(frozen=True, slots=True)
class Fees:
    """Fees of one certification cycle, whole yuan."""

    application_fee_cny: int
    registration_fee_cny: int
    annual_fee_cny: int
    audit_fee_cny: int
    first_year_total_cny: int
    three_year_total_cny: int
    recertification_total_cny: int


@dataclass(frozen=True, slots=True)
class Quote:
    """What an application is told it will cost."""

    person_days: PersonDayFigures
    fees: Fees


def audit_fee_cny(days: Decimal) -> int:
    """Audit fee for ``days`` person-days (3,000 a day, so a half day is 1,500)."""
    fee = days * FEE_SCHEDULE.audit_fee_per_person_day_cny
    if days < 0 or fee != fee.to_integral_value():
        raise ValueError(f"{days} person-days do not cost a whole number of yuan")
    return int(fee)


def quote(employee_count: int) -> Quote:
    """Person-days and fees for ``employee_count`` employees (1,200 → 53,000 / 90,000 /
    34,000); audit fees count the **total** days of each audit."""
    days = person_day_figures(employee_count)
    schedule = FEE_SCHEDULE
    audit = audit_fee_cny(days.initial)
    first_year = (
        schedule.application_fee_cny
        + schedule.registration_fee_cny
        + schedule.annual_fee_cny
        + audit
    )
    # The later years of the cycle: an annual fee and a surveillance audit each (§5).
    later_years = SURVEILLANCES_PER_CYCLE * (
        schedule.annual_fee_cny + audit_fee_cny(days.surveillance)
    )
    return Quote(
        person_days=days,
        fees=Fees(
            application_fee_cny=schedule.application_fee_cny,
            registration_fee_cny=schedule.registration_fee_cny,
            annual_fee_cny=schedule.annual_fee_cny,
            audit_fee_cny=audit,
            first_year_total_cny=first_year,
            three_year_total_cny=first_year + later_years,
            # The next cycle: a new certificate, its first year's fee and the
            # recertification audit (§5).
            recertification_total_cny=schedule.registration_fee_cny
            + schedule.annual_fee_cny
            + audit_fee_cny(days.recertification),
        ),
    )
