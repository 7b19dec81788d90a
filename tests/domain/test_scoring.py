"""Scoring of docs/domain.md §1.6, and the order in which a bad sheet is refused."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.domain.enums import Grade, SpecialDeductionCategory
from app.domain.problems import DomainError
from app.domain.rubric import Indicator, Rubric
from app.domain.scoring import (
    ItemInput,
    SheetInput,
    SpecialDeduction,
    SubTotal,
    grade_for,
    round_half_up,
    score_sheet,
)

from .strategies import PRODUCTION, SALES_SERVICE, deduction, full_marks, sheet_with_total

D = Decimal
BOTH = pytest.mark.parametrize(
    "rubric", [PRODUCTION, SALES_SERVICE], ids=lambda r: r.enterprise_type
)


def refusal(rubric: Rubric, sheet: SheetInput) -> DomainError:
    with pytest.raises(DomainError) as caught:
        score_sheet(rubric, sheet)
    return caught.value


def with_item(items: tuple[ItemInput, ...], code: str, **change: object) -> tuple[ItemInput, ...]:
    return tuple(replace(i, **change) if i.indicator_code == code else i for i in items)  # type: ignore[arg-type]


# --- grade thresholds (§3), both sides of each, with and without special deductions -----
@pytest.mark.parametrize(
    ("final_score", "deductions", "grade"),
    [
        ("100", 0, Grade.FIVE_STAR),
        ("95", 0, Grade.FIVE_STAR),
        ("94.9", 0, Grade.FOUR_STAR),
        ("90", 0, Grade.FOUR_STAR),
        ("89.9", 0, Grade.THREE_STAR),
        ("80", 0, Grade.THREE_STAR),
        ("79.9", 0, Grade.COMPLIANT),
        ("70", 0, Grade.COMPLIANT),
        ("69.9", 0, Grade.FAIL),
        ("0", 0, Grade.FAIL),
        ("95", 4, Grade.FIVE_STAR),
        ("70", 4, Grade.COMPLIANT),
        ("69.9", 4, Grade.FAIL),
        ("95", 5, Grade.FAIL),
        ("100", 5, Grade.FAIL),
        ("100", 6, Grade.FAIL),
    ],
)
def test_grade_for(final_score: str, deductions: int, grade: Grade) -> None:
    assert grade_for(D(final_score), deductions) is grade


def test_grade_for_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        grade_for(D(80), -1)


# (indicator sum, deductions, bonus, base, final, grade): thresholds crossed by deductions.
@pytest.mark.parametrize(
    ("total", "deductions", "bonus", "base", "final", "grade"),
    [
        ("100", 0, False, "100", "100", Grade.FIVE_STAR),
        ("96", 1, False, "96", "95", Grade.FIVE_STAR),
        ("95.9", 1, False, "95.9", "94.9", Grade.FOUR_STAR),
        ("91", 1, False, "91", "90", Grade.FOUR_STAR),
        ("90.9", 1, False, "90.9", "89.9", Grade.THREE_STAR),
        ("82", 2, False, "82", "80", Grade.THREE_STAR),
        ("81.9", 2, False, "81.9", "79.9", Grade.COMPLIANT),
        ("73", 3, False, "73", "70", Grade.COMPLIANT),
        ("72.9", 3, False, "72.9", "69.9", Grade.FAIL),
        ("69.9", 0, False, "69.9", "69.9", Grade.FAIL),
        ("69", 0, True, "69", "70", Grade.COMPLIANT),  # the bonus lifts over a threshold
        ("94", 0, True, "94", "95", Grade.FIVE_STAR),
        # Five deductions fail a sheet whatever its score; four do not.
        ("100", 5, False, "100", "95", Grade.FAIL),
        ("100", 4, False, "100", "96", Grade.FIVE_STAR),
        # The bonus is capped at 100 before deductions are taken.
        ("100", 0, True, "100", "100", Grade.FIVE_STAR),
        ("99.5", 0, True, "99.5", "100", Grade.FIVE_STAR),
        ("100", 1, True, "100", "99", Grade.FIVE_STAR),
        # The final score never goes below 0.
        ("0", 3, False, "0", "0", Grade.FAIL),
        ("1.5", 2, False, "1.5", "0", Grade.FAIL),
        ("2.5", 2, False, "2.5", "0.5", Grade.FAIL),
    ],
)
@BOTH
def test_final_score_and_grade(
    rubric: Rubric, total: str, deductions: int, bonus: bool, base: str, final: str, grade: Grade
) -> None:
    result = score_sheet(
        rubric, sheet_with_total(rubric, D(total), deductions=deductions, bonus=bonus)
    )
    assert (result.applicable_points, result.achieved) == (D(100), D(total))
    assert result.base_score == D(base)
    assert result.bonus == (1 if bonus else 0)
    assert result.special_deduction_count == deductions
    assert result.final_score == D(final)
    assert result.grade is grade


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("86.25", "86.3"), ("86.24", "86.2"), ("86.35", "86.4"), ("0.05", "0.1"),
     ("99.95", "100.0"), ("70", "70.0"), ("69.94999", "69.9")],
)  # fmt: skip
def test_round_half_up(value: str, rounded: str) -> None:
    assert str(round_half_up(D(value))) == rounded


def test_exclusion_and_half_up_rounding() -> None:
    # Excluding packaging (4) leaves 96 applicable points; 82.8 / 96 × 100 = 86.25 exactly,
    # which half-up makes 86.3 (banker's rounding would say 86.2).
    items = full_marks(PRODUCTION, excluded=frozenset({"delivery.packaging"}))
    items = with_item(items, "repair.assurance", score=D(0))
    items = with_item(items, "system.network", score=D(0))
    items = with_item(items, "culture.philosophy", score=D("0.8"))
    result = score_sheet(PRODUCTION, SheetInput(items))
    assert (result.applicable_points, result.achieved) == (D(96), D("82.8"))
    assert result.base_score == D("86.3")
    assert result.final_score == D("86.3")
    assert result.grade is Grade.THREE_STAR


def test_exclusions_leave_the_section_category_and_total_maxima() -> None:
    excluded = frozenset(
        {"warranty.repair_network", "delivery.distribution", "delivery.installation"}
    )
    result = score_sheet(SALES_SERVICE, SheetInput(full_marks(SALES_SERVICE, excluded=excluded)))
    assert result.applicable_points == 80
    assert result.base_score == result.final_score == 100
    sections = {s.code: s for s in result.section_scores}
    assert sections["warranty"] == SubTotal("warranty", D(15), D(15))
    assert sections["delivery"] == SubTotal("delivery", D(0), D(0))
    assert result.category_scores[1] == SubTotal("product_service", D(15), D(15))
    assert [(c.code, c.max_points) for c in result.category_scores] == [
        ("service_system", D(40)),
        ("product_service", D(15)),
        ("customer_service", D(25)),
    ]
    excluded_items = [i for i in result.items if i.not_applicable]
    assert [(i.indicator_code, i.score, i.max_points) for i in excluded_items] == [
        ("warranty.repair_network", None, D(6)),
        ("delivery.distribution", None, D(7)),
        ("delivery.installation", None, D(7)),
    ]


def test_an_exclusion_that_gives_a_round_threshold() -> None:
    # Installation (6) excluded: 84.6 of 94 is exactly 90.0 → four_star, 84.5 is 89.9...
    items = full_marks(PRODUCTION, excluded=frozenset({"delivery.installation"}))
    exact = with_item(items, "repair.assurance", score=D(0))
    exact = with_item(exact, "system.investment", score=D("1.6"))
    result = score_sheet(PRODUCTION, SheetInput(exact))
    assert (result.achieved, result.base_score, result.grade) == (D("84.6"), D(90), Grade.FOUR_STAR)
    lower = with_item(exact, "system.investment", score=D("1.5"))
    result = score_sheet(PRODUCTION, SheetInput(lower))
    assert (result.achieved, result.base_score, result.grade) == (
        D("84.5"),
        D("89.9"),
        Grade.THREE_STAR,
    )


def test_items_come_back_in_rubric_order_with_sub_totals() -> None:
    items = tuple(reversed(full_marks(PRODUCTION)))
    items = with_item(items, "culture.commitment", score=D("2.5"), note="one promise not kept")
    result = score_sheet(PRODUCTION, SheetInput(items))
    assert [i.indicator_code for i in result.items] == [i.code for i in PRODUCTION.indicators]
    assert result.items[1].score == D("2.5")
    assert result.items[1].note == "one promise not kept"
    assert result.section_scores[0] == SubTotal("culture", D("9.5"), D(10))
    assert result.category_scores[0] == SubTotal("service_system", D("39.5"), D(40))
    assert result.base_score == result.achieved == D("99.5")


def test_a_negative_zero_score_reads_zero() -> None:
    items = with_item(full_marks(PRODUCTION), "culture.strategy", score=D("-0.0"))
    assert str(score_sheet(PRODUCTION, SheetInput(items)).items[2].score) == "0.0"


# --- refusals -----------------------------------------------------------------------------
def test_missing_unknown_and_repeated_codes_are_named_in_one_error() -> None:
    items = full_marks(PRODUCTION)
    sheet = SheetInput((*items[1:], ItemInput("culture.magic", D(1)), items[3]))
    error = refusal(PRODUCTION, sheet)
    assert error.code == "score_sheet.invalid_items"
    assert [(e.loc, e.msg) for e in error.errors] == [
        (("body", "items", 26, "indicator_code"), "unknown indicator 'culture.magic'"),
        (("body", "items", 27, "indicator_code"), "culture.objectives repeats item 2"),
        (("body", "items", "culture.philosophy"), "indicator not scored"),
    ]
    for name in ("culture.magic", "culture.objectives", "culture.philosophy"):
        assert name in error.detail


def test_an_indicator_of_the_other_type_is_unknown() -> None:
    items = (*full_marks(SALES_SERVICE), ItemInput("repair.facilities", D(1)))
    assert refusal(SALES_SERVICE, SheetInput(items)).errors[0].msg == (
        "unknown indicator 'repair.facilities'"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": None}, "score required unless not_applicable"),
        ({"not_applicable": True, "note": "no installation"}, "an excluded item has no score"),
    ],
)
def test_score_present_exactly_when_not_excluded(change: dict[str, object], message: str) -> None:
    items = with_item(full_marks(PRODUCTION), "delivery.installation", **change)
    error = refusal(PRODUCTION, SheetInput(items))
    assert error.code == "score_sheet.invalid_items"
    assert [(e.loc, e.msg) for e in error.errors] == [(("body", "items", 15, "score"), message)]


def test_an_empty_sheet_names_every_indicator() -> None:
    error = refusal(SALES_SERVICE, SheetInput(()))
    assert len(error.errors) == 23


@pytest.mark.parametrize(
    "score",
    ["-0.1", "2.1", "3", "0.05", "1.99", "NaN", "Infinity", "-Infinity", "1E+30", "sNaN"],
)
def test_scores_out_of_range(score: str) -> None:
    items = with_item(full_marks(PRODUCTION), "culture.philosophy", score=D(score))
    error = refusal(PRODUCTION, SheetInput(items))
    assert error.code == "score_sheet.score_out_of_range"
    assert [e.loc for e in error.errors] == [("body", "items", 0, "score")]


@pytest.mark.parametrize("score", ["0", "0.0", "0.1", "1.90", "2", "2.0"])
def test_scores_in_range(score: str) -> None:
    items = with_item(full_marks(PRODUCTION), "culture.philosophy", score=D(score))
    assert score_sheet(PRODUCTION, SheetInput(items)).items[0].score == D(score)


def test_every_score_out_of_range_is_named() -> None:
    items = with_item(full_marks(PRODUCTION), "culture.philosophy", score=D(-1))
    items = with_item(items, "repair.support", score=D(7))
    error = refusal(PRODUCTION, SheetInput(items))
    assert [e.loc[2] for e in error.errors] == [0, 18]
    assert "culture.philosophy" in error.detail
    assert "repair.support: 7 is not 0..6" in error.detail


def _indicators(excludable: bool) -> list[object]:
    return [
        pytest.param(rubric, indicator, id=f"{rubric.enterprise_type}-{indicator.code}")
        for rubric in (PRODUCTION, SALES_SERVICE)
        for indicator in rubric.indicators
        if indicator.excludable is excludable
    ]


@pytest.mark.parametrize(("rubric", "indicator"), _indicators(excludable=True))
def test_an_indicator_marked_x_may_be_excluded(rubric: Rubric, indicator: Indicator) -> None:
    items = full_marks(rubric, excluded=frozenset({indicator.code}))
    result = score_sheet(rubric, SheetInput(items))
    assert result.applicable_points == 100 - indicator.max_points


@pytest.mark.parametrize(("rubric", "indicator"), _indicators(excludable=False))
def test_other_indicators_may_not_be_excluded(rubric: Rubric, indicator: Indicator) -> None:
    items = full_marks(rubric, excluded=frozenset({indicator.code}))
    error = refusal(rubric, SheetInput(items))
    assert error.code == "score_sheet.not_excludable"
    assert indicator.code in error.detail


@pytest.mark.parametrize("note", [None, "", "   ", "\u3000", "\n\t"])
def test_an_exclusion_needs_a_written_reason(note: str | None) -> None:
    items = with_item(
        full_marks(PRODUCTION, excluded=frozenset({"repair.facilities"})),
        "repair.facilities",
        note=note,
    )
    error = refusal(PRODUCTION, SheetInput(items))
    assert error.code == "score_sheet.note_required"
    assert [e.loc for e in error.errors] == [("body", "items", 17, "note")]


def test_deductions_and_the_bonus_need_a_written_reason() -> None:
    blank = SpecialDeduction(SpecialDeductionCategory.INDUSTRY, " ")
    sheet = SheetInput(full_marks(PRODUCTION), (deduction, blank), special_bonus="")
    error = refusal(PRODUCTION, sheet)
    assert error.code == "score_sheet.note_required"
    assert [e.loc for e in error.errors] == [
        ("body", "special_deductions", 1, "description"),
        ("body", "special_bonus", "description"),
    ]
    assert "special_deductions.1.description" in error.detail


@pytest.mark.parametrize(
    ("items", "code"),
    [
        # structure before ranges: an unknown code and a score above its maximum
        (
            (*with_item(full_marks(PRODUCTION), "rules.norms", score=D(9)), ItemInput("x", D(1))),
            "score_sheet.invalid_items",
        ),
        # ranges before exclusions
        (
            with_item(
                with_item(full_marks(PRODUCTION), "rules.norms", score=D(9)),
                "rules.process", score=None, not_applicable=True, note="n/a",
            ),
            "score_sheet.score_out_of_range",
        ),
        # exclusions before reasons
        (
            with_item(
                full_marks(PRODUCTION, excluded=frozenset({"delivery.packaging"})),
                "rules.process", score=None, not_applicable=True, note=None,
            ),
            "score_sheet.not_excludable",
        ),
    ],
)  # fmt: skip
def test_the_order_of_checks(items: tuple[ItemInput, ...], code: str) -> None:
    assert refusal(PRODUCTION, SheetInput(items, special_bonus=" ")).code == code
