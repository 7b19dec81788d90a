"""Person-days of docs/domain.md §3.1: every band at both edges, the open band, surveillance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.audit_time import (
    PersonDays,
    initial_person_days,
    person_days,
    person_days_quote,
    recertification_person_days,
    surveillance_person_days,
    team_days_short,
)
from app.domain.enums import AuditKind

# (first employee count, last employee count, days) — the table of §5.
BANDS = [
    (1, 5, "3.5"), (6, 10, "4"), (11, 15, "4.5"), (16, 25, "5"), (26, 45, "6"), (46, 65, "7"),
    (66, 85, "8"), (86, 125, "9"), (126, 175, "10"), (176, 275, "11"), (276, 425, "12"),
    (426, 625, "13"), (626, 875, "14"), (876, 1175, "15"), (1176, 1550, "16"),
    (1551, 2025, "17"), (2026, 2675, "18"), (2676, 3450, "19"), (3451, 4350, "20"),
    (4351, 5450, "21"), (5451, 6800, "22"), (6801, 8500, "23"), (8501, 10700, "24"),
]  # fmt: skip
EDGES = [(n, days) for low, high, days in BANDS for n in (low, high)]


@pytest.mark.parametrize(("employees", "days"), EDGES)
def test_initial_days_at_both_edges_of_every_band(employees: int, days: str) -> None:
    assert initial_person_days(employees) == Decimal(days)


@pytest.mark.parametrize(
    ("employees", "days"),
    [
        (10_700, 24),
        (10_701, 25),
        (13_200, 25),
        (13_201, 26),
        (15_700, 26),
        (15_701, 27),
        (100_000, 60),
    ],
)
def test_the_open_band_adds_a_day_per_started_2500(employees: int, days: int) -> None:
    assert initial_person_days(employees) == days


@pytest.mark.parametrize(
    ("initial", "employees", "surveillance"),
    [("3.5", 1, "1.5"), ("4", 6, "1.5"), ("4.5", 11, "1.5"), ("5", 16, "2"), ("6", 26, "2"),
     ("7", 46, "2.5"), ("9", 86, "3"), ("16", 1200, "5.5"), ("24", 10_700, "8"),
     ("25", 10_701, "8.5")],
)  # fmt: skip
def test_surveillance_is_a_third_rounded_up_to_a_half_day(
    initial: str, employees: int, surveillance: str
) -> None:
    assert initial_person_days(employees) == Decimal(initial)
    assert surveillance_person_days(employees) == Decimal(surveillance)


@given(st.integers(1, 200_000))
def test_surveillance_is_the_least_half_day_at_least_a_third(employees: int) -> None:
    initial = initial_person_days(employees)
    days = surveillance_person_days(employees)
    assert days * 3 >= initial > (days - Decimal("0.5")) * 3
    assert days % Decimal("0.5") == 0
    assert recertification_person_days(employees) == initial


def test_person_days_by_kind_and_the_quote() -> None:
    assert person_days(AuditKind.INITIAL, 1200) == 16
    assert person_days(AuditKind.SURVEILLANCE, 1200) == Decimal("5.5")
    assert person_days(AuditKind.RECERTIFICATION, 1200) == 16
    assert person_days_quote(1200) == PersonDays(Decimal(16), Decimal("5.5"), Decimal(16))


@pytest.mark.parametrize(
    "function",
    [initial_person_days, surveillance_person_days, person_days_quote],
    ids=lambda function: function.__name__,
)
@pytest.mark.parametrize("employees", [0, -1])
def test_at_least_one_employee(employees: int, function: Callable[[int], object]) -> None:
    with pytest.raises(ValueError, match="employee_count"):
        function(employees)


@pytest.mark.parametrize(
    ("team", "start", "end", "required", "short"),
    [
        (2, date(2026, 5, 4), date(2026, 5, 7), "8", False),  # 2 × 4 days = 8
        (2, date(2026, 5, 4), date(2026, 5, 7), "8.5", True),
        (1, date(2026, 5, 4), date(2026, 5, 4), "1", False),  # one calendar day, inclusive
        (1, date(2026, 5, 4), date(2026, 5, 4), "1.5", True),
        (3, date(2026, 2, 27), date(2026, 3, 2), "12", False),  # across month end: 4 days
        (3, date(2026, 2, 27), date(2026, 3, 2), "16", True),
    ],
)
def test_team_days_short(team: int, start: date, end: date, required: str, short: bool) -> None:
    assert team_days_short(team, start, end, Decimal(required)) is short


def test_team_days_short_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="team_size"):
        team_days_short(0, date(2026, 5, 4), date(2026, 5, 4), Decimal(1))
    with pytest.raises(ValueError, match="planned_end"):
        team_days_short(1, date(2026, 5, 4), date(2026, 5, 3), Decimal(1))
