"""The one source of "now" and "today" (docs/domain.md §6).

Every date of a state change comes from here, never from the client. ``today()`` is the
calendar date in the certification body's time zone. Tests replace the clock with a
``FixedClock`` and move it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


class Clock:
    """Wall-clock time; ``today()`` in the configured zone."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()


class FixedClock(Clock):
    """A clock that stands still until it is moved (tests, demo data)."""

    def __init__(self, zone: ZoneInfo, at: datetime) -> None:
        super().__init__(zone)
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware(at)

    def set_today(self, day: date, hour: int = 10) -> None:
        """Stand at ``hour`` o'clock local time on ``day``."""
        self._at = datetime(day.year, day.month, day.day, hour, tzinfo=self.zone).astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    return at.astimezone(UTC)
