"""The default working-hours rule written out by hand, for tests that check where a
proposed next action lands (``onboard_desk.domain.workhours`` computes it for the app)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta


def working_morning(moment: datetime, days: int, *, at: time = time(9, 0)) -> datetime:
    """``at`` (local time) on the first Monday-to-Friday day ``days`` or more days after
    ``moment``'s local day, as aware UTC: where a proposal made at ``moment`` falls first."""
    day = moment.astimezone().date() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, at).astimezone().astimezone(UTC)
