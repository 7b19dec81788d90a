"""Person-days of docs/domain.md §3.1: the published table at both edges of every band, each
audit kind, the open band above 10,700, and the team-days warning on the on-site days."""

from __future__ import annotations

from dataclasses import astuple, fields
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.audit_time import (
    PERSON_DAY_BANDS,
    PersonDayBand,
    PersonDayFigures,
    PersonDays,
    person_day_figures,
    person_days_for,
    team_days_short,
)
from app.domain.enums import AuditKind
from app.domain.policy import OPEN_BAND_STEP, OPEN_BAND_STEP_EMPLOYEES

# The published table, written out again: (first, last employee count; initial total,
# planning + document review, initial on-site; surveillance total, on-site; recertification
# total, on-site).
TABLE = [
    (1, 10, "3", "1", "2", "1.5", "1", "2", "1.5"),
    (11, 25, "4", "1", "3", "1.5", "1", "2.5", "2"),
    (26, 45, "6", "1", "5", "2", "1.5", "4", "3.5"),
    (46, 65, "6.5", "1.5", "5", "2", "1.5", "4", "3.5"),
    (66, 85, "7.5", "1.5", "6", "2.5", "2", "4.5", "4"),
    (86, 125, "8.5", "1.5", "7", "3", "2.5", "5", "4.5"),
    (126, 175, "9.5", "1.5", "8", "3.5", "3", "6", "5.5"),
    (176, 275, "10.5", "1.5", "9", "4", "3", "7", "6"),
    (276, 425, "11.5", "1.5", "10", "4.5", "3.5", "7.5", "6.5"),
    (426, 625, "12.5", "1.5", "11", "4.5", "3.5", "8", "7"),
    (626, 875, "13.5", "1.5", "12", "5", "4", "9", "8"),
    (876, 1175, "14.5", "1.5", "13", "5.5", "4.5", "9.5", "8.5"),
    (1176, 1550, "16", "2", "14", "5.5", "4.5", "10", "9"),
    (1551, 2025, "17", "2", "15", "6", "5", "11", "10"),
    (2026, 2675, "18", "2", "16", "6.5", "5.5", "12", "11"),
    (2676, 3450, "19", "2", "17", "6.5", "5.5", "12", "11"),
    (3451, 4350, "21", "3", "18", "7", "6", "13", "12"),
    (4351, 5450, "22", "3", "19", "7.5", "6.5", "13.5", "12.5"),
    (5451, 6800, "23", "3", "20", "7.5", "6.5", "14", "13"),
    (6801, 8500, "24", "3", "21", "8", "7", "15", "14"),
    (8501, 10700, "25", "3", "22", "8.5", "7.5", "16", "15"),
]


def row(*days: str) -> PersonDayFigures:
    return PersonDayFigures(*(Decimal(d) for d in days))


EDGES = [pytest.param(n, row(*days), id=str(n)) for low, high, *days in TABLE for n in (low, high)]


@pytest.mark.parametrize(("employees", "figures"), EDGES)
def test_every_figure_at_both_edges_of_every_band(
    employees: int, figures: PersonDayFigures
) -> None:
    assert person_day_figures(employees) == figures


def test_the_policy_table_is_the_published_one() -> None:
    assert [(b.max_employees, b.figures) for b in PERSON_DAY_BANDS] == [
        (high, row(*days)) for _, high, *days in TABLE
    ]


@pytest.mark.parametrize("band", PERSON_DAY_BANDS, ids=lambda band: str(band.max_employees))
def test_each_band_is_consistent(band: PersonDayBand) -> None:
    figures = band.figures
    # the initial total is its planning and document review plus its days on site
    assert figures.initial == figures.document_review + figures.initial_on_site
    assert figures.surveillance_on_site < figures.surveillance
    assert figures.recertification_on_site < figures.recertification
    assert all(day % Decimal("0.5") == 0 for day in astuple(figures))


def test_the_figures_never_fall_as_the_organisation_grows() -> None:
    for smaller, larger in pairwise(PERSON_DAY_BANDS):
        assert smaller.max_employees < larger.max_employees
        for field in fields(PersonDayFigures):
            assert getattr(smaller.figures, field.name) <= getattr(larger.figures, field.name)


LAST = row(*TABLE[-1][2:])


def open_band(steps: int) -> PersonDayFigures:
    return PersonDayFigures(
        *(
            getattr(LAST, f.name) + steps * getattr(OPEN_BAND_STEP, f.name)
            for f in fields(PersonDayFigures)
        )
    )


@pytest.mark.parametrize(
    ("employees", "figures"),
    [
        (10_700, LAST),
        (10_701, row("26", "3", "23", "9", "8", "17", "16")),
        (13_200, row("26", "3", "23", "9", "8", "17", "16")),
        (13_201, row("27", "3", "24", "9.5", "8.5", "18", "17")),
        (15_700, row("27", "3", "24", "9.5", "8.5", "18", "17")),
        (15_701, row("28", "3", "25", "10", "9", "19", "18")),
        (100_000, open_band(36)),  # 89,300 above 10,700: 35.72 steps, 36 started
    ],
)
def test_the_open_band_adds_per_started_2500_employees(
    employees: int, figures: PersonDayFigures
) -> None:
    assert person_day_figures(employees) == figures


def test_the_open_band_step_is_policy() -> None:
    assert OPEN_BAND_STEP_EMPLOYEES == 2_500
    assert row("1", "0", "1", "0.5", "0.5", "1", "1") == OPEN_BAND_STEP
    assert open_band(1) == person_day_figures(10_701)


@given(st.integers(10_701, 1_000_000))
def test_above_the_table_steps_are_started_steps(employees: int) -> None:
    steps = -(-(employees - 10_700) // 2_500)
    assert person_day_figures(employees) == open_band(steps)
    assert person_day_figures(employees).document_review == 3


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (AuditKind.INITIAL, PersonDays(Decimal(16), Decimal(14))),
        (AuditKind.SURVEILLANCE, PersonDays(Decimal("5.5"), Decimal("4.5"))),
        (AuditKind.RECERTIFICATION, PersonDays(Decimal(10), Decimal(9))),
        (AuditKind.UPGRADE, PersonDays(Decimal(10), Decimal(9))),  # as a recertification
    ],
)
def test_each_kind_for_1200_employees(kind: AuditKind, expected: PersonDays) -> None:
    # the seeds' example: 1,200 employees fall in 1176–1550, 16 person-days
    assert person_days_for(kind, 1200) == expected


@given(st.integers(1, 200_000), st.sampled_from(AuditKind))
def test_each_kind_reads_its_own_columns(employees: int, kind: AuditKind) -> None:
    figures = person_day_figures(employees)
    columns = {
        AuditKind.INITIAL: (figures.initial, figures.initial_on_site),
        AuditKind.SURVEILLANCE: (figures.surveillance, figures.surveillance_on_site),
        AuditKind.RECERTIFICATION: (figures.recertification, figures.recertification_on_site),
        AuditKind.UPGRADE: (figures.recertification, figures.recertification_on_site),
    }
    assert astuple(person_days_for(kind, employees)) == columns[kind]


@pytest.mark.parametrize("employees", [0, -1])
def test_at_least_one_employee(employees: int) -> None:
    with pytest.raises(ValueError, match="employee_count"):
        person_day_figures(employees)
    with pytest.raises(ValueError, match="employee_count"):
        person_days_for(AuditKind.INITIAL, employees)


def days(total: str, on_site: str) -> PersonDays:
    return PersonDays(Decimal(total), Decimal(on_site))


@pytest.mark.parametrize(
    ("team", "start", "end", "required", "short"),
    [
        (2, date(2026, 5, 4), date(2026, 5, 7), days("9", "8"), False),  # 2 × 4 days = 8
        (2, date(2026, 5, 4), date(2026, 5, 7), days("9.5", "8.5"), True),
        (1, date(2026, 5, 4), date(2026, 5, 4), days("2", "1"), False),  # one day, inclusive
        (1, date(2026, 5, 4), date(2026, 5, 4), days("2", "1.5"), True),
        (3, date(2026, 2, 27), date(2026, 3, 2), days("14", "12"), False),  # 4 days
        (3, date(2026, 2, 27), date(2026, 3, 2), days("16", "14"), True),
        # 1,200 employees, initial: 16 in all but 14 on site, so 2 × 7 days are enough
        (2, date(2026, 12, 1), date(2026, 12, 7), days("16", "14"), False),
        (2, date(2026, 12, 1), date(2026, 12, 6), days("16", "14"), True),
    ],
)
def test_team_days_short_compares_with_the_on_site_days(
    team: int, start: date, end: date, required: PersonDays, short: bool
) -> None:
    assert team_days_short(team, start, end, required) is short


def test_team_days_short_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="team_size"):
        team_days_short(0, date(2026, 5, 4), date(2026, 5, 4), days("1", "1"))
    with pytest.raises(ValueError, match="planned_end"):
        team_days_short(1, date(2026, 5, 4), date(2026, 5, 3), days("1", "1"))
