"""The day's work as the Today screen shows it: what is due, grouped, oldest first.

Plain Python (no Qt, no database): the rows come from :mod:`onboard_desk.queries`, and
this module decides which group a row belongs to, in which order, and what "snooze until
tomorrow / next week" means, so those rules are tested without a window.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from onboard_desk.pipeline import Flag, PipelineConfig, Stage, flags_for
from onboard_desk.timeutil import DEFAULT_DUE_TIME


@dataclass(frozen=True)
class AgendaItem:
    """One open prospect as a line of the day's agenda."""

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


def split_due(
    items: Iterable[AgendaItem], *, now: datetime, zone: tzinfo | None = None
) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """Rows due before today (overdue) and rows due today, each oldest first.

    A row due earlier today stays under "Due today": the salesperson plans the day by
    date; the overdue flag on the row still says it is late.
    """
    today = start_of_day(now, zone)
    tomorrow = today + timedelta(days=1)
    overdue: list[AgendaItem] = []
    due_today: list[AgendaItem] = []
    for item in items:
        if item.due is None:
            continue
        if item.due < today:
            overdue.append(item)
        elif item.due < tomorrow:
            due_today.append(item)
    key = _due_key
    return sorted(overdue, key=key), sorted(due_today, key=key)


def _due_key(item: AgendaItem) -> tuple[datetime, int]:
    assert item.due is not None
    return (item.due, item.prospect_id)


def build_agenda(
    items: Iterable[AgendaItem],
    *,
    now: datetime,
    config: PipelineConfig | None = None,
    limit: int = 300,
    zone: tzinfo | None = None,
) -> Agenda:
    """Sort open prospects into the Today groups, each oldest first and capped at ``limit``.

    Overdue (due before today) and due today come from :func:`split_due`; stale means idle
    in the stage past its limit (:func:`onboard_desk.pipeline.flags_for`), longest idle
    first; "no next action" lists those without one, longest in their stage first.
    """
    config = config or PipelineConfig()
    rows = list(items)
    overdue, due_today = split_due(rows, now=now, zone=zone)
    stale = sorted(
        (i for i in rows if Flag.STALE in i.flags(now, config)),
        key=lambda i: (i.stage_entered_at, i.prospect_id),
    )
    missing = sorted(
        (i for i in rows if i.due is None),
        key=lambda i: (i.stage_entered_at, i.prospect_id),
    )

    def group(kind: GroupKind, found: list[AgendaItem]) -> AgendaGroup:
        return AgendaGroup(kind, tuple(found[:limit]), len(found))

    return Agenda(
        groups=(
            group(GroupKind.OVERDUE, overdue),
            group(GroupKind.TODAY, due_today),
            group(GroupKind.STALE, stale),
            group(GroupKind.NO_NEXT_ACTION, missing),
        ),
        now=now,
    )


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
