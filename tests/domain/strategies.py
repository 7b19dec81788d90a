"""Hypothesis strategies and small builders shared by the domain tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from app.domain.enums import SpecialDeductionCategory
from app.domain.rubric import BUILT_IN_RUBRIC_ID, Indicator, Rubric, get_rubric
from app.domain.scoring import ItemInput, SheetInput, SpecialDeduction

PRODUCTION = get_rubric(BUILT_IN_RUBRIC_ID, "production")
SALES_SERVICE = get_rubric(BUILT_IN_RUBRIC_ID, "sales_service")
rubrics = st.sampled_from([PRODUCTION, SALES_SERVICE])

deduction = SpecialDeduction(SpecialDeductionCategory.LEGAL, "no licence for the repair shop")


def full_marks(rubric: Rubric, *, excluded: frozenset[str] = frozenset()) -> tuple[ItemInput, ...]:
    """Every indicator at its maximum, except the excluded ones (with a reason)."""
    return tuple(
        ItemInput(i.code, None, not_applicable=True, note="the enterprise does not install")
        if i.code in excluded
        else ItemInput(i.code, i.max_points)
        for i in rubric.indicators
    )


def sheet_with_total(
    rubric: Rubric, total: Decimal, *, deductions: int = 0, bonus: bool = False
) -> SheetInput:
    """A sheet with no exclusion whose indicator scores add up to ``total``."""
    deficit = rubric.total_points - total
    items = []
    for indicator in rubric.indicators:
        cut = min(deficit, indicator.max_points)
        deficit -= cut
        items.append(ItemInput(indicator.code, indicator.max_points - cut))
    return SheetInput(
        tuple(items),
        special_deductions=(deduction,) * deductions,
        special_bonus="first to offer lifetime free repair in the industry" if bonus else None,
    )


def tenths(indicator: Indicator) -> st.SearchStrategy[Decimal]:
    """A legal score of ``indicator``: 0..max in steps of 0.1."""
    return st.integers(0, int(indicator.max_points * 10)).map(lambda n: Decimal(n) / 10)


@st.composite
def valid_sheets(draw: st.DrawFn, rubric: Rubric, *, at_maximum: bool = False) -> SheetInput:
    """Any sheet ``score_sheet`` accepts for ``rubric`` (random exclusions and extras);
    ``at_maximum`` scores every kept indicator at its maximum with no deduction or bonus."""
    items = []
    for indicator in rubric.indicators:
        if indicator.excludable and draw(st.booleans()):
            items.append(ItemInput(indicator.code, None, True, "not part of the business"))
        else:
            score = indicator.max_points if at_maximum else draw(tenths(indicator))
            items.append(ItemInput(indicator.code, score))
    if at_maximum:
        return SheetInput(tuple(items))
    categories = st.sampled_from(list(SpecialDeductionCategory))
    deductions = draw(
        st.lists(st.builds(SpecialDeduction, categories, st.just("finding")), max_size=6)
    )
    bonus = draw(st.none() | st.just("leads the industry"))
    return SheetInput(tuple(draw(st.permutations(items))), tuple(deductions), bonus)
