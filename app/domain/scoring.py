"""Scoring a score sheet against a rubric (docs/domain.md §1), in exact decimals.

Errors are checked in a fixed order and each check names every offender at once, so a
caller fixes a sheet in as few round trips as possible:

1. ``score_sheet.invalid_items`` — structure: every indicator exactly once (missing, unknown
   and repeated codes together), a score present exactly when the item is not excluded;
2. ``score_sheet.score_out_of_range`` — each score in 0..max in steps of 0.1;
3. ``score_sheet.not_excludable`` — only indicators marked ``X`` may be excluded;
4. ``score_sheet.note_required`` — exclusions, special deductions and the special bonus need
   a written, non-blank reason.

Later checks assume the earlier ones passed (a range needs a known indicator).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from app.domain.enums import Grade, SpecialDeductionCategory
from app.domain.policy import SPECIAL_BONUS_POINTS, SPECIAL_DEDUCTION_FAIL_COUNT
from app.domain.problems import (
    SCORE_SHEET_INVALID_ITEMS,
    SCORE_SHEET_NOT_EXCLUDABLE,
    SCORE_SHEET_NOTE_REQUIRED,
    SCORE_SHEET_SCORE_OUT_OF_RANGE,
    FieldError,
)
from app.domain.rubric import GRADE_THRESHOLDS, Indicator, Rubric
from app.domain.text import is_blank

ONE_DECIMAL = Decimal("0.1")
# §2: each special deduction costs one point outside the score (the standard's rule).
SPECIAL_DEDUCTION_POINTS = Decimal(1)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
# Scores are at most 100 with one decimal, so this precision keeps every division exact
# enough that the half-up rounding below is never a double rounding.
_CONTEXT = Context(prec=50)


@dataclass(frozen=True, slots=True)
class ItemInput:
    """One indicator as submitted; ``score`` is None exactly when ``not_applicable``."""

    indicator_code: str
    score: Decimal | None
    not_applicable: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class SpecialDeduction:
    """A special deduction (特别扣分项) with the finding that justifies it."""

    category: SpecialDeductionCategory
    description: str


@dataclass(frozen=True, slots=True)
class SheetInput:
    """A submitted score sheet; ``special_bonus`` is the written reason for the +1, or None."""

    items: tuple[ItemInput, ...]
    special_deductions: tuple[SpecialDeduction, ...] = ()
    special_bonus: str | None = None


@dataclass(frozen=True, slots=True)
class ScoredItem:
    """An indicator as scored; ``max_points`` is the indicator's maximum."""

    indicator_code: str
    score: Decimal | None
    not_applicable: bool
    note: str | None
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class SubTotal:
    """A section or category sub-total; excluded indicators leave ``max_points`` (§3)."""

    code: str
    score: Decimal
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class SheetResult:
    """The outcome of scoring: sub-totals, the scores of §3 and the grade."""

    items: tuple[ScoredItem, ...]
    section_scores: tuple[SubTotal, ...]
    category_scores: tuple[SubTotal, ...]
    applicable_points: Decimal
    achieved: Decimal
    base_score: Decimal
    bonus: Decimal
    special_deduction_count: int
    final_score: Decimal
    grade: Grade


def round_half_up(value: Decimal) -> Decimal:
    """``value`` rounded half-up to one decimal (85.25 → 85.3)."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP, context=_CONTEXT)


def grade_for(final_score: Decimal, special_deduction_count: int) -> Grade:
    """The grade of §3: ``fail`` below 70 or with five special deductions, thresholds inclusive."""
    if special_deduction_count < 0:
        raise ValueError("special_deduction_count must not be negative")
    if special_deduction_count >= SPECIAL_DEDUCTION_FAIL_COUNT:
        return Grade.FAIL
    return next((t.grade for t in GRADE_THRESHOLDS if final_score >= t.min_score), Grade.FAIL)


def score_sheet(rubric: Rubric, sheet: SheetInput) -> SheetResult:
    """Check a sheet against ``rubric`` and score it; refusals are ``score_sheet.*`` problems."""
    indicators = {i.code: i for i in rubric.indicators}
    by_code = _check_structure(indicators, sheet.items)
    _check_ranges(indicators, sheet.items)
    _check_exclusions(indicators, sheet.items)
    _check_notes(sheet)

    scored = tuple(_scored(indicator, by_code[indicator.code]) for indicator in rubric.indicators)
    sections = tuple(
        _add(s.code, (_part(i) for i in scored if indicators[i.indicator_code].section == s.code))
        for s in rubric.sections
    )
    category_of = {s.code: s.category for s in rubric.sections}
    categories = tuple(
        _add(c.code, (s for s in sections if category_of[s.code] == c.code))
        for c in rubric.categories
    )
    total = _add("total", categories)
    # §3: a share of the applicable points, as a percentage; with no exclusion the division
    # is by 100 and the base score is exactly the sum of the indicator scores.
    base = round_half_up(_CONTEXT.divide(total.score * _HUNDRED, total.max_points))
    bonus = SPECIAL_BONUS_POINTS if sheet.special_bonus is not None else _ZERO
    count = len(sheet.special_deductions)
    final = round_half_up(
        max(_ZERO, min(_HUNDRED, base + bonus) - count * SPECIAL_DEDUCTION_POINTS)
    )
    return SheetResult(
        items=scored,
        section_scores=sections,
        category_scores=categories,
        applicable_points=total.max_points,
        achieved=round_half_up(total.score),
        base_score=base,
        bonus=bonus,
        special_deduction_count=count,
        final_score=final,
        grade=grade_for(final, count),
    )


def _scored(indicator: Indicator, item: ItemInput) -> ScoredItem:
    # copy_abs turns a submitted -0 into 0; the range check already refused negatives.
    score = None if item.score is None else round_half_up(item.score.copy_abs())
    return ScoredItem(indicator.code, score, item.not_applicable, item.note, indicator.max_points)


def _part(item: ScoredItem) -> SubTotal:
    """An item as a sub-total: an excluded one adds neither points nor maximum (§3)."""
    if item.score is None:
        return SubTotal(item.indicator_code, _ZERO, _ZERO)
    return SubTotal(item.indicator_code, item.score, item.max_points)


def _add(code: str, parts: Iterable[SubTotal]) -> SubTotal:
    kept = tuple(parts)
    return SubTotal(
        code,
        sum((p.score for p in kept), _ZERO),
        sum((p.max_points for p in kept), _ZERO),
    )


def _check_structure(
    indicators: Mapping[str, Indicator], items: tuple[ItemInput, ...]
) -> dict[str, ItemInput]:
    errors: list[FieldError] = []
    problems: list[str] = []
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        code = item.indicator_code
        loc = ("body", "items", index)
        if code not in indicators:
            errors.append(FieldError((*loc, "indicator_code"), f"unknown indicator {code!r}"))
            problems.append(f"unknown {code!r}")
        elif code in first:
            errors.append(
                FieldError((*loc, "indicator_code"), f"{code} repeats item {first[code]}")
            )
            problems.append(f"repeated {code}")
        else:
            first[code] = index
        if item.not_applicable and item.score is not None:
            errors.append(FieldError((*loc, "score"), "an excluded item has no score"))
            problems.append(f"score given for excluded {code}")
        elif not item.not_applicable and item.score is None:
            errors.append(FieldError((*loc, "score"), "score required unless not_applicable"))
            problems.append(f"no score for {code}")
    for code in indicators:
        if code not in first:
            errors.append(FieldError(("body", "items", code), "indicator not scored"))
            problems.append(f"missing {code}")
    if errors:
        raise SCORE_SHEET_INVALID_ITEMS(
            "every indicator must be scored exactly once: " + "; ".join(problems),
            errors=errors,
        )
    return {item.indicator_code: item for item in items}


def _in_range(score: Decimal, max_points: Decimal) -> bool:
    # is_finite first: NaN refuses to be compared and would raise instead of being named.
    return score.is_finite() and _ZERO <= score <= max_points and score % ONE_DECIMAL == 0


def _check_ranges(indicators: Mapping[str, Indicator], items: tuple[ItemInput, ...]) -> None:
    errors = [
        FieldError(
            ("body", "items", index, "score"),
            f"{item.indicator_code}: {item.score} is not 0.."
            f"{indicators[item.indicator_code].max_points} in steps of 0.1",
        )
        for index, item in enumerate(items)
        if item.score is not None
        and not _in_range(item.score, indicators[item.indicator_code].max_points)
    ]
    if errors:
        raise SCORE_SHEET_SCORE_OUT_OF_RANGE(
            "scores out of range: " + "; ".join(e.msg for e in errors),
            errors=errors,
        )


def _check_exclusions(indicators: Mapping[str, Indicator], items: tuple[ItemInput, ...]) -> None:
    errors = [
        FieldError(
            ("body", "items", index, "not_applicable"),
            f"{item.indicator_code} is not marked X and cannot be excluded",
        )
        for index, item in enumerate(items)
        if item.not_applicable and not indicators[item.indicator_code].excludable
    ]
    if errors:
        raise SCORE_SHEET_NOT_EXCLUDABLE(
            "only indicators marked X may be excluded: " + "; ".join(e.msg for e in errors),
            errors=errors,
        )


def _check_notes(sheet: SheetInput) -> None:
    errors = [
        FieldError(("body", "items", index, "note"), f"{item.indicator_code}: exclusion reason")
        for index, item in enumerate(sheet.items)
        if item.not_applicable and is_blank(item.note)
    ]
    errors += [
        FieldError(("body", "special_deductions", index, "description"), "finding required")
        for index, deduction in enumerate(sheet.special_deductions)
        if is_blank(deduction.description)
    ]
    if sheet.special_bonus is not None and is_blank(sheet.special_bonus):
        errors.append(FieldError(("body", "special_bonus", "description"), "reason required"))
    if errors:
        raise SCORE_SHEET_NOTE_REQUIRED(
            "a written reason is required: "
            + "; ".join(".".join(map(str, e.loc[1:])) for e in errors),
            errors=errors,
        )
