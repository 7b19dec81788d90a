"""A certificate's public history and its standing at the end of a day, from its event log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.enums import CertificateStatus, Grade
from app.domain.history import (
    Facts,
    HistoryAction,
    Logged,
    Standing,
    Step,
    read,
    standing_on,
)

C, G, A = CertificateStatus, Grade, HistoryAction
ISSUED = date(2026, 11, 23)
EXPIRES = date(2029, 11, 22)
SUSPENDED_ON = date(2027, 3, 8)
REINSTATED_ON = date(2027, 4, 1)
DAY = timedelta(days=1)


def facts(**override: Any) -> Facts:
    values: dict[str, Any] = {
        "issued_on": ISSUED,
        "expires_on": EXPIRES,
        "status": C.ACTIVE,
        "status_changed_on": ISSUED,
        "grade": G.FOUR_STAR,
    }
    return Facts(**(values | override))


def ev(action: str, on: date, **data: Any) -> Logged:
    return Logged(f"certificate.{action}", on, data)


def issued(grade: str = "four_star") -> Logged:
    return ev("issued", ISSUED, grade=grade, issued_on=ISSUED.isoformat())


SUSPENSION = [
    issued(),
    ev("suspended", SUSPENDED_ON, **{"from": "active", "to": "suspended"}),
    ev("reinstated", REINSTATED_ON, **{"from": "suspended", "to": "active"}),
]


def status_on(f: Facts, log: list[Logged], day: date, today: date) -> C | None:
    standing = standing_on(read(f, log, today), f, day)
    return standing.status if standing is not None else None


# --- the day before and the day of each move ---------------------------------------------


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (ISSUED - DAY, None),  # not yet issued
        (ISSUED, C.ACTIVE),
        (SUSPENDED_ON - DAY, C.ACTIVE),  # the day before the suspension
        (SUSPENDED_ON, C.SUSPENDED),  # its day: at the end of it, suspended
        (REINSTATED_ON - DAY, C.SUSPENDED),  # the day before the reinstatement
        (REINSTATED_ON, C.ACTIVE),  # its day
        (EXPIRES, C.ACTIVE),  # the last valid day
        (EXPIRES + DAY, C.EXPIRED),  # the day of the expiry, before any record of it
    ],
    ids=lambda v: str(v),
)
def test_status_on_each_day(day: date, status: C | None) -> None:
    today = date(2030, 1, 1)
    assert status_on(facts(status=C.ACTIVE), SUSPENSION, day, today) == status


def test_a_recorded_expiry_is_dated_the_day_it_happened() -> None:
    expired = ev("expired", date(2029, 12, 5), expired_on="2029-11-23", by="housekeeping")
    f = facts(status=C.EXPIRED, status_changed_on=date(2029, 11, 23))
    history = read(f, [*SUSPENSION, expired], date(2030, 1, 1))
    assert [(s.on, s.action) for s in history.steps][-1] == (date(2029, 11, 23), A.EXPIRED)
    assert [s.action for s in history.steps].count(A.EXPIRED) == 1
    assert status_on(f, [*SUSPENSION, expired], date(2029, 11, 22), date(2030, 1, 1)) == C.ACTIVE


def test_the_history_lists_public_steps_in_order() -> None:
    log = [
        *SUSPENSION,
        ev(
            "surveillance_recorded",
            date(2027, 10, 1),
            outcome="grant",
            surveillance_on="2027-10-01",
        ),
        ev("grade_changed", date(2027, 10, 1), **{"from": "four_star", "to": "three_star"}),
        ev("changed", date(2028, 2, 2), before={}, after={}),
        ev("corrected", date(2028, 3, 3), changes={}),
    ]
    steps = read(facts(), log, date(2030, 1, 1)).steps
    assert steps == (
        Step(ISSUED, A.ISSUED, C.ACTIVE, G.FOUR_STAR),
        Step(SUSPENDED_ON, A.SUSPENDED, C.SUSPENDED, G.FOUR_STAR),
        Step(REINSTATED_ON, A.REINSTATED, C.ACTIVE, G.FOUR_STAR),
        Step(date(2027, 10, 1), A.SURVEILLANCE_RECORDED, C.ACTIVE, G.FOUR_STAR),
        Step(date(2027, 10, 1), A.GRADE_CHANGED, C.ACTIVE, G.THREE_STAR),
        Step(date(2028, 2, 2), A.CHANGED, C.ACTIVE, G.THREE_STAR),
        Step(date(2029, 11, 23), A.EXPIRED, C.EXPIRED, G.THREE_STAR),  # computed
    )


def test_nothing_after_today_and_no_computed_expiry_before_it() -> None:
    steps = read(facts(), SUSPENSION, SUSPENDED_ON).steps
    assert [s.action for s in steps] == [A.ISSUED, A.SUSPENDED]
    assert read(facts(), SUSPENSION, EXPIRES).steps[-1].action is A.REINSTATED


def test_an_added_cause_is_no_public_step() -> None:
    log = [
        *SUSPENSION[:2],
        ev("suspended", date(2027, 3, 20), **{"from": "suspended", "to": "suspended"}),
    ]
    f = facts(status=C.SUSPENDED, status_changed_on=SUSPENDED_ON)
    steps = read(f, log, date(2027, 6, 1)).steps
    assert [s.action for s in steps] == [A.ISSUED, A.SUSPENDED]
    standing = standing_on(read(f, log, date(2027, 6, 1)), f, date(2027, 5, 1))
    assert standing is not None and standing.status_changed_on == SUSPENDED_ON


@pytest.mark.parametrize("changed_first", [True, False], ids=["raised", "kept"])
def test_an_upgrade_reads_as_one_grade_change(changed_first: bool) -> None:
    on = date(2028, 1, 10)
    log = [issued("three_star")]
    if changed_first:
        log.append(ev("grade_changed", on, **{"from": "three_star", "to": "five_star"}))
    log.append(ev("upgrade_granted", on, grade="five_star" if changed_first else "three_star"))
    steps = read(facts(grade=G.FIVE_STAR if changed_first else G.THREE_STAR), log, on).steps
    changes = [s for s in steps if s.action is A.GRADE_CHANGED]
    assert len(changes) == (1 if changed_first else 0)
    standing = standing_on(read(facts(), log, on), facts(), on - DAY)
    assert standing is not None and standing.grade is G.THREE_STAR


def test_an_upgrade_granted_alone_changes_the_grade() -> None:
    on = date(2028, 1, 10)
    log = [issued("three_star"), ev("upgrade_granted", on, grade="four_star")]
    steps = read(facts(), log, on).steps
    assert steps[-1] == Step(on, A.GRADE_CHANGED, C.ACTIVE, G.FOUR_STAR)


# --- supersession ------------------------------------------------------------------------

SUCCESSOR = "ASC-2029-000007"
NAMED_ON = date(2029, 7, 1)
STARTS = date(2029, 11, 23)


def superseding(**override: Any) -> Facts:
    return facts(superseded_by=SUCCESSOR, superseded_on=STARTS, **override)


def test_a_supersession_comes_on_the_successors_first_day_with_its_number() -> None:
    log = [issued(), ev("successor_named", NAMED_ON, superseded_by=SUCCESSOR)]
    f = superseding()
    history = read(f, log, date(2030, 1, 1))
    assert history.steps[-1] == Step(STARTS, A.SUPERSEDED, C.SUPERSEDED, G.FOUR_STAR, SUCCESSOR)
    assert A.EXPIRED not in [s.action for s in history.steps]  # supersession first
    before = standing_on(history, f, NAMED_ON - DAY)
    named = standing_on(history, f, NAMED_ON)
    after = standing_on(history, f, STARTS)
    assert before == Standing(C.ACTIVE, G.FOUR_STAR, ISSUED, None, None)
    assert named == Standing(C.ACTIVE, G.FOUR_STAR, ISSUED, None, SUCCESSOR)
    assert after == Standing(C.SUPERSEDED, G.FOUR_STAR, STARTS, None, SUCCESSOR)
    # recorded by housekeeping later: the same single step
    recorded = ev(
        "superseded",
        date(2029, 12, 1),
        superseded_by=SUCCESSOR,
        superseded_on=STARTS.isoformat(),
        **{"from": "active", "to": "superseded"},
    )
    again = read(superseding(status=C.SUPERSEDED), [*log, recorded], date(2030, 1, 1))
    assert again.steps == history.steps


def test_a_supersession_recorded_early_by_the_first_edition_counts_from_the_day() -> None:
    """Before migration 0006 the old certificate was recorded superseded at once."""
    early = ev("superseded", NAMED_ON, superseded_by=SUCCESSOR, **{"to": "superseded"})
    f = superseding()
    history = read(f, [issued(), early], date(2030, 1, 1))
    assert status_on(f, [issued(), early], STARTS - DAY, date(2030, 1, 1)) == C.ACTIVE
    assert history.steps[-1].on == STARTS and history.named_on == NAMED_ON


# --- imports -----------------------------------------------------------------------------


def test_an_import_without_events_is_issued_and_holds_its_recorded_status() -> None:
    f = facts(status=C.WITHDRAWN, status_changed_on=date(2027, 5, 5), grade=G.COMPLIANT)
    steps = read(f, [], date(2030, 1, 1)).steps
    assert steps == (
        Step(ISSUED, A.ISSUED, C.ACTIVE, G.COMPLIANT),
        Step(date(2027, 5, 5), A.WITHDRAWN, C.WITHDRAWN, G.COMPLIANT),
    )
    standing = standing_on(read(f, [], date(2030, 1, 1)), f, date(2028, 1, 1))
    assert standing is not None and standing.status_changed_on == date(2027, 5, 5)


def test_an_imported_last_surveillance_shows_from_its_day() -> None:
    f = facts(last_surveillance_on=date(2027, 9, 9))
    history = read(f, [issued()], date(2028, 1, 1))
    before = standing_on(history, f, date(2027, 9, 8))
    after = standing_on(history, f, date(2027, 9, 9))
    assert before is not None and before.last_surveillance_on is None
    assert after is not None and after.last_surveillance_on == date(2027, 9, 9)


def test_unknown_and_malformed_data_are_read_safely() -> None:
    log = [
        ev("issued", ISSUED, grade="nonsense", issued_on="not a date"),
        ev("grade_changed", date(2027, 1, 1), to="fail"),
        ev("audited", date(2027, 2, 2)),
    ]
    steps = read(facts(), log, date(2027, 6, 1)).steps
    assert steps == (Step(ISSUED, A.ISSUED, C.ACTIVE, G.FOUR_STAR),)


# --- properties --------------------------------------------------------------------------

MOVES = ("suspended", "reinstated", "withdrawn", "cancelled")
moves = st.lists(
    st.tuples(st.sampled_from(MOVES), st.integers(min_value=0, max_value=1500)), max_size=8
)


@given(
    moves=moves,
    today_offset=st.integers(min_value=0, max_value=1600),
    successor_offset=st.none() | st.integers(min_value=1, max_value=1096),
    recorded=st.sampled_from(list(C)),
)
def test_steps_are_ordered_and_never_after_today(
    moves: list[tuple[str, int]], today_offset: int, successor_offset: int | None, recorded: C
) -> None:
    today = ISSUED + timedelta(days=today_offset)
    successor = None if successor_offset is None else ISSUED + timedelta(days=successor_offset)
    f = facts(
        status=recorded,
        status_changed_on=ISSUED + timedelta(days=today_offset // 2),
        superseded_by=SUCCESSOR if successor else None,
        superseded_on=successor,
    )
    ordered = sorted(moves, key=lambda x: x[1])
    log = [issued(), *(ev(m, ISSUED + timedelta(days=d)) for m, d in ordered)]
    history = read(f, log, today)
    days = [s.on for s in history.steps]
    assert days == sorted(days) and all(d <= today for d in days)
    assert history.steps[0].action is A.ISSUED
    # each status step changes the status, and nothing follows a final one
    for before, after in zip(history.steps, history.steps[1:], strict=False):
        if after.action not in (A.SURVEILLANCE_RECORDED, A.CHANGED, A.GRADE_CHANGED):
            assert after.status is not before.status
            assert before.status in (C.ACTIVE, C.SUSPENDED)
    # the standing on a day is the last step's on or before it
    for step in history.steps:
        standing = standing_on(history, f, step.on)
        last = [s for s in history.steps if s.on <= step.on][-1]
        assert standing is not None and standing.status is last.status
    assert standing_on(history, f, ISSUED - DAY) is None
    # past a computed end, a live certificate never reads live
    if successor is not None and successor <= today:
        end = standing_on(history, f, today)
        assert end is not None and end.status not in (C.ACTIVE, C.SUSPENDED)


@given(offset=st.integers(min_value=0, max_value=1500))
def test_past_the_expiry_a_live_certificate_reads_expired(offset: int) -> None:
    today = EXPIRES + timedelta(days=1 + offset)
    history = read(facts(), [issued()], today)
    standing = standing_on(history, facts(), today)
    assert standing is not None
    assert (standing.status, standing.status_changed_on) == (C.EXPIRED, EXPIRES + DAY)


def test_the_standing_follows_surveillances_and_grade_changes() -> None:
    log = [
        issued(),
        ev("surveillance_recorded", date(2027, 10, 1), surveillance_on=date(2027, 10, 1)),
        ev("grade_changed", date(2027, 10, 1), **{"from": "four_star", "to": "three_star"}),
        ev("surveillance_recorded", date(2028, 10, 1), outcome="refuse"),
    ]
    f = facts(last_surveillance_on=date(2028, 10, 1))
    history = read(f, log, date(2029, 1, 1))
    on = {
        day: standing_on(history, f, day)
        for day in (date(2027, 9, 30), date(2027, 10, 1), date(2028, 10, 1))
    }
    assert on[date(2027, 9, 30)] == Standing(C.ACTIVE, G.FOUR_STAR, ISSUED, None, None)
    assert on[date(2027, 10, 1)] == Standing(
        C.ACTIVE, G.THREE_STAR, ISSUED, date(2027, 10, 1), None
    )
    assert on[date(2028, 10, 1)] == Standing(
        C.ACTIVE, G.THREE_STAR, ISSUED, date(2028, 10, 1), None
    )


def test_events_before_the_issue_and_a_second_issue_are_ignored() -> None:
    log = [
        ev("suspended", ISSUED - DAY),
        issued(),
        ev("issued", date(2027, 1, 1), grade="five_star"),
    ]
    steps = read(facts(), log, date(2027, 6, 1)).steps
    assert steps == (Step(ISSUED, A.ISSUED, C.ACTIVE, G.FOUR_STAR),)


def test_nothing_before_the_issue() -> None:
    history = read(facts(), [issued()], ISSUED - DAY)
    assert history.steps == ()
    assert standing_on(history, facts(), ISSUED - DAY) is None


def test_a_final_status_stays_final() -> None:
    log = [
        issued(),
        ev("withdrawn", date(2027, 5, 5)),
        ev("reinstated", date(2027, 6, 6)),
        ev("suspended", date(2030, 1, 1)),
    ]
    f = facts(status=C.WITHDRAWN, status_changed_on=date(2027, 5, 5))
    steps = read(f, log, date(2030, 6, 1)).steps
    assert [(s.on, s.action, s.status) for s in steps] == [
        (ISSUED, A.ISSUED, C.ACTIVE),
        (date(2027, 5, 5), A.WITHDRAWN, C.WITHDRAWN),
    ]
