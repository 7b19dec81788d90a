"""Certificate dates (docs/domain.md §6): validity, surveillance schedule, recertification.

Every date is a calendar date in the body's time zone; the caller supplies it.
``recertification_due`` is set from the start of a cycle to ``expires_on``: the
recertification must be decided by expiry whatever the surveillance count, and a known date
lets staff list coming recertifications early (§7 names it only after the second
surveillance, where it is certainly ``expires_on``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.policy import RECERTIFICATION_WINDOW_DAYS, SURVEILLANCES_PER_CYCLE, VALIDITY_YEARS

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CertificateDates:
    """The dates a new certificate is issued with."""

    issued_on: date
    valid_from: date
    expires_on: date
    next_surveillance_due: date | None
    recertification_due: date


def add_years(d: date, years: int) -> date:
    """``d`` plus whole years; 29 February in a year without one becomes 1 March (§7)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # only 29 February can be missing from the target year
        return date(d.year + years, 3, 1)


def expiry_for(valid_from: date) -> date:
    """Last day of validity: ``valid_from`` + 3 years − 1 day (2028-02-29 → 2031-02-28)."""
    return add_years(valid_from, VALIDITY_YEARS) - _ONE_DAY


def expired_on(expires_on: date) -> date:
    """The day a certificate expires: the day after ``expires_on``, its last valid day (§7).

    The one owner of the expiry rule: read-time status, housekeeping and the register all
    date an expiry with it.
    """
    return expires_on + _ONE_DAY


def is_past_expiry(expires_on: date, today: date) -> bool:
    """Whether ``today`` is on or after ``expired_on(expires_on)`` (on ``expires_on`` a
    certificate is still valid)."""
    return today >= expired_on(expires_on)


def surveillance_due(valid_from: date, surveillances_done: int) -> date | None:
    """When the next surveillance is due; None once the cycle's two are done.

    The schedule keeps to the cycle (valid_from + n years − 1 day), not to the date an
    audit actually happened (§7).
    """
    if surveillances_done < 0:
        raise ValueError("surveillances_done must not be negative")
    if surveillances_done >= SURVEILLANCES_PER_CYCLE:
        return None
    return add_years(valid_from, surveillances_done + 1) - _ONE_DAY


def recertification_valid_from(*, decided_on: date, old_expires_on: date) -> date:
    """Start of the new cycle: the day after the old expiry when decided within the last
    180 days before it (inclusive; no day lost), else the decision date (§7).

    A decision after the old expiry is a ValueError: an expired certificate cannot be
    renewed, the organisation applies anew (§7).
    """
    days_before = (old_expires_on - decided_on).days
    if days_before < 0:
        raise ValueError("the old certificate expired before the decision")
    if days_before <= RECERTIFICATION_WINDOW_DAYS:
        return old_expires_on + _ONE_DAY
    return decided_on


def _dates(issued_on: date, valid_from: date) -> CertificateDates:
    expires_on = expiry_for(valid_from)
    return CertificateDates(
        issued_on=issued_on,
        valid_from=valid_from,
        expires_on=expires_on,
        next_surveillance_due=surveillance_due(valid_from, 0),
        recertification_due=expires_on,
    )


def initial_certificate_dates(issued_on: date) -> CertificateDates:
    """Dates of an initial certificate: its cycle starts on the decision date."""
    return _dates(issued_on, issued_on)


def recertified_certificate_dates(*, decided_on: date, old_expires_on: date) -> CertificateDates:
    """Dates of the new certificate a recertification issues (surveillance from valid_from)."""
    valid_from = recertification_valid_from(decided_on=decided_on, old_expires_on=old_expires_on)
    return _dates(decided_on, valid_from)


def after_surveillance(
    valid_from: date, expires_on: date, surveillances_done: int
) -> tuple[date | None, date]:
    """``(next_surveillance_due, recertification_due)`` once ``surveillances_done`` audits of
    the cycle are decided: after the second, no surveillance is due, only recertification."""
    return surveillance_due(valid_from, surveillances_done), expires_on
