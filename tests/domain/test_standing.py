"""A certificate's standing: status as read, validity on a date, the surveillance window, the
causes of a suspension and each one's way back, the surveillance grade, housekeeping."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.dates import initial_certificate_dates, recertified_certificate_dates
from app.domain.enums import SURVEILLANCE_CAUSES, CertificateStatus, Grade, SuspensionCause
from app.domain.lifecycle import CertificateAction
from app.domain.problems import DomainError
from app.domain.standing import (
    HOUSEKEEPING_CAUSES,
    NO_CAUSES,
    after_reinstatement,
    after_surveillance_grant,
    before_surveillance_window,
    body_suspension,
    causes_of,
    effective_status,
    housekeeping_action,
    housekeeping_date,
    housekeeping_reason,
    is_valid_on,
    require_no_successor,
    require_surveillance_window,
    status_for,
    status_since,
    stored,
    surveillance_grade,
    surveillance_window_opens,
    suspended_for,
)

C, CA, SC = CertificateStatus, CertificateAction, SuspensionCause
LIVE = (C.ACTIVE, C.SUSPENDED)
FINAL = [s for s in C if s not in LIVE]
ALL_CAUSE_SETS = [
    frozenset(combo) for n in range(len(SC) + 1) for combo in combinations(list(SC), n)
]
EXPIRES = date(2029, 2, 28)


def code_of(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.code


# --- the status as read ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "today", "superseded_on", "shown"),
    [
        (C.ACTIVE, EXPIRES, None, C.ACTIVE),  # the last day is still valid
        (C.ACTIVE, date(2029, 3, 1), None, C.EXPIRED),
        (C.SUSPENDED, EXPIRES, None, C.SUSPENDED),
        (C.SUSPENDED, date(2029, 3, 1), None, C.EXPIRED),
        (C.WITHDRAWN, date(2029, 3, 1), None, C.WITHDRAWN),
        (C.SUPERSEDED, date(2030, 1, 1), None, C.SUPERSEDED),
        (C.CANCELLED, date(2026, 1, 1), None, C.CANCELLED),
        # the successor's validity begins on 2028-12-01
        (C.ACTIVE, date(2028, 11, 30), date(2028, 12, 1), C.ACTIVE),
        (C.ACTIVE, date(2028, 12, 1), date(2028, 12, 1), C.SUPERSEDED),
        (C.SUSPENDED, date(2028, 12, 1), date(2028, 12, 1), C.SUPERSEDED),
        (C.SUSPENDED, date(2028, 11, 30), date(2028, 12, 1), C.SUSPENDED),
        # continuity: the day after the old expiry is the successor's first: superseded first
        (C.ACTIVE, date(2029, 3, 1), date(2029, 3, 1), C.SUPERSEDED),
        (C.ACTIVE, date(2029, 3, 1), date(2029, 3, 2), C.EXPIRED),
        # a recorded final status is what it says
        (C.WITHDRAWN, date(2028, 12, 1), date(2028, 12, 1), C.WITHDRAWN),
        (C.EXPIRED, date(2029, 3, 1), date(2029, 3, 1), C.EXPIRED),
    ],
)
def test_effective_status(
    status: CertificateStatus, today: date, superseded_on: date | None, shown: CertificateStatus
) -> None:
    assert effective_status(status, EXPIRES, today, superseded_on) is shown


CHANGED = date(2027, 5, 5)


@pytest.mark.parametrize(
    ("status", "today", "superseded_on", "since"),
    [
        (C.ACTIVE, date(2028, 1, 1), None, CHANGED),
        (C.SUSPENDED, date(2028, 1, 1), date(2028, 6, 1), CHANGED),
        (C.SUSPENDED, date(2029, 3, 10), None, date(2029, 3, 1)),  # expired at read time
        (C.EXPIRED, date(2029, 3, 10), None, CHANGED),  # as housekeeping recorded it
        (C.ACTIVE, date(2028, 6, 1), date(2028, 6, 1), date(2028, 6, 1)),  # superseded now
        (C.SUPERSEDED, date(2028, 7, 1), date(2028, 6, 1), date(2028, 6, 1)),
        (C.SUPERSEDED, date(2028, 7, 1), None, CHANGED),  # recorded without the day
        (C.WITHDRAWN, date(2028, 7, 1), date(2028, 6, 1), CHANGED),
    ],
)
def test_status_since(
    status: CertificateStatus, today: date, superseded_on: date | None, since: date
) -> None:
    assert status_since(status, CHANGED, EXPIRES, today, superseded_on) == since


@pytest.mark.parametrize("status", list(C))
@pytest.mark.parametrize(
    ("on", "inside"),
    [
        (date(2026, 3, 1), False),  # the day before valid_from
        (date(2026, 3, 2), True),  # valid_from
        (date(2027, 7, 1), True),
        (EXPIRES, True),  # the last day
        (date(2029, 3, 1), False),
    ],
)
def test_valid_on_a_date_means_active_and_within_validity(
    status: CertificateStatus, on: date, inside: bool
) -> None:
    assert is_valid_on(status, date(2026, 3, 2), EXPIRES, on) is (inside and status is C.ACTIVE)


@given(
    issued=st.dates(date(2024, 1, 1), date(2032, 12, 31)),
    decided_after=st.integers(0, 3 * 366),
    check_offset=st.integers(0, 7 * 366),
)
def test_on_every_date_exactly_one_of_old_and_new_is_in_force(
    issued: date, decided_after: int, check_offset: int
) -> None:
    """From the old certificate's first day to the new one's last, whenever the
    recertification is decided while the old one is valid."""
    old = initial_certificate_dates(issued)
    decided = min(issued + timedelta(days=decided_after), old.expires_on)
    new = recertified_certificate_dates(decided_on=decided, old_expires_on=old.expires_on)
    on = min(old.valid_from + timedelta(days=check_offset), new.expires_on)
    superseded_on = new.valid_from

    def in_force(recorded: CertificateStatus, valid_from: date, expires_on: date,
                 successor_from: date | None) -> bool:  # fmt: skip
        status = effective_status(recorded, expires_on, on, successor_from)
        return is_valid_on(status, valid_from, expires_on, on)

    old_in_force = in_force(C.ACTIVE, old.valid_from, old.expires_on, superseded_on)
    new_in_force = on >= decided and in_force(C.ACTIVE, new.valid_from, new.expires_on, None)
    if on < decided:
        assert old_in_force and not new_in_force
    else:
        assert old_in_force != new_in_force, (old, new, on)


# --- the surveillance window -------------------------------------------------------------------

DUE = date(2027, 11, 22)


@pytest.mark.parametrize(
    ("decided_on", "allowed"),
    [
        (date(2027, 8, 23), False),  # the day before the window opens
        (date(2027, 8, 24), True),  # the window's first day: 90 days before the due date
        (DUE, True),  # the due date
        (DUE + timedelta(days=200), True),  # late is housekeeping's matter, not refused
        (date(2027, 1, 10), False),  # the January of the first year
    ],
)
def test_the_surveillance_window(decided_on: date, allowed: bool) -> None:
    if allowed:
        require_surveillance_window(DUE, decided_on, 90)
        return
    with pytest.raises(DomainError) as caught:
        require_surveillance_window(DUE, decided_on, 90)
    error = caught.value
    assert (error.code, error.status) == ("audit.surveillance_not_due", 409)
    assert error.extensions == {"window_opens_on": date(2027, 8, 24)}
    assert "2027-08-24" in error.detail and str(decided_on) in error.detail


def test_a_window_of_zero_days_opens_on_the_due_date() -> None:
    assert surveillance_window_opens(DUE, 0) == DUE
    require_surveillance_window(DUE, DUE, 0)
    assert code_of(require_surveillance_window, DUE, DUE - timedelta(days=1), 0) == (
        "audit.surveillance_not_due"
    )
    with pytest.raises(ValueError, match="negative"):
        surveillance_window_opens(DUE, -1)


@given(st.dates(date(2026, 1, 1), date(2035, 12, 31)), st.integers(0, 180))
def test_two_surveillances_never_fall_in_one_window(valid_from: date, window: int) -> None:
    """The first surveillance's window ends at its due date; the second's opens after it, so
    two decisions in a row can never both fall in the first year."""
    first = initial_certificate_dates(valid_from).next_surveillance_due
    assert first is not None
    second = date(first.year + 1, first.month, first.day) if (first.month, first.day) != (
        2, 29) else date(first.year + 1, 3, 1)  # fmt: skip
    assert surveillance_window_opens(second, window) > first


@pytest.mark.parametrize(
    ("planned_end", "due", "opens"),
    [
        (date(2027, 8, 23), DUE, date(2027, 8, 24)),  # ends before the window: warned
        (date(2027, 8, 24), DUE, None),  # ends on its first day: decidable after
        (date(2027, 12, 1), DUE, None),
        (date(2026, 12, 8), None, None),  # nothing due (no surveillance left)
    ],
)
def test_planning_before_the_window_is_warned(
    planned_end: date, due: date | None, opens: date | None
) -> None:
    assert before_surveillance_window(planned_end, due, 90) == opens


# --- the causes of a suspension -------------------------------------------------------------------


def test_causes_are_stored_in_declared_order_and_read_back() -> None:
    every = frozenset(SC)
    assert stored(every) == ["surveillance_refused", "surveillance_overdue", "body_decision"]
    assert stored([SC.BODY_DECISION, SC.SURVEILLANCE_REFUSED]) == [
        "surveillance_refused",
        "body_decision",
    ]
    assert causes_of(stored(every)) == every
    assert causes_of([]) == NO_CAUSES
    with pytest.raises(ValueError, match="unpaid"):
        causes_of(["unpaid"])


@pytest.mark.parametrize("held", ALL_CAUSE_SETS, ids=lambda c: "+".join(stored(c)) or "none")
@pytest.mark.parametrize("cause", list(SC))
def test_suspended_for_adds_a_cause_once(
    held: frozenset[SuspensionCause], cause: SuspensionCause
) -> None:
    after = suspended_for(held, cause)
    assert after == held | {cause}
    assert suspended_for(after, cause) == after
    assert status_for(after) is C.SUSPENDED


def test_the_status_follows_the_causes() -> None:
    assert status_for(NO_CAUSES) is C.ACTIVE
    assert status_for(frozenset({SC.BODY_DECISION})) is C.SUSPENDED


@pytest.mark.parametrize("held", ALL_CAUSE_SETS, ids=lambda c: "+".join(stored(c)) or "none")
def test_a_granted_surveillance_lifts_the_surveillance_causes_only(
    held: frozenset[SuspensionCause],
) -> None:
    after = after_surveillance_grant(held)
    assert after == held - SURVEILLANCE_CAUSES
    assert status_for(after) is (C.SUSPENDED if SC.BODY_DECISION in held else C.ACTIVE)


@pytest.mark.parametrize("held", ALL_CAUSE_SETS, ids=lambda c: "+".join(stored(c)) or "none")
def test_a_reinstatement_lifts_the_body_decision_and_needs_an_audit_for_the_rest(
    held: frozenset[SuspensionCause],
) -> None:
    if held & SURVEILLANCE_CAUSES:
        with pytest.raises(DomainError) as caught:
            after_reinstatement(held)
        assert (caught.value.code, caught.value.status) == (
            "certificate.reinstatement_needs_audit",
            409,
        )
        for cause in held & SURVEILLANCE_CAUSES:
            assert cause.value in caught.value.detail
    else:
        assert after_reinstatement(held) == NO_CAUSES


@pytest.mark.parametrize(
    ("cause", "way_back"),
    [
        (SC.SURVEILLANCE_REFUSED, "grant"),
        (SC.SURVEILLANCE_OVERDUE, "grant"),
        (SC.BODY_DECISION, "reinstate"),
    ],
)
def test_each_cause_has_one_way_back(cause: SuspensionCause, way_back: str) -> None:
    held = frozenset({cause})
    if way_back == "grant":
        assert status_for(after_surveillance_grant(held)) is C.ACTIVE
        assert code_of(after_reinstatement, held) == "certificate.reinstatement_needs_audit"
    else:
        assert status_for(after_reinstatement(held)) is C.ACTIVE
        assert status_for(after_surveillance_grant(held)) is C.SUSPENDED


def test_a_suspension_by_the_body_and_a_refused_surveillance_need_both_ways_back() -> None:
    held = suspended_for(body_suspension(C.ACTIVE, NO_CAUSES), SC.SURVEILLANCE_REFUSED)
    assert code_of(after_reinstatement, held) == "certificate.reinstatement_needs_audit"
    audited = after_surveillance_grant(held)
    assert audited == {SC.BODY_DECISION} and status_for(audited) is C.SUSPENDED
    assert status_for(after_reinstatement(audited)) is C.ACTIVE


@pytest.mark.parametrize(
    ("status", "held", "after"),
    [
        (C.ACTIVE, NO_CAUSES, {SC.BODY_DECISION}),
        (C.SUSPENDED, {SC.SURVEILLANCE_REFUSED}, {SC.SURVEILLANCE_REFUSED, SC.BODY_DECISION}),
        (C.SUSPENDED, {SC.SURVEILLANCE_OVERDUE}, {SC.SURVEILLANCE_OVERDUE, SC.BODY_DECISION}),
        (C.SUSPENDED, NO_CAUSES, {SC.BODY_DECISION}),  # an import without causes
    ],
)
def test_a_staff_suspension_is_the_bodys_decision(
    status: CertificateStatus, held: set[SuspensionCause], after: set[SuspensionCause]
) -> None:
    assert body_suspension(status, frozenset(held)) == after


@pytest.mark.parametrize(
    ("status", "held"),
    [
        (C.SUSPENDED, {SC.BODY_DECISION}),
        (C.SUSPENDED, {SC.BODY_DECISION, SC.SURVEILLANCE_REFUSED}),
        *[(s, set()) for s in FINAL],
    ],
)
def test_a_staff_suspension_is_refused_when_it_changes_nothing(
    status: CertificateStatus, held: set[SuspensionCause]
) -> None:
    with pytest.raises(DomainError) as caught:
        body_suspension(status, frozenset(held))
    assert caught.value.code == "certificate.invalid_transition"
    assert caught.value.detail == f"cannot suspend a certificate that is {status.value}"


@pytest.mark.parametrize("renewing", [True, False])
def test_a_certificate_naming_its_successor_is_not_audited_again(renewing: bool) -> None:
    require_no_successor(None, renewing=renewing)
    with pytest.raises(DomainError) as caught:
        require_no_successor("ASC-2029-000001", renewing=renewing)
    expected = "audit.certificate_not_renewable" if renewing else "audit.certificate_not_live"
    assert caught.value.code == expected
    assert "ASC-2029-000001" in caught.value.detail


# --- the grade of a surveillance ------------------------------------------------------------------

PASSING = [g for g in Grade if g is not Grade.FAIL]


@pytest.mark.parametrize("current", PASSING)
@pytest.mark.parametrize("granted", PASSING)
@pytest.mark.parametrize("requested", [True, False])
def test_a_surveillance_keeps_or_lowers_the_grade(
    current: Grade, granted: Grade, requested: bool
) -> None:
    if granted.rank <= current.rank:
        assert surveillance_grade(granted, current, requested=requested) is granted
    elif requested:
        with pytest.raises(DomainError) as caught:
            surveillance_grade(granted, current, requested=True)
        error = caught.value
        assert (error.code, error.status) == ("decision.grade_above_current", 422)
        assert [(e.loc, e.msg) for e in error.errors] == [
            (("body", "grade"), f"at most {current.value}")
        ]
    else:  # a higher recommendation keeps the grade
        assert surveillance_grade(granted, current, requested=False) is current


# --- housekeeping -------------------------------------------------------------------------------

TODAY = date(2027, 6, 15)


def housekeeping(**change: object) -> CertificateAction | None:
    arguments: dict[str, object] = {
        "status": C.ACTIVE,
        "expires_on": date(2028, 6, 30),
        "next_surveillance_due": date(2027, 6, 30),
        "status_changed_on": date(2025, 7, 1),
        "superseded_by": None,
        "superseded_on": None,
        "today": TODAY,
        "grace_days": 30,
        "max_suspension_days": 180,
    }
    arguments.update(change)
    action = housekeeping_action(**arguments)  # type: ignore[arg-type]
    if action is not None:
        reason = housekeeping_reason(action, **arguments)  # type: ignore[arg-type]
        expected = {
            CA.EXPIRE: arguments["expires_on"],
            CA.SUPERSEDE: arguments["superseded_by"],
        }.get(action, TODAY)
        assert str(expected) in reason
    return action


SUCCESSOR = {"superseded_by": "ASC-2027-000009"}


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
        # The successor's validity begins: superseded, before anything else.
        ({**SUCCESSOR, "superseded_on": date(2027, 6, 16)}, None),
        ({**SUCCESSOR, "superseded_on": TODAY}, CA.SUPERSEDE),
        ({**SUCCESSOR, "superseded_on": date(2027, 6, 1), "status": C.SUSPENDED,
          "status_changed_on": date(2026, 1, 1)}, CA.SUPERSEDE),
        ({**SUCCESSOR, "superseded_on": date(2027, 6, 15), "expires_on": date(2027, 6, 14)},
         CA.SUPERSEDE),
        ({**SUCCESSOR, "superseded_on": TODAY, "status": C.WITHDRAWN}, None),
        # Naming its successor, a certificate is not suspended for an overdue surveillance.
        ({**SUCCESSOR, "superseded_on": date(2027, 9, 1),
          "next_surveillance_due": date(2027, 1, 1)}, None),
    ],
)  # fmt: skip
def test_housekeeping(change: dict[str, object], action: CertificateAction | None) -> None:
    assert housekeeping(**change) is action


def test_housekeeping_reasons_say_why() -> None:
    facts = {
        "expires_on": date(2028, 6, 30),
        "next_surveillance_due": date(2027, 5, 1),
        "status_changed_on": date(2025, 7, 1),
        "superseded_by": "ASC-2027-000009",
        "superseded_on": date(2027, 6, 1),
        "today": TODAY,
        "grace_days": 30,
        "max_suspension_days": 180,
    }
    assert "more than 30 days" in housekeeping_reason(CA.SUSPEND, **facts)  # type: ignore[arg-type]
    assert housekeeping_reason(CA.SUPERSEDE, **facts) == (  # type: ignore[arg-type]
        "replaced by ASC-2027-000009, valid from 2027-06-01"
    )


@pytest.mark.parametrize("change", [{"grace_days": -1}, {"max_suspension_days": -1}])
def test_housekeeping_refuses_negative_periods(change: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="negative"):
        housekeeping(**change)


@pytest.mark.parametrize(
    ("action", "superseded_on", "day"),
    [
        (CA.SUPERSEDE, date(2027, 6, 1), date(2027, 6, 1)),  # the successor's first day
        (CA.SUPERSEDE, None, TODAY),
        (CA.EXPIRE, None, date(2028, 7, 1)),  # the day after expires_on
        (CA.SUSPEND, None, TODAY),
        (CA.WITHDRAW, None, TODAY),
    ],
)
def test_a_housekeeping_move_is_dated_the_day_it_happened(
    action: CertificateAction, superseded_on: date | None, day: date
) -> None:
    got = housekeeping_date(
        action,  # type: ignore[arg-type]
        expires_on=date(2028, 6, 30),
        superseded_on=superseded_on,
        today=TODAY,
    )
    assert got == day


def test_only_a_housekeeping_suspension_has_a_cause() -> None:
    assert {
        CA.SUPERSEDE: NO_CAUSES,
        CA.EXPIRE: NO_CAUSES,
        CA.WITHDRAW: NO_CAUSES,
        CA.SUSPEND: {SC.SURVEILLANCE_OVERDUE},
    } == HOUSEKEEPING_CAUSES
