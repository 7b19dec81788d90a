"""The certification decision (docs/domain.md §8; ISO/IEC 17065 7.6).

Checks run in this order, the first failure wins:

1. impartiality — a decider on the audit team may not decide at all (403), whatever the
   request says: who may act is settled before what they ask;
2. the request's shape — a grant for ``fail``, or a refusal that names a grade (422
   ``request.validation``);
3. for a grant: a ``fail`` recommendation cannot be granted (409), a grade above the
   recommendation cannot be given (422), and open corrective actions block it (409).
"""

from __future__ import annotations

from app.domain.enums import DecisionOutcome, Grade
from app.domain.problems import (
    DECISION_FAIL_NOT_GRANTABLE,
    DECISION_GRADE_ABOVE_RECOMMENDATION,
    DECISION_IMPARTIALITY_CONFLICT,
    DECISION_OPEN_CORRECTIVE_ACTIONS,
    VALIDATION,
    FieldError,
)


def check_decision(
    *,
    outcome: DecisionOutcome,
    recommended: Grade,
    requested_grade: Grade | None,
    open_corrective_actions: int,
    decider_on_team: bool,
) -> Grade | None:
    """The granted grade (the requested one, else the recommendation), or None for refuse."""
    if decider_on_team:
        raise DECISION_IMPARTIALITY_CONFLICT(
            "the decision must be taken by a committee member who took no part in the audit",
        )
    if outcome is DecisionOutcome.REFUSE:
        if requested_grade is not None:
            raise VALIDATION(
                "a refusal carries no grade",
                errors=[FieldError(("body", "grade"), "must be absent when refusing")],
            )
        return None
    if requested_grade is Grade.FAIL:
        raise VALIDATION(
            "a grant needs a passing grade",
            errors=[FieldError(("body", "grade"), "fail cannot be granted")],
        )
    if recommended is Grade.FAIL:
        raise DECISION_FAIL_NOT_GRANTABLE("the audit recommends fail: only refuse is possible")
    grade = recommended if requested_grade is None else requested_grade
    if grade.rank > recommended.rank:
        raise DECISION_GRADE_ABOVE_RECOMMENDATION(
            f"grade {grade.value} is above the recommended {recommended.value}",
            errors=[FieldError(("body", "grade"), f"at most {recommended.value}")],
        )
    if open_corrective_actions > 0:
        raise DECISION_OPEN_CORRECTIVE_ACTIONS(
            f"{open_corrective_actions} corrective action(s) of the audit are still open",
        )
    return grade
