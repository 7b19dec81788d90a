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
class PersonDayFigures:
    """The person-days of every audit kind for one size of organisation (docs/domain.md §3.1).

    Each kind has a total and, inside it, the on-site part; the rest of the initial total is
    planning and document review (评审策划及文件评审).
    """

    initial: Decimal
    document_review: Decimal
    initial_on_site: Decimal
    surveillance: Decimal
    surveillance_on_site: Decimal
    recertification: Decimal
    recertification_on_site: Decimal


@dataclass(frozen=True, slots=True)
class PersonDayBand:
    """Employees up to ``max_employees`` (inclusive, from the previous band's max + 1)."""

    max_employees: int
    figures: PersonDayFigures


def _figures(*days: str) -> PersonDayFigures:
    return PersonDayFigures(*(Decimal(d) for d in days))


# Person-days by employee count: the scheme's published table, 《商品售后服务评价体系认证收费
# 标准及人日数对照表(试行)》 (§5). Columns: employees up to; initial total, of which planning and
# document review, initial on-site; surveillance total, on-site; recertification total,
# on-site.
PERSON_DAY_BANDS: tuple[PersonDayBand, ...] = tuple(
    PersonDayBand(max_employees, _figures(*days))
    for max_employees, *days in (
        (10, "3", "1", "2", "1.5", "1", "2", "1.5"),
        (25, "4", "1", "3", "1.5", "1", "2.5", "2"),
        (45, "6", "1", "5", "2", "1.5", "4", "3.5"),
        (65, "6.5", "1.5", "5", "2", "1.5", "4", "3.5"),
        (85, "7.5", "1.5", "6", "2.5", "2", "4.5", "4"),
        (125, "8.5", "1.5", "7", "3", "2.5", "5", "4.5"),
        (175, "9.5", "1.5", "8", "3.5", "3", "6", "5.5"),
        (275, "10.5", "1.5", "9", "4", "3", "7", "6"),
        (425, "11.5", "1.5", "10", "4.5", "3.5", "7.5", "6.5"),
        (625, "12.5", "1.5", "11", "4.5", "3.5", "8", "7"),
        (875, "13.5", "1.5", "12", "5", "4", "9", "8"),
        (1175, "14.5", "1.5", "13", "5.5", "4.5", "9.5", "8.5"),
        (1550, "16", "2", "14", "5.5", "4.5", "10", "9"),
        (2025, "17", "2", "15", "6", "5", "11", "10"),
        (2675, "18", "2", "16", "6.5", "5.5", "12", "11"),
        (3450, "19", "2", "17", "6.5", "5.5", "12", "11"),
        (4350, "21", "3", "18", "7", "6", "13", "12"),
        (5450, "22", "3", "19", "7.5", "6.5", "13.5", "12.5"),
        (6800, "23", "3", "20", "7.5", "6.5", "14", "13"),
        (8500, "24", "3", "21", "8", "7", "15", "14"),
        # The published copy breaks off inside this row after the surveillance total: its
        # surveillance on-site (7.5) and recertification figures (16, 15) are starcert policy.
        (10700, "25", "3", "22", "8.5", "7.5", "16", "15"),
    )
)
# Above the last band (starcert policy, the table stops at 10,700): the last band's figures
# plus, for every started step of employees above it, these days.
OPEN_BAND_STEP_EMPLOYEES = 2_500
OPEN_BAND_STEP = _figures("1", "0", "1", "0.5", "0.5", "1", "1")

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
# CNCA practice caps a suspension at six months: a longer configured maximum stops the start.
MAX_SUSPENSION_DAYS = 180

# The surveillance window (§7): a surveillance is decided at most this many days before the
# due date of the surveillance it fulfils, so that each belongs to its year. The setting may
# not exceed the upper bound (half a year: two surveillances never share one year).
DEFAULT_SURVEILLANCE_WINDOW_DAYS = 90
MAX_SURVEILLANCE_WINDOW_DAYS = 180
