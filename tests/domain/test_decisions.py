"""The certification decision of docs/domain.md §8 and the order of its checks."""

from __future__ import annotations

import pytest

from app.domain.decisions import check_decision
from app.domain.enums import DecisionOutcome, Grade
from app.domain.problems import (
    DECISION_FAIL_NOT_GRANTABLE,
    DECISION_GRADE_ABOVE_RECOMMENDATION,
    DECISION_IMPARTIALITY_CONFLICT,
    DECISION_OPEN_CORRECTIVE_ACTIONS,
    DomainError,
    ProblemType,
)
from app.domain.problems import VALIDATION as INVALID

GRANT, REFUSE = DecisionOutcome.GRANT, DecisionOutcome.REFUSE


def decide(**change: object) -> Grade | None:
    arguments: dict[str, object] = {
        "outcome": GRANT,
        "recommended": Grade.FOUR_STAR,
        "requested_grade": None,
        "open_corrective_actions": 0,
        "decider_on_team": False,
    }
    arguments.update(change)
    return check_decision(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "granted"),
    [
        ({}, Grade.FOUR_STAR),  # no grade asked: the recommendation
        ({"requested_grade": Grade.FOUR_STAR}, Grade.FOUR_STAR),
        ({"requested_grade": Grade.THREE_STAR}, Grade.THREE_STAR),  # lower is allowed
        ({"requested_grade": Grade.COMPLIANT}, Grade.COMPLIANT),
        ({"recommended": Grade.COMPLIANT}, Grade.COMPLIANT),
        ({"outcome": REFUSE}, None),
        ({"outcome": REFUSE, "recommended": Grade.FAIL, "open_corrective_actions": 3}, None),
    ],
)
def test_decisions_that_stand(change: dict[str, object], granted: Grade | None) -> None:
    assert decide(**change) is granted


IMPARTIALITY = DECISION_IMPARTIALITY_CONFLICT
VALIDATION = INVALID
FAIL_NOT_GRANTABLE = DECISION_FAIL_NOT_GRANTABLE
ABOVE = DECISION_GRADE_ABOVE_RECOMMENDATION
OPEN_ACTIONS = DECISION_OPEN_CORRECTIVE_ACTIONS
FAIL, FIVE = Grade.FAIL, Grade.FIVE_STAR


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"decider_on_team": True}, IMPARTIALITY),
        ({"decider_on_team": True, "outcome": REFUSE}, IMPARTIALITY),
        ({"recommended": FAIL}, FAIL_NOT_GRANTABLE),
        ({"requested_grade": FIVE}, ABOVE),
        ({"requested_grade": FAIL}, VALIDATION),
        ({"outcome": REFUSE, "requested_grade": Grade.COMPLIANT}, VALIDATION),
        ({"open_corrective_actions": 1}, OPEN_ACTIONS),
        # The order of checks: impartiality, request shape, fail, grade, corrective actions.
        ({"decider_on_team": True, "requested_grade": FAIL}, IMPARTIALITY),
        ({"recommended": FAIL, "requested_grade": FAIL}, VALIDATION),
        ({"recommended": FAIL, "requested_grade": FIVE}, FAIL_NOT_GRANTABLE),
        ({"recommended": FAIL, "open_corrective_actions": 2}, FAIL_NOT_GRANTABLE),
        ({"requested_grade": FIVE, "open_corrective_actions": 2}, ABOVE),
    ],
)
def test_decisions_refused(change: dict[str, object], refusal: ProblemType) -> None:
    with pytest.raises(DomainError) as caught:
        decide(**change)
    assert caught.value.problem is refusal
