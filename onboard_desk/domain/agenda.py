"""The day's work as the Today screen shows it: what is due, grouped, oldest first.

Plain Python (no Qt, no database): the shapes the Today screen shows, where today begins
and ends, and what "snooze until tomorrow / next week" means, so those rules are tested
without a window. The grouping itself is SQL (:func:`onboard_desk.storage.queries.today_agenda`),
one indexed query per group, so the screen does not read every open prospect.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from onboard_desk.domain.timeutil import DEFAULT_DUE_TIME
from onboard_desk.pipeline import (
    Flag,
    PipelineConfig,
    Stage,
    flags_for,
)


@dataclass(frozen=True)
class AgendaItem:
    """One open prospect (or customer with a next action due) as a line of the day's
    agenda."""

    prospect_id: int
    name: str
    company: str
    stage: Stage
    next_action: str | None
    due: datetime | None
    stage_entered_at: datetime
    value_cents: int | None
    currency: str

    def flags(self, now: datetime, config: PipelineConfig | None = None) -> frozenset[Flag]:
        return flags_for(
            stage=self.stage,
            next_action_due=self.due,
            stage_entered_at=self.stage_entered_at,
            now=now,
            config=config,
        )


class GroupKind(enum.StrEnum):
    """The agenda's sections, in the order they are shown."""

    OVERDUE = "overdue"
    TODAY = "today"
    STALE = "stale"
    NO_NEXT_ACTION = "no_next_action"

    @property
    def heading(self) -> str:
        return {
            GroupKind.OVERDUE: "Overdue",
            GroupKind.TODAY: "Due today",
            GroupKind.STALE: "Stale: idle in their stage too long",
            GroupKind.NO_NEXT_ACTION: "No next action",
        }[self]


@dataclass(frozen=True)
class AgendaGroup:
    """One section: its rows (oldest first) and how many exist in all (rows may be capped)."""

    kind: GroupKind
    items: tuple[AgendaItem, ...]
    total: int

    @property
    def title(self) -> str:
        return self.kind.heading


@dataclass(frozen=True)
class Agenda:
    """Everything the Today screen shows, fetched in one background call."""

    groups: tuple[AgendaGroup, ...]
    now: datetime

    def group(self, kind: GroupKind) -> AgendaGroup:
        for group in self.groups:
            if group.kind is kind:
                return group
        return AgendaGroup(kind, (), 0)


def start_of_day(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """Local midnight of the day ``moment`` falls on (aware)."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def today_bounds(now: datetime, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """Local midnight of ``now``'s day and 24 hours later: the "Due today" window.

    A next action due before the first is overdue; one due earlier today stays under
    "Due today" although it is late: the salesperson plans the day by date, and the row's
    overdue flag still says it is late.
    """
    today = start_of_day(now, zone)
    return today, today + timedelta(days=1)


class Snooze(enum.StrEnum):
    """How far a next action can be put off with one click."""

    TOMORROW = "tomorrow"
    NEXT_WEEK = "next_week"

    @property
    def label(self) -> str:
        return {Snooze.TOMORROW: "Tomorrow", Snooze.NEXT_WEEK: "Next week"}[self]


def snooze_until(choice: Snooze, now: datetime, zone: tzinfo | None = None) -> datetime:
    """When a snoozed action comes due again: tomorrow morning, or next Monday morning
    (a week from today when today is a weekend day or Monday itself would be too close)."""
    local = now.astimezone(zone)
    day: date = local.date()
    if choice is Snooze.TOMORROW:
        target = day + timedelta(days=1)
    else:
        target = day + timedelta(days=7 - day.weekday())  # next Monday
    return datetime.combine(target, DEFAULT_DUE_TIME, tzinfo=local.tzinfo)


def guess_activity_kind(next_action: str | None) -> str:
    """The activity a done next action most likely was (call, email, meeting or note)."""
    text = (next_action or "").lower()
    if any(word in text for word in ("call", "check-in", "phone", "ring")):
        return "call"
    if any(word in text for word in ("email", "e-mail", "send", "mail", "follow up")):
        return "email"
    if any(word in text for word in ("meet", "demo", "visit")):
        return "meeting"
    return "note"
