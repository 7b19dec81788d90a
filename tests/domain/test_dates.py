"""Certificate dates of docs/domain.md §6, with its two worked examples."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.dates import (
    CertificateDates,
    add_years,
    after_surveillance,
    expiry_for,
    initial_certificate_dates,
    recertification_valid_from,
    recertified_certificate_dates,
    surveillance_due,
)


def test_example_initial_certificate_issued_on_29_february() -> None:
    # 2028-02-29 → expires 2031-02-28; surveillance due 2029-02-28.
    assert initial_certificate_dates(date(2028, 2, 29)) == CertificateDates(
        issued_on=date(2028, 2, 29),
        valid_from=date(2028, 2, 29),
        expires_on=date(2031, 2, 28),
        next_surveillance_due=date(2029, 2, 28),
        recertification_due=date(2031, 2, 28),
    )


def test_example_recertification_within_the_window() -> None:
    # Old expires 2028-02-29, recertified on 2027-12-10 → valid_from 2028-03-01, expires
    # 2031-02-28, first surveillance due 2029-02-28.
    assert recertified_certificate_dates(
        decided_on=date(2027, 12, 10), old_expires_on=date(2028, 2, 29)
    ) == CertificateDates(
        issued_on=date(2027, 12, 10),
        valid_from=date(2028, 3, 1),
        expires_on=date(2031, 2, 28),
        next_surveillance_due=date(2029, 2, 28),
        recertification_due=date(2031, 2, 28),
    )


@pytest.mark.parametrize(
    ("days_before_expiry", "valid_from"),
    [
        (0, date(2028, 7, 1)),  # decided on the expiry day: continuity
        (1, date(2028, 7, 1)),
        (180, date(2028, 7, 1)),  # the window's first day, inclusive
        (181, date(2028, 1, 1)),  # one day earlier: the cycle restarts on the decision
        (400, date(2027, 5, 27)),
    ],
)
def test_the_180_day_recertification_window(days_before_expiry: int, valid_from: date) -> None:
    old_expires_on = date(2028, 6, 30)
    decided_on = old_expires_on - timedelta(days=days_before_expiry)
    assert (
        recertification_valid_from(decided_on=decided_on, old_expires_on=old_expires_on)
        == valid_from
    )
    dates = recertified_certificate_dates(decided_on=decided_on, old_expires_on=old_expires_on)
    assert dates.issued_on == decided_on
    assert dates.expires_on == expiry_for(valid_from)


def test_an_expired_certificate_cannot_be_renewed() -> None:
    with pytest.raises(ValueError, match="expired"):
        recertification_valid_from(decided_on=date(2028, 7, 1), old_expires_on=date(2028, 6, 30))


@pytest.mark.parametrize(
    ("start", "years", "result"),
    [
        (date(2028, 2, 29), 1, date(2029, 3, 1)),
        (date(2028, 2, 29), 4, date(2032, 2, 29)),
        (date(2028, 2, 28), 1, date(2029, 2, 28)),
        (date(2026, 12, 31), 3, date(2029, 12, 31)),
        (date(2026, 3, 1), -2, date(2024, 3, 1)),
    ],
)
def test_add_years(start: date, years: int, result: date) -> None:
    assert add_years(start, years) == result


@pytest.mark.parametrize(
    ("valid_from", "expires_on"),
    [
        (date(2026, 1, 1), date(2028, 12, 31)),
        (date(2026, 3, 1), date(2029, 2, 28)),
        (date(2025, 3, 1), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2031, 2, 28)),
    ],
)
def test_expiry_is_three_years_less_a_day(valid_from: date, expires_on: date) -> None:
    assert expiry_for(valid_from) == expires_on


@pytest.mark.parametrize(
    ("done", "due"),
    [(0, date(2027, 5, 19)), (1, date(2028, 5, 19)), (2, None), (3, None)],
)
def test_surveillance_schedule_keeps_to_the_cycle(done: int, due: date | None) -> None:
    assert surveillance_due(date(2026, 5, 20), done) == due


def test_surveillance_count_is_never_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        surveillance_due(date(2026, 5, 20), -1)


def test_after_each_surveillance() -> None:
    valid_from, expires_on = date(2028, 2, 29), date(2031, 2, 28)
    assert after_surveillance(valid_from, expires_on, 1) == (date(2030, 2, 28), expires_on)
    assert after_surveillance(valid_from, expires_on, 2) == (None, expires_on)


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)))
def test_cycle_invariants(issued_on: date) -> None:
    dates = initial_certificate_dates(issued_on)
    first = dates.next_surveillance_due
    assert first is not None
    assert dates.valid_from == issued_on < first
    assert 365 * 3 - 1 <= (dates.expires_on - dates.valid_from).days <= 366 * 3
    second = surveillance_due(dates.valid_from, 1)
    assert second is not None
    assert first < second < dates.expires_on


def test_a_certificate_expires_the_day_after_expires_on() -> None:
    from app.domain.dates import expired_on, is_past_expiry

    last = date(2029, 2, 28)
    assert expired_on(last) == date(2029, 3, 1)
    assert not is_past_expiry(last, last)
    assert is_past_expiry(last, date(2029, 3, 1))
