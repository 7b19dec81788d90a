"""State machines: every legal move, and every other (state, action) pair refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
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
    effective_status,
    housekeeping_action,
    housekeeping_reason,
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
    (A.ACCEPTED, AA.START_AUDIT, A.IN_AUDIT),
    (A.ACCEPTED, AA.REJECT, A.REJECTED),
    (A.ACCEPTED, AA.WITHDRAW, A.WITHDRAWN),
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
AUDIT_MOVES = {
    AuditKind.INITIAL: STAGE1_MOVES + SCORING_MOVES,
    AuditKind.RECERTIFICATION: STAGE1_MOVES + SCORING_MOVES,
    AuditKind.SURVEILLANCE: [(S.PLANNED, SA.SCORE, S.SCORING), *SCORING_MOVES],
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
    final_audit = {S.DECIDED, S.STAGE1_FAILED}
    moves = [(kind, *k) for kind in AuditKind for k in AUDIT_TRANSITIONS[kind]]
    assert [m for m in moves if m[1] in final_audit] == []


EXPIRES = date(2029, 2, 28)


@pytest.mark.parametrize(
    ("status", "today", "effective"),
    [
        (C.ACTIVE, EXPIRES, C.ACTIVE),  # the last day is still valid
        (C.ACTIVE, date(2029, 3, 1), C.EXPIRED),
        (C.SUSPENDED, EXPIRES, C.SUSPENDED),
        (C.SUSPENDED, date(2029, 3, 1), C.EXPIRED),
        (C.WITHDRAWN, date(2029, 3, 1), C.WITHDRAWN),
        (C.SUPERSEDED, date(2030, 1, 1), C.SUPERSEDED),
        (C.CANCELLED, date(2026, 1, 1), C.CANCELLED),
    ],
)
def test_effective_status_reads_expired_past_expiry(
    status: CertificateStatus, today: date, effective: CertificateStatus
) -> None:
    assert effective_status(status, EXPIRES, today) is effective


def test_a_certificate_past_expiry_cannot_be_reinstated() -> None:
    status = effective_status(C.SUSPENDED, EXPIRES, date(2029, 3, 1))
    refused(
        lambda: certificate_transition(status, CA.REINSTATE), "certificate", "expired", "reinstate"
    )


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


TODAY = date(2027, 6, 15)


def housekeeping(**change: object) -> CertificateAction | None:
    arguments: dict[str, object] = {
        "status": C.ACTIVE,
        "expires_on": date(2028, 6, 30),
        "next_surveillance_due": date(2027, 6, 30),
        "status_changed_on": date(2025, 7, 1),
        "today": TODAY,
        "grace_days": 30,
        "max_suspension_days": 180,
    }
    arguments.update(change)
    action = housekeeping_action(**arguments)  # type: ignore[arg-type]
    if action is not None:
        reason = housekeeping_reason(action, **arguments)  # type: ignore[arg-type]
        assert str(TODAY if action is not CA.EXPIRE else arguments["expires_on"]) in reason
    return action


@pytest.mark.parametrize(
    ("change", "action"),
    [
        ({}, None),
        ({"expires_on": TODAY}, None),  # last valid day
        ({"expires_on": date(2027, 6, 14)}, CA.EXPIRE),
        ({"status": C.SUSPENDED, "expires_on": date(2027, 6, 14)}, CA.EXPIRE),
        ({"status": C.EXPIRED, "expires_on": date(2027, 6, 14)}, None),  # already recorded
        ({"status": C.WITHDRAWN}, None),
        # Surveillance overdue by more than the grace days: 2027-05-16 is 30 days back.
        ({"next_surveillance_due": date(2027, 5, 16)}, None),
        ({"next_surveillance_due": date(2027, 5, 15)}, CA.SUSPEND),
        ({"next_surveillance_due": date(2027, 5, 15), "grace_days": 31}, None),
        ({"next_surveillance_due": None}, None),  # after the second surveillance
        # Suspended longer than the maximum: 2026-12-17 is 180 days back.
        ({"status": C.SUSPENDED, "status_changed_on": date(2026, 12, 17)}, None),
        ({"status": C.SUSPENDED, "status_changed_on": date(2026, 12, 16)}, CA.WITHDRAW),
        # A suspended certificate is not suspended again for its overdue surveillance.
        (
            {"status": C.SUSPENDED, "status_changed_on": TODAY,
             "next_surveillance_due": date(2026, 1, 1)},
            None,
        ),
        # Expiry comes first.
        (
            {"status": C.SUSPENDED, "status_changed_on": date(2026, 1, 1),
             "expires_on": date(2027, 1, 1)},
            CA.EXPIRE,
        ),
    ],
)  # fmt: skip
def test_housekeeping(change: dict[str, object], action: CertificateAction | None) -> None:
    assert housekeeping(**change) is action


def test_housekeeping_reasons_say_why() -> None:
    assert "more than 30 days" in housekeeping_reason(
        CA.SUSPEND,
        expires_on=date(2028, 6, 30),
        next_surveillance_due=date(2027, 5, 1),
        status_changed_on=date(2025, 7, 1),
        today=TODAY,
        grace_days=30,
        max_suspension_days=180,
    )


@pytest.mark.parametrize("change", [{"grace_days": -1}, {"max_suspension_days": -1}])
def test_housekeeping_refuses_negative_periods(change: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="negative"):
        housekeeping(**change)


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
