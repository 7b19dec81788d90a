"""A certificate's standing (docs/domain.md §6, §7, §9): the status it reads on a day, whether
it is valid on a date, when its surveillance may be decided, why it is suspended, and what
housekeeping does to it.

The state machines (``lifecycle``) say which moves are legal; this module says what is true
on a given day. Every date comes from the caller.

* **Status as read.** A live certificate whose successor's validity has begun
  (``superseded_on`` ≤ today) reads ``superseded``; one past ``expires_on`` reads ``expired``;
  both before housekeeping records the move.
* **Valid on a date.** Active on that date and within ``valid_from`` … ``expires_on``: a new
  certificate decided months before its validity begins is active but not yet valid.
* **The surveillance window.** A surveillance is decided no earlier than ``window_days``
  before the due date of the surveillance it fulfils.
* **Causes of a suspension**, a set: a granted surveillance lifts the surveillance causes, a
  staff reinstatement lifts ``body_decision`` and is refused while a surveillance cause
  remains; the certificate is active again when none is left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal, TypedDict

from app.domain.dates import expired_on, is_past_expiry
from app.domain.enums import SURVEILLANCE_CAUSES, CertificateStatus, Grade, SuspensionCause
from app.domain.lifecycle import LIVE_STATUSES, CertificateAction, certificate_transition
from app.domain.problems import (
    AUDIT_CERTIFICATE_NOT_LIVE,
    AUDIT_CERTIFICATE_NOT_RENEWABLE,
    AUDIT_SURVEILLANCE_NOT_DUE,
    CERTIFICATE_REINSTATEMENT_NEEDS_AUDIT,
    DECISION_GRADE_ABOVE_CURRENT,
    FieldError,
)

_CS = CertificateStatus
Causes = frozenset[SuspensionCause]
NO_CAUSES: Causes = frozenset()

# --- the status as read ----------------------------------------------------------------------


def effective_status(
    status: CertificateStatus, expires_on: date, today: date, superseded_on: date | None = None
) -> CertificateStatus:
    """The status as read ``today`` (§7): a live certificate whose successor's validity has
    begun reads ``superseded``, one past ``expires_on`` reads ``expired``; a recorded status
    is otherwise what it says. Supersession comes first: with continuity the successor's
    validity begins the day after the old expiry."""
    if status in LIVE_STATUSES:
        if superseded_on is not None and superseded_on <= today:
            return _CS.SUPERSEDED
        if is_past_expiry(expires_on, today):
            return _CS.EXPIRED
    return status


def status_since(
    status: CertificateStatus,
    status_changed_on: date,
    expires_on: date,
    today: date,
    superseded_on: date | None = None,
) -> date:
    """The day the status read ``today`` became true (``status_changed_on`` as read).

    A supersession is dated the day the successor's validity began, an expiry the day after
    ``expires_on``, whether or not housekeeping has recorded them yet; any other status since
    its recorded change.
    """
    shown = effective_status(status, expires_on, today, superseded_on)
    if shown is _CS.SUPERSEDED and superseded_on is not None:
        return superseded_on
    if shown is _CS.EXPIRED and status is not _CS.EXPIRED:
        return expired_on(expires_on)
    return status_changed_on


def is_valid_on(status: CertificateStatus, valid_from: date, expires_on: date, on: date) -> bool:
    """Whether a certificate is valid on ``on`` (§7): its status on that day (pass the status
    as read on it) is ``active`` and ``valid_from`` ≤ ``on`` ≤ ``expires_on``."""
    return status is _CS.ACTIVE and valid_from <= on <= expires_on


def require_no_successor(superseded_by: str | None, *, renewing: bool) -> None:
    """A certificate that names its successor is being replaced (§7): it is neither
    recertified again (``audit.certificate_not_renewable``) nor audited for surveillance
    (``audit.certificate_not_live``: the successor's cycle takes over)."""
    if superseded_by is None:
        return
    if renewing:
        raise AUDIT_CERTIFICATE_NOT_RENEWABLE(
            f"the certificate is already recertified: {superseded_by} replaces it",
        )
    raise AUDIT_CERTIFICATE_NOT_LIVE(
        f"the certificate is being replaced by {superseded_by}: surveillance continues on it",
    )


# --- the surveillance window -----------------------------------------------------------------


def surveillance_window_opens(due: date, window_days: int) -> date:
    """The first day the surveillance due on ``due`` can be decided: ``window_days`` before."""
    if window_days < 0:
        raise ValueError("window_days must not be negative")
    return due - timedelta(days=window_days)


def require_surveillance_window(due: date, decided_on: date, window_days: int) -> None:
    """Each surveillance belongs to its year (§7): deciding it before its window opens is
    ``audit.surveillance_not_due``, the problem carrying ``window_opens_on``. Late is allowed
    (overdue surveillance is housekeeping's matter)."""
    opens = surveillance_window_opens(due, window_days)
    if decided_on < opens:
        raise AUDIT_SURVEILLANCE_NOT_DUE(
            f"the surveillance due on {due} can be decided from {opens} ({window_days} days "
            f"before it), not on {decided_on}",
            window_opens_on=opens,
        )


def before_surveillance_window(
    planned_end: date, due: date | None, window_days: int
) -> date | None:
    """When an audit planned to end on ``planned_end`` ends before the window of the
    surveillance due on ``due`` opens: the day it opens (the plan's warning); else None."""
    if due is None:
        return None
    opens = surveillance_window_opens(due, window_days)
    return opens if planned_end < opens else None


# --- the causes of a suspension ---------------------------------------------------------------


def causes_of(stored: Iterable[str]) -> Causes:
    """The causes as stored (a JSON list of their values)."""
    return frozenset(SuspensionCause(value) for value in stored)


def stored(causes: Iterable[SuspensionCause]) -> list[str]:
    """The causes to store and show: their values, in the order the enum declares them."""
    held = set(causes)
    return [cause.value for cause in SuspensionCause if cause in held]


def suspended_for(causes: Iterable[SuspensionCause], new_cause: SuspensionCause) -> Causes:
    """The causes once ``new_cause`` is added (a set: adding one twice changes nothing)."""
    return frozenset(causes) | {new_cause}


def status_for(causes: Causes) -> CertificateStatus:
    """The status of a live certificate holding ``causes``: active when none is left."""
    return _CS.SUSPENDED if causes else _CS.ACTIVE


def body_suspension(status: CertificateStatus, causes: Causes) -> Causes:
    """The causes after staff suspend a certificate (pass the status as read today).

    An active certificate is suspended for ``body_decision``; a suspended one without that
    cause adds it (a refused surveillance audit then no longer reinstates it); anything
    else — already suspended by the body, or not live — is ``certificate.invalid_transition``.
    """
    if status is _CS.SUSPENDED and SuspensionCause.BODY_DECISION not in causes:
        return suspended_for(causes, SuspensionCause.BODY_DECISION)
    certificate_transition(status, CertificateAction.SUSPEND)
    return frozenset({SuspensionCause.BODY_DECISION})


def after_reinstatement(causes: Causes) -> Causes:
    """The causes after a staff reinstatement: it lifts ``body_decision`` only, and is refused
    (``certificate.reinstatement_needs_audit``) while a surveillance cause remains."""
    held = causes & SURVEILLANCE_CAUSES
    if held:
        raise CERTIFICATE_REINSTATEMENT_NEEDS_AUDIT(
            f"the certificate is suspended for {', '.join(stored(held))}: only a granted "
            "surveillance audit lifts that",
        )
    return causes - {SuspensionCause.BODY_DECISION}


def after_surveillance_grant(causes: Causes) -> Causes:
    """The causes after a granted surveillance: the surveillance causes are lifted,
    ``body_decision`` stays (a suspension by the body is never undone by an audit)."""
    return causes - SURVEILLANCE_CAUSES


# --- the grade a surveillance grants ------------------------------------------------------------


def surveillance_grade(granted: Grade, current: Grade, *, requested: bool) -> Grade:
    """The grade of a surveillance grant (§6): it may keep or lower the certificate's grade,
    never raise it. A grade asked for above the current one is
    ``decision.grade_above_current``; without a grade asked for, a recommendation above the
    current grade keeps the current one (raising a grade is an upgrade audit)."""
    if granted.rank <= current.rank:
        return granted
    if requested:
        raise DECISION_GRADE_ABOVE_CURRENT(
            f"a surveillance may keep or lower the grade {current.value}, not raise it to "
            f"{granted.value}",
            errors=[FieldError(("body", "grade"), f"at most {current.value}")],
        )
    return current


# --- housekeeping ------------------------------------------------------------------------------


class HousekeepingFacts(TypedDict):
    """What housekeeping looks at, as keyword arguments of the functions below."""

    status: CertificateStatus
    expires_on: date
    next_surveillance_due: date | None
    status_changed_on: date
    superseded_by: str | None
    superseded_on: date | None
    today: date
    grace_days: int
    max_suspension_days: int


HousekeepingAction = Literal[
    CertificateAction.SUPERSEDE,
    CertificateAction.EXPIRE,
    CertificateAction.WITHDRAW,
    CertificateAction.SUSPEND,
]

# The causes a certificate holds after each housekeeping move.
HOUSEKEEPING_CAUSES: Mapping[CertificateAction, Causes] = MappingProxyType(
    {
        CertificateAction.SUPERSEDE: NO_CAUSES,
        CertificateAction.EXPIRE: NO_CAUSES,
        CertificateAction.WITHDRAW: NO_CAUSES,
        CertificateAction.SUSPEND: frozenset({SuspensionCause.SURVEILLANCE_OVERDUE}),
    }
)


def housekeeping_action(
    *,
    status: CertificateStatus,
    expires_on: date,
    next_surveillance_due: date | None,
    status_changed_on: date,
    superseded_by: str | None,
    superseded_on: date | None,
    today: date,
    grace_days: int,
    max_suspension_days: int,
) -> HousekeepingAction | None:
    """What housekeeping does to a certificate today (§7 policy), given its recorded status.

    Facts first: a supersession whose day has come, then an expiry. Then a suspension older
    than ``max_suspension_days`` is withdrawn, and an active certificate whose surveillance
    is overdue by more than ``grace_days`` is suspended (cause ``surveillance_overdue``),
    unless it names its successor (the recertification audit has covered it).
    """
    if grace_days < 0 or max_suspension_days < 0:
        raise ValueError("grace_days and max_suspension_days must not be negative")
    if status not in LIVE_STATUSES:
        return None
    if superseded_on is not None and superseded_on <= today:
        return CertificateAction.SUPERSEDE
    if is_past_expiry(expires_on, today):
        return CertificateAction.EXPIRE
    if status is _CS.SUSPENDED:
        if (today - status_changed_on).days > max_suspension_days:
            return CertificateAction.WITHDRAW
        return None
    if next_surveillance_due is None or superseded_by is not None:
        return None
    if (today - next_surveillance_due).days > grace_days:
        return CertificateAction.SUSPEND
    return None


def housekeeping_reason(
    action: HousekeepingAction,
    *,
    status: CertificateStatus | None = None,
    expires_on: date,
    next_surveillance_due: date | None,
    status_changed_on: date,
    superseded_by: str | None,
    superseded_on: date | None,
    today: date,
    grace_days: int,
    max_suspension_days: int,
) -> str:
    """The reason recorded with a housekeeping move; takes ``housekeeping_action``'s arguments."""
    reasons: Mapping[CertificateAction, str] = {
        CertificateAction.SUPERSEDE: f"replaced by {superseded_by}, valid from {superseded_on}",
        CertificateAction.EXPIRE: f"validity ended on {expires_on}",
        CertificateAction.WITHDRAW: (
            f"suspended since {status_changed_on}, longer than {max_suspension_days} days "
            f"(as of {today})"
        ),
        CertificateAction.SUSPEND: (
            f"surveillance due on {next_surveillance_due} is overdue by more than "
            f"{grace_days} days (as of {today})"
        ),
    }
    return reasons[action]


def housekeeping_date(
    action: HousekeepingAction, *, expires_on: date, superseded_on: date | None, today: date
) -> date:
    """The day a housekeeping move happened, however late the run records it: a supersession
    on the day the successor's validity began, an expiry the day after ``expires_on``, any
    other move today."""
    if action is CertificateAction.SUPERSEDE and superseded_on is not None:
        return superseded_on
    if action is CertificateAction.EXPIRE:
        return expired_on(expires_on)
    return today
