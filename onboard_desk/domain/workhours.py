"""Working hours: when a proposed next action may fall, and how many of them are spread.

A next action the app proposes (entering a stage, after a contact, an import's default)
is a time the salesperson will be asked to act, so it belongs inside their working hours:
"follow up in 3 days" means the morning of the third day, moved to the next working day
when that is a day off, never 21:00 because the prospect was added in the evening. Many
proposals for one day are spread over it, ``spacing_minutes`` apart from the start of the
day, rather than stacked on one minute; past the end of the day they start again from
the morning, so a large import adds work to the day it is due, not to months ahead.

Hours are local wall-clock times. A function given no ``zone`` works in the computer's
own time zone (daylight saving included); tests pass a zone. A time the user gives
explicitly is never moved: only proposals go through here.

Plain Python: :mod:`onboard_desk.pipeline` proposes with it, the services count how many
actions a day already holds (the ``slot`` to start from), and the settings store keeps the
hours as text (:meth:`WorkingHours.to_setting`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from onboard_desk.errors import UserError

#: Weekday names as the settings and the command line write them (Monday is 0).
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
#: The smallest and largest gap between two spread proposals.
MIN_SPACING, MAX_SPACING = 5, 240

_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")


class WorkingHoursError(UserError, ValueError):
    """Working hours that cannot be used; the message says what to correct."""


def _weekdays() -> frozenset[int]:
    return frozenset(range(5))


@dataclass(frozen=True)
class WorkingHours:
    """The days and hours a salesperson works (Monday to Friday, 9:00 to 17:00 unless
    changed), and how far apart proposals on one day are spread."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    #: Working weekdays, Monday = 0.
    days: frozenset[int] = field(default_factory=_weekdays)
    spacing_minutes: int = 15

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise WorkingHoursError("Working hours are local times, without a time zone.")
        if self.end <= self.start:
            raise WorkingHoursError(
                f"The working day must end after it starts ({self.start:%H:%M} to "
                f"{self.end:%H:%M} is not a day)."
            )
        if not self.days:
            raise WorkingHoursError("Choose at least one working day.")
        if not self.days <= frozenset(range(7)):
            raise WorkingHoursError("Working days are numbered 0 (Monday) to 6 (Sunday).")
        if not MIN_SPACING <= self.spacing_minutes <= MAX_SPACING:
            raise WorkingHoursError(
                f"Proposals are spread {MIN_SPACING} to {MAX_SPACING} minutes apart."
            )

    # -- what the hours say about one day ---------------------------------------------------

    @property
    def minutes_per_day(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    @property
    def slots_per_day(self) -> int:
        """How many proposals fit in one working day before they start again at its start."""
        return max(1, -(-self.minutes_per_day // self.spacing_minutes))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days

    def working_day_from(self, day: date) -> date:
        """``day`` if it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def window(self, day: date, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
        """The start and end of the working hours of ``day``, as aware UTC datetimes."""
        return _at(day, self.start, zone), _at(day, self.end, zone)

    def window_around(
        self, moment: datetime, zone: tzinfo | None = None
    ) -> tuple[datetime, datetime]:
        """The working hours of the (local) day ``moment`` falls on, as aware UTC."""
        return self.window(_local(moment, zone).date(), zone)

    # -- proposing --------------------------------------------------------------------------

    def due_after(
        self, moment: datetime, days: int, *, slot: int = 0, zone: tzinfo | None = None
    ) -> datetime:
        """When an action proposed at ``moment`` for ``days`` days later falls due (aware UTC).

        The day is ``days`` calendar days after ``moment``'s local day, or the next working
        day after that; the time is the start of the working hours plus ``slot`` times the
        spacing, wrapping round within the day. With ``days`` 0 the action is for today if
        today's working hours have a slot left after ``moment``, else for the next working
        morning; it is never due before ``moment``.
        """
        if days < 0:
            raise WorkingHoursError("A proposal cannot be due before it is made.")
        moment = _aware(moment)
        day = self.working_day_from(_local(moment, zone).date() + timedelta(days=days))
        start, end = self.window(day, zone)
        step = timedelta(minutes=self.spacing_minutes)
        if start < moment:
            # Only today can have begun: start from the first slot after the moment.
            passed = -(-(moment - start) // step)
            start += passed * step
            if start >= end:
                day = self.working_day_from(day + timedelta(days=1))
                start, end = self.window(day, zone)
        available = max(1, -(-(end - start) // step))
        return start + (slot % available) * step

    # -- as the settings keep them ----------------------------------------------------------

    def to_setting(self) -> dict[str, object]:
        """A JSON value for the settings table."""
        return {
            "start": f"{self.start:%H:%M}",
            "end": f"{self.end:%H:%M}",
            "days": [DAY_NAMES[d] for d in sorted(self.days)],
            "spacing_minutes": self.spacing_minutes,
        }

    @classmethod
    def from_setting(cls, value: object) -> WorkingHours:
        """The hours a stored value names; the defaults for anything missing or unreadable
        (a damaged setting must not stop the app from proposing)."""
        if not isinstance(value, dict):
            return cls()
        default = cls()
        try:
            start = parse_time(str(value.get("start", ""))) if "start" in value else default.start
            end = parse_time(str(value.get("end", ""))) if "end" in value else default.end
            days_value = value.get("days")
            days = (
                parse_days(",".join(str(d) for d in days_value))
                if isinstance(days_value, list)
                else default.days
            )
            spacing = value.get("spacing_minutes", default.spacing_minutes)
            if not isinstance(spacing, int):
                spacing = default.spacing_minutes
            return cls(start, end, days, spacing)
        except WorkingHoursError:
            return default

    def describe(self) -> str:
        """``Mon–Fri 09:00–17:00`` style, for the command line and the window."""
        return f"{describe_days(self.days)} {self.start:%H:%M}–{self.end:%H:%M}"


# -- reading what people type ---------------------------------------------------------------


def parse_time(text: str) -> time:
    """A time of day from ``9``, ``9:30`` or ``17:00`` (24-hour clock)."""
    match = _TIME.match(text)
    if match is None:
        raise WorkingHoursError(f"Cannot read {text!r} as a time of day; write it as 09:00.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour == 24 and minute == 0:
        return time(23, 59)
    if hour > 23 or minute > 59:
        raise WorkingHoursError(f"{text!r} is not a time of day; write it as 09:00.")
    return time(hour, minute)


def parse_hours(text: str) -> tuple[time, time]:
    """Start and end from ``09:00-17:00`` (an en dash or "to" work too)."""
    parts = re.split(r"\s*(?:-|–|—|\bto\b)\s*", text.strip(), maxsplit=1)
    if len(parts) != 2 or not all(parts):
        raise WorkingHoursError(
            f"Cannot read {text!r} as working hours; write them as 09:00-17:00."
        )
    return parse_time(parts[0]), parse_time(parts[1])


def _day_index(word: str) -> int:
    key = word.strip().lower()[:3]
    if key not in DAY_NAMES:
        raise WorkingHoursError(
            f"{word.strip()!r} is not a day of the week; use mon, tue, wed, thu, fri, sat, sun."
        )
    return DAY_NAMES.index(key)


def parse_days(text: str) -> frozenset[int]:
    """Working days from ``mon-fri``, ``mon,wed,fri`` or ``mon-thu,sat`` (any case, full
    names too); a range may wrap round the week (``sun-thu``)."""
    days: set[int] = set()
    for part in text.split(","):
        if not part.strip():
            continue
        if "-" in part:
            first_text, last_text = part.split("-", 1)
            first, last = _day_index(first_text), _day_index(last_text)
            length = (last - first) % 7 + 1
            days.update((first + offset) % 7 for offset in range(length))
        else:
            days.add(_day_index(part))
    if not days:
        raise WorkingHoursError("Choose at least one working day, for example mon-fri.")
    return frozenset(days)


def _runs(days: frozenset[int]) -> list[list[int]]:
    """Runs of consecutive days, from the first day (Monday first) that follows a day off,
    so Sun-Thu stays one run and Mon, Wed, Fri keep their order."""
    start = next((d for d in range(7) if d in days and (d - 1) % 7 not in days), 0)
    runs: list[list[int]] = []
    for day in sorted(days, key=lambda d: (d - start) % 7):
        if runs and (runs[-1][-1] + 1) % 7 == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def format_days(days: frozenset[int]) -> str:
    """``mon-fri`` or ``mon,wed,fri``: what :func:`parse_days` reads back."""
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in _runs(days)
    )


def describe_days(days: frozenset[int]) -> str:
    """``Mon–Fri``, ``Mon, Wed, Fri`` or ``Sun–Thu`` for reading ("Every day" for all)."""
    if len(days) == 7:
        return "Every day"
    labels = [name.capitalize() for name in DAY_NAMES]
    return ", ".join(
        labels[run[0]] if len(run) == 1 else f"{labels[run[0]]}–{labels[run[-1]]}"
        for run in _runs(days)
    )


# -- local time -----------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    """An aware datetime; a naive one is local wall-clock time (as everywhere in the app)."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    return _aware(moment).astimezone(zone)


def _at(day: date, clock: time, zone: tzinfo | None) -> datetime:
    """``clock`` on ``day`` in ``zone`` (the computer's zone, daylight saving included, when
    None), as aware UTC."""
    if zone is None:
        return datetime.combine(day, clock).astimezone().astimezone(UTC)
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
