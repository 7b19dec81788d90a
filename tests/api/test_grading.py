"""The grading rules of docs/domain.md §1.7 through the API: each threshold on both sides, with
and without special deductions, the five-deduction rule, exclusions with half-up rounding and
the special bonus capped at 100. The rows come in four classes, each a test of its own; each row
of a class is one revision of the same audit's score sheet, and a subtest named by the row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.support.api import Api
from tests.support.workflow import Cast, Story, indicators, sheet

SALES_X = ("warranty.repair_network", "delivery.distribution", "delivery.installation")

# (enterprise type, achieved points, excluded, deductions, bonus) →
#     (applicable, base score, final score, grade)
THRESHOLDS = [
    ("production", "95", (), 0, False, (100, 95, 95, "five_star")),
    ("production", "94.9", (), 0, False, (100, 94.9, 94.9, "four_star")),
    ("production", "90", (), 0, False, (100, 90, 90, "four_star")),
    ("production", "89.9", (), 0, False, (100, 89.9, 89.9, "three_star")),
    ("production", "80", (), 0, False, (100, 80, 80, "three_star")),
    ("production", "79.9", (), 0, False, (100, 79.9, 79.9, "compliant")),
    ("production", "70", (), 0, False, (100, 70, 70, "compliant")),
    ("production", "69.9", (), 0, False, (100, 69.9, 69.9, "fail")),
    ("production", "0", (), 0, False, (100, 0, 0, "fail")),
]
# special deductions: one point each, outside the score
DEDUCTIONS = [
    ("production", "96", (), 1, False, (100, 96, 95, "five_star")),
    ("production", "95.9", (), 1, False, (100, 95.9, 94.9, "four_star")),
    ("production", "91", (), 1, False, (100, 91, 90, "four_star")),
    ("production", "90.9", (), 1, False, (100, 90.9, 89.9, "three_star")),
    ("production", "82", (), 2, False, (100, 82, 80, "three_star")),
    ("production", "81.9", (), 2, False, (100, 81.9, 79.9, "compliant")),
    ("production", "71", (), 1, False, (100, 71, 70, "compliant")),
    ("production", "70.9", (), 1, False, (100, 70.9, 69.9, "fail")),
    ("production", "100", (), 4, False, (100, 100, 96, "five_star")),
    ("production", "100", (), 5, False, (100, 100, 95, "fail")),  # five deductions fail
    ("production", "3", (), 4, False, (100, 3, 0, "fail")),  # never below 0
]
# the special bonus: +1, capped at 100
BONUS = [
    ("production", "94", (), 0, True, (100, 94, 95, "five_star")),
    ("production", "100", (), 0, True, (100, 100, 100, "five_star")),
    ("production", "99.5", (), 0, True, (100, 99.5, 100, "five_star")),
    ("production", "99.5", (), 1, True, (100, 99.5, 99, "five_star")),
    ("production", "69", (), 0, True, (100, 69, 70, "compliant")),
]
# exclusions: base = achieved ÷ applicable × 100, half-up to one decimal
EXCLUSIONS = [
    ("production", "89.3", ("delivery.installation",), 0, False, (94, 95, 95, "five_star")),
    ("production", "89.2", ("delivery.installation",), 0, False, (94, 94.9, 94.9, "four_star")),
    ("sales_service", "76.2", SALES_X, 0, False, (80, 95.3, 95.3, "five_star")),  # 95.25 ↑
    ("sales_service", "75.8", SALES_X, 0, False, (80, 94.8, 94.8, "four_star")),  # 94.75 ↑
    ("sales_service", "71.8", SALES_X, 0, False, (80, 89.8, 89.8, "three_star")),  # 89.75 ↑
    ("sales_service", "55.8", SALES_X, 0, False, (80, 69.8, 69.8, "fail")),  # 69.75 ↑
    ("sales_service", "56", SALES_X, 0, False, (80, 70, 70, "compliant")),
    ("sales_service", "80", SALES_X, 0, False, (80, 100, 100, "five_star")),
    ("sales_service", "100", (), 0, False, (100, 100, 100, "five_star")),
]


@pytest.mark.parametrize(
    "rows",
    [THRESHOLDS, DEDUCTIONS, BONUS, EXCLUSIONS],
    ids=["thresholds", "special-deductions", "special-bonus", "exclusions"],
)
async def test_grading_boundaries_through_the_api(
    api: Api, subtests: pytest.Subtests, rows: list[tuple[Any, ...]]
) -> None:
    cast = await Cast.hire(api)
    story = Story(api, cast)
    audits = {}
    rubrics = {}
    for enterprise_type in dict.fromkeys(row[0] for row in rows):
        audits[enterprise_type] = await story.scoring_audit(enterprise_type=enterprise_type)
        rubrics[enterprise_type] = await indicators(api, cast.staff, enterprise_type)
    revisions = dict.fromkeys(audits, 0)
    for enterprise_type, total, excluded, deductions, bonus, expected in rows:
        case = (enterprise_type, total, excluded, deductions, bonus)
        with subtests.test(case=case):
            body = sheet(
                rubrics[enterprise_type],
                total=Decimal(total),
                excluded=excluded,
                deductions=deductions,
                bonus=bonus,
            )
            result = await story.score(audits[enterprise_type]["id"], body)
            revisions[enterprise_type] += 1  # a refused sheet would make no revision
            got = (
                result["applicable_points"],
                result["base_score"],
                result["final_score"],
                result["grade"],
            )
            assert got == expected, f"{case}: {got} != {expected}"
            assert result["revision"] == revisions[enterprise_type]
            assert result["special_deduction_count"] == deductions
            assert result["bonus"] == (1 if bonus else 0)
