"""Fees and the quote of docs/domain.md §3."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.audit_time import PersonDayFigures, person_day_figures
from app.domain.fees import Fees, Quote, audit_fee_cny, quote
from app.domain.policy import FEE_SCHEDULE


def test_the_worked_example_1200_employees() -> None:
    # 1,200 employees → 16 days → 48,000 + 1,000 + 2,000 + 2,000 = 53,000; three years add
    # 2 × (2,000 + 16,500) = 90,000; recertification 2,000 + 2,000 + 10 × 3,000 = 34,000.
    assert quote(1200) == Quote(
        person_days=PersonDayFigures(
            initial=Decimal(16),
            document_review=Decimal(2),
            initial_on_site=Decimal(14),
            surveillance=Decimal("5.5"),
            surveillance_on_site=Decimal("4.5"),
            recertification=Decimal(10),
            recertification_on_site=Decimal(9),
        ),
        fees=Fees(
            application_fee_cny=1_000,
            registration_fee_cny=2_000,
            annual_fee_cny=2_000,
            audit_fee_cny=48_000,
            first_year_total_cny=53_000,
            three_year_total_cny=90_000,
            recertification_total_cny=34_000,
        ),
    )


@pytest.mark.parametrize(
    ("employees", "audit_fee", "first_year", "three_years", "recertification"),
    [
        # 3 days (surveillance 1.5, recertification 2)
        (1, 9_000, 14_000, 14_000 + 2 * (2_000 + 4_500), 2_000 + 2_000 + 6_000),
        # 25 days (surveillance 8.5, recertification 16): the last band of the table
        (10_700, 75_000, 80_000, 80_000 + 2 * (2_000 + 25_500), 2_000 + 2_000 + 48_000),
        # 26 days (surveillance 9, recertification 17): the open band
        (10_701, 78_000, 83_000, 83_000 + 2 * (2_000 + 27_000), 2_000 + 2_000 + 51_000),
    ],
)
def test_quotes_at_the_ends_of_the_table(
    employees: int, audit_fee: int, first_year: int, three_years: int, recertification: int
) -> None:
    fees = quote(employees).fees
    assert (
        fees.audit_fee_cny,
        fees.first_year_total_cny,
        fees.three_year_total_cny,
        fees.recertification_total_cny,
    ) == (audit_fee, first_year, three_years, recertification)


@given(st.integers(1, 200_000))
def test_fees_count_the_total_days_of_each_audit(employees: int) -> None:
    days = person_day_figures(employees)
    result = quote(employees)
    assert result.person_days == days
    assert result.fees.audit_fee_cny == days.initial * 3_000
    assert result.fees.recertification_total_cny == 4_000 + days.recertification * 3_000
    assert result.fees.three_year_total_cny == (
        result.fees.first_year_total_cny + 2 * (2_000 + days.surveillance * 3_000)
    )


@pytest.mark.parametrize(
    ("days", "fee"), [("0", 0), ("0.5", 1_500), ("1", 3_000), ("5.5", 16_500), ("16", 48_000)]
)
def test_audit_fee_is_3000_a_day_and_1500_a_half_day(days: str, fee: int) -> None:
    assert audit_fee_cny(Decimal(days)) == fee
    assert isinstance(audit_fee_cny(Decimal(days)), int)


@pytest.mark.parametrize("days", ["-1", "0.0001", "1.3333"])
def test_audit_fee_refuses_days_that_are_not_whole_yuan(days: str) -> None:
    with pytest.raises(ValueError, match="whole number of yuan"):
        audit_fee_cny(Decimal(days))


def test_the_fee_schedule_is_policy_data() -> None:
    assert FEE_SCHEDULE.audit_fee_per_person_day_cny == 3_000
    assert all(
        isinstance(v, int) for v in (FEE_SCHEDULE.application_fee_cny, FEE_SCHEDULE.annual_fee_cny)
    )
