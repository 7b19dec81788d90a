"""starcert's own policy: every number that the body chose rather than the standard fixed.

Policies are data kept in one module, versioned and reviewed
like code, so a certification body can change them without touching logic. The rubric's
point split inside each category is policy too (docs/domain.md §1) but lives with the rubric data
in ``rubric.py``, where its sums are checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Fees in whole yuan (docs/domain.md §3)."""

    application_fee_cny: int  # per application
    registration_fee_cny: int  # per certificate issued, certificate included
    annual_fee_cny: int  # every certificate year, mark use included
    audit_fee_per_person_day_cny: int  # a half day costs half


FEE_SCHEDULE = FeeSchedule(
    application_fee_cny=1_000,
    registration_fee_cny=2_000,
    annual_fee_cny=2_000,
    audit_fee_per_person_day_cny=3_000,
)


@dataclass(frozen=True, slots=True)
class PersonDayBand:
    """Employees up to ``max_employees`` (inclusive, from the previous band's max + 1)."""

    max_employees: int
    days: Decimal


# Initial audit person-days by employee count (docs/domain.md §3; bands follow IAF MD 5).
PERSON_DAY_BANDS: tuple[PersonDayBand, ...] = tuple(
    PersonDayBand(max_employees, Decimal(days))
    for max_employees, days in (
        (5, "3.5"),
        (10, "4"),
        (15, "4.5"),
        (25, "5"),
        (45, "6"),
        (65, "7"),
        (85, "8"),
        (125, "9"),
        (175, "10"),
        (275, "11"),
        (425, "12"),
        (625, "13"),
        (875, "14"),
        (1175, "15"),
        (1550, "16"),
        (2025, "17"),
        (2675, "18"),
        (3450, "19"),
        (4350, "20"),
        (5450, "21"),
        (6800, "22"),
        (8500, "23"),
        (10700, "24"),
    )
)
# Above the last band: its days plus this many per started step of employees.
OPEN_BAND_STEP_EMPLOYEES = 2_500
OPEN_BAND_STEP_DAYS = Decimal(1)

# Surveillance audits take the initial days divided by this (a third), rounded up to the
# unit (§5). A divisor, not Decimal(1/3), keeps the arithmetic exact.
SURVEILLANCE_DAYS_DIVISOR = 3
PERSON_DAY_UNIT = Decimal("0.5")

# Certified after-sales service managers needed: this share of the service management
# staff, rounded up, and never fewer than the minimum (§4).
MANAGER_RATIO = Decimal("0.10")
MIN_CERTIFIED_MANAGERS = 1

# Registered capital below this earns the warning ``capital.low`` (§4).
LOW_CAPITAL_THRESHOLD_CNY = 1_000_000

# Certificate cycle (§7).
VALIDITY_YEARS = 3
SURVEILLANCES_PER_CYCLE = 2
RECERTIFICATION_WINDOW_DAYS = 180

# Scoring (§2, §3): the special bonus is the practice of Chinese certification bodies,
# not the standard's text; five special deductions fail a sheet whatever its score.
SPECIAL_BONUS_POINTS = Decimal(1)
SPECIAL_DEDUCTION_FAIL_COUNT = 5

# Housekeeping defaults (§7); the service passes the configured values in.
DEFAULT_SURVEILLANCE_GRACE_DAYS = 30
DEFAULT_MAX_SUSPENSION_DAYS = 180
