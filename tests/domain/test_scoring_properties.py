"""Properties of scoring that must hold for every valid sheet (hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.enums import Grade
from app.domain.rubric import Rubric
from app.domain.scoring import ONE_DECIMAL, SheetInput, grade_for, score_sheet

from .strategies import rubrics, valid_sheets

final_scores = st.integers(0, 1000).map(lambda n: Decimal(n) / 10)
counts = st.integers(0, 8)


@given(final_scores, final_scores, counts)
def test_grades_are_monotonic_in_the_final_score(a: Decimal, b: Decimal, count: int) -> None:
    low, high = sorted((a, b))
    assert grade_for(low, count).rank <= grade_for(high, count).rank


@given(final_scores, counts, counts)
def test_more_deductions_never_improve_the_grade(score: Decimal, a: int, b: int) -> None:
    few, many = sorted((a, b))
    assert grade_for(score, many).rank <= grade_for(score, few).rank


@st.composite
def rubric_and_sheet(draw: st.DrawFn, *, at_maximum: bool = False) -> tuple[Rubric, SheetInput]:
    rubric = draw(rubrics)
    return rubric, draw(valid_sheets(rubric, at_maximum=at_maximum))


@settings(max_examples=150)
@given(rubric_and_sheet())
def test_scores_stay_within_0_and_100(case: tuple[Rubric, SheetInput]) -> None:
    rubric, sheet = case
    result = score_sheet(rubric, sheet)
    assert 0 <= result.base_score <= 100
    assert 0 <= result.final_score <= 100
    for value in (result.base_score, result.final_score, result.achieved):
        assert value % ONE_DECIMAL == 0
    assert result.achieved <= result.applicable_points <= 100
    assert result.grade is grade_for(result.final_score, result.special_deduction_count)
    assert sum(c.score for c in result.category_scores) == result.achieved
    assert sum(s.max_points for s in result.section_scores) == result.applicable_points
    if result.applicable_points == 100:  # no exclusion: the base is exactly the sum
        assert result.base_score == result.achieved


@settings(max_examples=50)
@given(rubric_and_sheet(at_maximum=True))
def test_every_maximum_and_no_deduction_is_five_star(case: tuple[Rubric, SheetInput]) -> None:
    rubric, sheet = case
    result = score_sheet(rubric, sheet)
    assert result.base_score == result.final_score == 100
    assert result.grade is Grade.FIVE_STAR


@settings(max_examples=50)
@given(rubric_and_sheet(), st.randoms(use_true_random=False))
def test_the_order_of_items_does_not_matter(
    case: tuple[Rubric, SheetInput], rng: random.Random
) -> None:
    rubric, sheet = case
    shuffled = list(sheet.items)
    rng.shuffle(shuffled)
    assert score_sheet(
        rubric, SheetInput(tuple(shuffled), sheet.special_deductions, sheet.special_bonus)
    ) == (score_sheet(rubric, sheet))
