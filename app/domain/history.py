"""A certificate's public history, and its standing at the end of any day (docs/domain.md §7.6).

The event log records what happened to a certificate; this module reads it as the public
sees it. Pure: the caller gives the certificate's own facts, its log (each event with the day
it was recorded, in the body's time zone) and today.

* **Steps.** The public history is a list of steps ``(day, action, status, grade)`` in order.
  ``certificate.upgrade_granted`` reads ``grade_changed``; ``successor_named``, ``corrected``
  and any other internal event are not shown. A step that changes nothing the public sees
  (a further cause of a suspension, an upgrade granted at the grade already held, the
  grade change an upgrade's own ``grade_changed`` already showed) is left out; ``issued``,
  ``changed`` and ``surveillance_recorded`` always show.
* **Days.** A step is dated the day it took effect: an expiry the day after ``expires_on``
  (``expired_on`` of its data), a supersession the day the successor's validity began
  (``superseded_on``), an issue its ``issued_on``, a surveillance its ``surveillance_on``, a
  change its ``effective_on``; anything else the day it was recorded. Steps are in day order,
  the log's order within a day.
* **Computed ends.** Expiry and supersession are facts of the calendar (§7: the status as
  read): a live certificate reads ``expired`` from the day after ``expires_on`` and
  ``superseded`` from its successor's first day whether or not housekeeping has recorded it
  yet, so the history shows that step on that day (supersession first when both fall on one
  day), and a later record of the same move adds nothing.
* **Imports.** A certificate without a ``certificate.issued`` event (an import) is issued on
  ``issued_on`` at its present grade; one whose log does not reach the status it holds gets
  that status on ``status_changed_on``.
* **Final is final.** Once withdrawn, cancelled, expired or superseded, no later move of
  the log changes the status (the service never records one; a log that says otherwise is
  not believed).
* **Standing on a day** is the state after every step dated on or before it (the end of
  that day); before issue there is none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from app.domain.dates import expired_on
from app.domain.enums import CertificateStatus, Grade
from app.domain.lifecycle import LIVE_STATUSES
from app.domain.standing import effective_status

_CS = CertificateStatus


class HistoryAction(StrEnum):
    """What a step of the public history says happened."""

    ISSUED = "issued"
    SUSPENDED = "suspended"
    REINSTATED = "reinstated"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    GRADE_CHANGED = "grade_changed"
    CHANGED = "changed"
    SURVEILLANCE_RECORDED = "surveillance_recorded"


# the status moves of the log: the public action and the status after it
MOVES: Mapping[str, tuple[HistoryAction, CertificateStatus]] = {
    "certificate.suspended": (HistoryAction.SUSPENDED, _CS.SUSPENDED),
    "certificate.reinstated": (HistoryAction.REINSTATED, _CS.ACTIVE),
    "certificate.withdrawn": (HistoryAction.WITHDRAWN, _CS.WITHDRAWN),
    "certificate.cancelled": (HistoryAction.CANCELLED, _CS.CANCELLED),
    "certificate.expired": (HistoryAction.EXPIRED, _CS.EXPIRED),
    "certificate.superseded": (HistoryAction.SUPERSEDED, _CS.SUPERSEDED),
}
# the step that brings each status (an import's status the log does not reach)
_ACTION_TO: Mapping[CertificateStatus, HistoryAction] = {
    _CS.ACTIVE: HistoryAction.REINSTATED,
    **{status: action for action, status in MOVES.values() if status is not _CS.ACTIVE},
}
_ALWAYS_SHOWN = frozenset(
    {HistoryAction.ISSUED, HistoryAction.CHANGED, HistoryAction.SURVEILLANCE_RECORDED}
)
_NAMING = frozenset({"certificate.successor_named", "certificate.superseded"})


@dataclass(frozen=True, slots=True)
class Logged:
    """One event of the certificate's log: its action (``certificate.suspended``), the day
    it was recorded in the body's time zone, and its data."""

    action: str
    recorded_on: date
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the certificate's row says now."""

    issued_on: date
    expires_on: date
    status: CertificateStatus  # as recorded
    status_changed_on: date
    grade: Grade
    superseded_by: str | None = None
    superseded_on: date | None = None
    last_surveillance_on: date | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One item of the public history: what happened on ``on``, and the status and grade
    after it (``superseded_by``: the successor, on a supersession)."""

    on: date
    action: HistoryAction
    status: CertificateStatus
    grade: Grade
    superseded_by: str | None = None


@dataclass(frozen=True, slots=True)
class History:
    steps: tuple[Step, ...]
    named_on: date | None  # the day the successor was named (None: no successor)


@dataclass(frozen=True, slots=True)
class Standing:
    """The certificate at the end of a day."""

    status: CertificateStatus
    grade: Grade
    status_changed_on: date
    last_surveillance_on: date | None
    superseded_by: str | None


@dataclass(frozen=True, slots=True)
class _Entry:
    on: date
    action: HistoryAction
    status: CertificateStatus | None = None
    grade: Grade | None = None
    superseded_by: str | None = None


def _day(value: Any, default: date) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return default
    return default


def _grade(value: Any) -> Grade | None:
    try:
        grade = Grade(value)
    except ValueError:
        return None
    return None if grade is Grade.FAIL else grade


def _entry(event: Logged, facts: Facts) -> _Entry | None:
    """The public reading of one event (None: not public)."""
    data, recorded = event.data, event.recorded_on
    action = event.action
    if action == "certificate.issued":
        grade = _grade(data.get("grade")) or facts.grade
        return _Entry(
            _day(data.get("issued_on"), recorded), HistoryAction.ISSUED, _CS.ACTIVE, grade
        )
    if action in MOVES:
        public, status = MOVES[action]
        if public is HistoryAction.EXPIRED:
            return _Entry(_day(data.get("expired_on"), recorded), public, status)
        if public is HistoryAction.SUPERSEDED:
            # a supersession recorded before its day (the first edition's rule) is dated by
            # the successor's start all the same
            on = _day(data.get("superseded_on"), facts.superseded_on or recorded)
            successor = data.get("superseded_by") or facts.superseded_by
            return _Entry(on, public, status, superseded_by=successor)
        return _Entry(recorded, public, status)
    if action == "certificate.grade_changed":
        return _Entry(recorded, HistoryAction.GRADE_CHANGED, grade=_grade(data.get("to")))
    if action == "certificate.upgrade_granted":
        return _Entry(recorded, HistoryAction.GRADE_CHANGED, grade=_grade(data.get("grade")))
    if action == "certificate.surveillance_recorded":
        return _Entry(
            _day(data.get("surveillance_on"), recorded), HistoryAction.SURVEILLANCE_RECORDED
        )
    if action == "certificate.changed":
        return _Entry(_day(data.get("effective_on"), recorded), HistoryAction.CHANGED)
    return None


def _end(facts: Facts) -> _Entry | None:
    """The computed end of a live certificate: superseded from its successor's first day,
    else expired from the day after ``expires_on`` (supersession first on the same day)."""
    expiry = _Entry(expired_on(facts.expires_on), HistoryAction.EXPIRED, _CS.EXPIRED)
    if facts.superseded_on is not None and facts.superseded_on <= expiry.on:
        return _Entry(
            facts.superseded_on,
            HistoryAction.SUPERSEDED,
            _CS.SUPERSEDED,
            superseded_by=facts.superseded_by,
        )
    return expiry


def _fold(facts: Facts, entries: Sequence[_Entry], today: date) -> list[Step]:
    steps: list[Step] = []
    status: CertificateStatus | None = None
    grade = facts.grade
    end = _end(facts)

    def close(upto: date) -> None:
        nonlocal status, end
        if end is not None and status in LIVE_STATUSES and end.on <= upto:
            assert end.status is not None
            status = end.status
            steps.append(Step(end.on, end.action, status, grade, end.superseded_by))
            end = None

    for entry in entries:
        if entry.on > today:
            break
        if status is None:
            if entry.action is not HistoryAction.ISSUED:
                continue  # nothing happens to a certificate before its issue
            status, grade = _CS.ACTIVE, entry.grade or facts.grade
            steps.append(Step(entry.on, HistoryAction.ISSUED, status, grade))
            continue
        close(entry.on)
        if entry.action is HistoryAction.ISSUED:
            continue
        changes = False
        # withdrawn, cancelled, expired and superseded are final (§7.3): nothing moves on
        if entry.status is not None and entry.status is not status and status in LIVE_STATUSES:
            status, changes = entry.status, True
        if entry.grade is not None and entry.grade is not grade:
            grade, changes = entry.grade, True
        if changes or entry.action in _ALWAYS_SHOWN:
            successor = entry.superseded_by if entry.action is HistoryAction.SUPERSEDED else None
            steps.append(Step(entry.on, entry.action, status, grade, successor))
    if status is not None:
        close(today)
    return steps


def read(facts: Facts, log: Iterable[Logged], today: date) -> History:
    """The certificate's public history up to ``today`` (see the module)."""
    entries: list[_Entry] = []
    named_on: date | None = None
    for event in log:
        if event.action in _NAMING and named_on is None:
            named_on = event.recorded_on
        entry = _entry(event, facts)
        if entry is not None:
            entries.append(entry)
    if not any(e.action is HistoryAction.ISSUED for e in entries):
        entries.insert(0, _Entry(facts.issued_on, HistoryAction.ISSUED, _CS.ACTIVE, facts.grade))
    entries.sort(key=lambda e: e.on)  # stable: the log's order within a day
    steps = _fold(facts, entries, today)
    expected = effective_status(facts.status, facts.expires_on, today, facts.superseded_on)
    if steps and steps[-1].status is not expected:
        # the log does not reach the status the certificate holds (an import)
        on = min(max(facts.status_changed_on, facts.issued_on), today)
        entries.append(_Entry(on, _ACTION_TO[expected], expected))
        entries.sort(key=lambda e: e.on)
        steps = _fold(facts, entries, today)
    if facts.superseded_by is not None:
        named = [named_on, facts.superseded_on]
        named_on = min((d for d in named if d is not None), default=None)
    else:
        named_on = None
    return History(tuple(steps), named_on)


def standing_on(history: History, facts: Facts, day: date) -> Standing | None:
    """The certificate at the end of ``day`` (None: not yet issued). ``history`` must have
    been read up to a today on or after ``day``."""
    status: CertificateStatus | None = None
    grade = facts.grade
    since = facts.issued_on
    surveilled: date | None = None
    surveillances = False
    for step in history.steps:
        if step.action is HistoryAction.SURVEILLANCE_RECORDED:
            surveillances = True
        if step.on > day:
            continue
        if step.status is not status:
            status, since = step.status, step.on
        grade = step.grade
        if step.action is HistoryAction.SURVEILLANCE_RECORDED:
            surveilled = step.on
    if status is None:
        return None
    last = facts.last_surveillance_on
    if not surveillances and last is not None and last <= day:
        surveilled = last  # an import's last surveillance, without its event
    named = history.named_on is not None and history.named_on <= day
    return Standing(status, grade, since, surveilled, facts.superseded_by if named else None)
