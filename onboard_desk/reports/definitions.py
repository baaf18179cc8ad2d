"""What a report is asked for, and the rules its numbers follow (see the README's Reports section).

The period, the owner filter and the stage probabilities of the forecast are plain values
here so that the command line, the window and the tests describe a report the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from onboard_desk.errors import UserError
from onboard_desk.pipeline import WORKING_STAGES, Stage

#: Settings key of the forecast's stage probabilities (JSON object: stage id -> 0..1).
PROBABILITIES_SETTING = "report_stage_probabilities"

#: How likely an open prospect in each stage is to pay, before anyone edits it.
DEFAULT_STAGE_PROBABILITIES: Mapping[Stage, float] = {
    Stage.OUTREACH: 0.05,
    Stage.FIRST_CALL: 0.10,
    Stage.FOLLOW_UP: 0.20,
    Stage.TRIAL: 0.40,
    Stage.FINAL_CHECK_IN: 0.60,
    Stage.PAYMENT: 0.80,
}

#: Stages a funnel counts, in order: the working stages and Won (paid).
FUNNEL_STAGES: tuple[Stage, ...] = (*WORKING_STAGES, Stage.WON)


class ReportError(UserError):
    """A report that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class ReportFilter:
    """The period (calendar days, both included, UTC) and the owner a report covers."""

    date_from: date | None = None
    date_to: date | None = None
    owner: str | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ReportError(
                f"The period starts ({self.date_from}) after it ends ({self.date_to})."
            )

    def start(self) -> datetime:
        """First instant of the period (the beginning of time without ``date_from``)."""
        if self.date_from is None:
            return datetime(1, 1, 1, tzinfo=UTC)
        return datetime.combine(self.date_from, time(0), tzinfo=UTC)

    def end(self, now: datetime) -> datetime:
        """First instant after the period: the day after ``date_to``, else ``now``."""
        if self.date_to is None:
            return now + timedelta(microseconds=1)
        return datetime.combine(self.date_to + timedelta(days=1), time(0), tzinfo=UTC)

    def describe_period(self) -> str:
        if self.date_from is None and self.date_to is None:
            return "All time"
        start = self.date_from.isoformat() if self.date_from else "the beginning"
        end = self.date_to.isoformat() if self.date_to else "today"
        return f"{start} to {end}"

    def describe_owner(self) -> str:
        return self.owner or "Whole team"


def parse_report_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date from the command line or a settings file, or ReportError."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(f"Cannot read {text!r} as a date; use YYYY-MM-DD.") from None


def probabilities_from_setting(value: Any) -> dict[Stage, float]:
    """Stage probabilities from the stored setting, defaults for anything missing or bad."""
    result = dict(DEFAULT_STAGE_PROBABILITIES)
    if isinstance(value, dict):
        for key, number in value.items():
            known = key in {s.value for s in WORKING_STAGES}
            if known and isinstance(number, int | float) and 0 <= number <= 1:
                result[Stage(key)] = float(number)
    return result


def validate_probabilities(values: Mapping[Stage, float]) -> dict[str, float]:
    """The JSON form of edited probabilities, or ReportError naming the bad one."""
    stored: dict[str, float] = {}
    for stage, number in values.items():
        if stage not in DEFAULT_STAGE_PROBABILITIES:
            raise ReportError(f"{stage.label} has no forecast probability.")
        if not 0 <= number <= 1 or math.isnan(number):
            raise ReportError(f"The probability for {stage.label} must be between 0 and 100 %.")
        stored[stage.value] = float(number)
    return stored


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of ascending values by linear interpolation between the
    closest ranks (Excel's PERCENTILE.INC); None for no values."""
    return percentile_at(len(sorted_values), sorted_values.__getitem__, fraction)


def percentile_at(count: int, value_at: Callable[[int], float], fraction: float) -> float | None:
    """:func:`percentile` of ``count`` ascending values, reading only the one or two it
    needs through ``value_at(rank)`` (rank 0 = the smallest)."""
    if count <= 0:
        return None
    position = (count - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, count - 1)
    weight = position - lower
    low = value_at(lower)
    high = low if upper == lower else value_at(upper)
    return low + (high - low) * weight


def ratio(part: int | float, whole: int | float) -> float | None:
    """``part / whole``, or None when there is nothing to divide by (shown as "—")."""
    return None if not whole else part / whole
