"""State machines: every legal move, and every other (state, action) pair refused."""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

import pytest

from app.domain.enums import ApplicationStatus, AuditKind, AuditStatus, CertificateStatus
from app.domain.lifecycle import (
    APPLICATION_TRANSITIONS,
    AUDIT_TRANSITIONS,
    CERTIFICATE_TRANSITIONS,
    ApplicationAction,
    AuditAction,
    CertificateAction,
    application_transition,
    audit_transition,
    certificate_transition,
    require_certificate_live,
    require_certificate_renewable,
)
from app.domain.problems import DomainError

A, AA = ApplicationStatus, ApplicationAction
S, SA = AuditStatus, AuditAction
C, CA = CertificateStatus, CertificateAction

APPLICATION_MOVES = [
    (A.SUBMITTED, AA.ACCEPT, A.ACCEPTED),
    (A.SUBMITTED, AA.REJECT, A.REJECTED),
    (A.SUBMITTED, AA.WITHDRAW, A.WITHDRAWN),
    (A.SUBMITTED, AA.AMEND, A.SUBMITTED),  # the status stays
    (A.ACCEPTED, AA.START_AUDIT, A.IN_AUDIT),
    (A.ACCEPTED, AA.REJECT, A.REJECTED),
    (A.ACCEPTED, AA.WITHDRAW, A.WITHDRAWN),
    (A.ACCEPTED, AA.AMEND, A.ACCEPTED),
    (A.IN_AUDIT, AA.RETURN_TO_ACCEPTED, A.ACCEPTED),  # stage 1 failed
    (A.IN_AUDIT, AA.CERTIFY, A.CERTIFIED),
    (A.IN_AUDIT, AA.REFUSE, A.REFUSED),
    (A.IN_AUDIT, AA.WITHDRAW, A.WITHDRAWN),
]
STAGE1_MOVES = [
    (S.PLANNED, SA.PASS_STAGE1, S.STAGE1_PASSED),
    (S.PLANNED, SA.FAIL_STAGE1, S.STAGE1_FAILED),
    (S.STAGE1_PASSED, SA.SCORE, S.SCORING),
]
SCORING_MOVES = [
    (S.SCORING, SA.SCORE, S.SCORING),  # a later revision
    (S.SCORING, SA.COMPLETE, S.COMPLETED),
    (S.COMPLETED, SA.DECIDE, S.DECIDED),
]
PLAN_MOVES = [  # every kind: amend or cancel the plan while planned
    (S.PLANNED, SA.AMEND, S.PLANNED),
    (S.PLANNED, SA.CANCEL, S.CANCELLED),
]
AUDIT_MOVES = {
    AuditKind.INITIAL: STAGE1_MOVES + SCORING_MOVES + PLAN_MOVES,
    AuditKind.RECERTIFICATION: STAGE1_MOVES + SCORING_MOVES + PLAN_MOVES,
    AuditKind.SURVEILLANCE: [(S.PLANNED, SA.SCORE, S.SCORING), *SCORING_MOVES, *PLAN_MOVES],
    AuditKind.UPGRADE: [(S.PLANNED, SA.SCORE, S.SCORING), *SCORING_MOVES, *PLAN_MOVES],
}
CERTIFICATE_MOVES = [
    (C.ACTIVE, CA.SUSPEND, C.SUSPENDED),
    (C.SUSPENDED, CA.REINSTATE, C.ACTIVE),
    *[
        (live, action, target)
        for live in (C.ACTIVE, C.SUSPENDED)
        for action, target in [
            (CA.WITHDRAW, C.WITHDRAWN),
            (CA.CANCEL, C.CANCELLED),
            (CA.EXPIRE, C.EXPIRED),
            (CA.SUPERSEDE, C.SUPERSEDED),
        ]
    ],
]


@pytest.mark.parametrize(("status", "action", "target"), APPLICATION_MOVES)
def test_application_moves(
    status: ApplicationStatus, action: ApplicationAction, target: ApplicationStatus
) -> None:
    assert application_transition(status, action) is target


@pytest.mark.parametrize(
    ("kind", "status", "action", "target"),
    [(kind, *move) for kind, moves in AUDIT_MOVES.items() for move in moves],
)
def test_audit_moves(
    kind: AuditKind, status: AuditStatus, action: AuditAction, target: AuditStatus
) -> None:
    assert audit_transition(kind, status, action) is target


@pytest.mark.parametrize(("status", "action", "target"), CERTIFICATE_MOVES)
def test_certificate_moves(
    status: CertificateStatus, action: CertificateAction, target: CertificateStatus
) -> None:
    assert certificate_transition(status, action) is target


def test_the_tables_hold_exactly_the_legal_moves() -> None:
    assert dict(APPLICATION_TRANSITIONS) == {(s, a): t for s, a, t in APPLICATION_MOVES}
    assert dict(CERTIFICATE_TRANSITIONS) == {(s, a): t for s, a, t in CERTIFICATE_MOVES}
    for kind in AuditKind:
        assert dict(AUDIT_TRANSITIONS[kind]) == {(s, a): t for s, a, t in AUDIT_MOVES[kind]}


def refused(call: Callable[[], object], entity: str, state: str, action: str) -> None:
    with pytest.raises(DomainError) as caught:
        call()
    error = caught.value
    assert error.code == f"{entity}.invalid_transition"
    assert error.status == 409
    # the detail names the move and the state in words: "cannot reinstate a certificate that
    # is active", "cannot pass stage 1 of an initial audit that is scoring"
    words = state.replace("stage1", "stage 1").replace("_", " ")
    assert error.detail.startswith("cannot ") and error.detail.endswith(f" that is {words}")
    assert entity.replace("_", " ") in error.detail
    assert "_" not in error.detail


@pytest.mark.parametrize(
    ("status", "action"),
    [p for p in product(A, AA) if p not in APPLICATION_TRANSITIONS],
)
def test_every_other_application_move_is_refused(
    status: ApplicationStatus, action: ApplicationAction
) -> None:
    refused(lambda: application_transition(status, action), "application", status, action)


@pytest.mark.parametrize(
    ("kind", "status", "action"),
    [p for p in product(AuditKind, S, SA) if (p[1], p[2]) not in AUDIT_TRANSITIONS[p[0]]],
)
def test_every_other_audit_move_is_refused(
    kind: AuditKind, status: AuditStatus, action: AuditAction
) -> None:
    refused(lambda: audit_transition(kind, status, action), "audit", status, action)


@pytest.mark.parametrize(
    ("status", "action"),
    [p for p in product(C, CA) if p not in CERTIFICATE_TRANSITIONS],
)
def test_every_other_certificate_move_is_refused(
    status: CertificateStatus, action: CertificateAction
) -> None:
    refused(lambda: certificate_transition(status, action), "certificate", status, action)


def test_final_states_have_no_way_out() -> None:
    # every move out of a final state, all named at once
    final = {A.CERTIFIED, A.REFUSED, A.REJECTED, A.WITHDRAWN}
    assert [k for k in APPLICATION_TRANSITIONS if k[0] in final] == []
    final_certificate = {C.WITHDRAWN, C.CANCELLED, C.EXPIRED, C.SUPERSEDED}
    assert [k for k in CERTIFICATE_TRANSITIONS if k[0] in final_certificate] == []
    final_audit = {S.DECIDED, S.STAGE1_FAILED, S.CANCELLED}
    moves = [(kind, *k) for kind in AuditKind for k in AUDIT_TRANSITIONS[kind]]
    assert [m for m in moves if m[1] in final_audit] == []


REQUIREMENTS = {
    "renewable": (require_certificate_renewable, "audit.certificate_not_renewable"),
    "live": (require_certificate_live, "audit.certificate_not_live"),
}
LIVE = (C.ACTIVE, C.SUSPENDED)


@pytest.mark.parametrize("requirement", list(REQUIREMENTS))
@pytest.mark.parametrize("status", LIVE)
def test_active_and_suspended_are_renewable_and_live(
    status: CertificateStatus, requirement: str
) -> None:
    check, _ = REQUIREMENTS[requirement]
    check(status)  # raises nothing


@pytest.mark.parametrize("requirement", list(REQUIREMENTS))
@pytest.mark.parametrize("status", [s for s in C if s not in LIVE])
def test_other_certificates_are_neither_renewable_nor_live(
    status: CertificateStatus, requirement: str
) -> None:
    check, code = REQUIREMENTS[requirement]
    with pytest.raises(DomainError) as caught:
        check(status)
    assert caught.value.code == code


@pytest.mark.parametrize("status", list(ApplicationStatus))
def test_only_a_withdrawn_application_stops_following_its_audit(status: ApplicationStatus) -> None:
    from app.domain.lifecycle import application_follows_audit

    assert application_follows_audit(status) is (status is not ApplicationStatus.WITHDRAWN)


@pytest.mark.parametrize("status", list(CertificateStatus))
def test_is_live_means_active_or_suspended(status: CertificateStatus) -> None:
    from app.domain.lifecycle import is_live

    assert is_live(status) is (status in {CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED})


def test_two_surveillance_audits_per_cycle_then_the_recertification() -> None:
    from app.domain.lifecycle import require_surveillance_remaining

    require_surveillance_remaining(0)
    require_surveillance_remaining(1)
    with pytest.raises(DomainError) as raised:
        require_surveillance_remaining(2)
    assert raised.value.code == "audit.invalid_transition"
    assert "recertification" in raised.value.detail
