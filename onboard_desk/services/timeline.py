"""A prospect's timeline: its stage moves and activities as one list of events, newest first.

Each event says when, what (in words a salesperson reads), the detail and who, so a front
end shows it without knowing how moves and activities are stored. A prospect has tens of
events, not thousands, and the newest :data:`MAX_ACTIVITIES` activities are read at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from onboard_desk.domain.timeutil import as_utc, format_local
from onboard_desk.pipeline import MoveKind, stage_label
from onboard_desk.storage.models import Activity, StageChange

#: Activities shown at most (the newest); older ones stay in the database and reports.
MAX_ACTIVITIES = 500


@dataclass(frozen=True)
class TimelineEntry:
    """One event on the timeline."""

    at: datetime
    kind: str  # "move" or an activity kind (call, email, meeting, note)
    what: str
    detail: str
    by: str
    order: int = 0


def _label(stage: str | None) -> str:
    return stage_label(stage) if stage else ""


def move_entry(change: StageChange) -> TimelineEntry:
    """A recorded move, as the timeline says it."""
    kind = change.kind
    to_label, from_label = _label(change.to_stage), _label(change.from_stage)
    if kind == MoveKind.CREATE.value:
        what = f"Added in {to_label}"
    elif kind == MoveKind.LOSE.value:
        what = f"Marked lost (was in {from_label})"
    elif kind == MoveKind.REOPEN.value:
        what = f"Reopened into {to_label}"
    elif kind == MoveKind.WIN.value:
        what = "Won: now a customer"
    elif kind == MoveKind.SKIP.value:
        what = f"Skipped {from_label} → {to_label}"
    else:
        what = f"Moved {from_label} → {to_label}"
    return TimelineEntry(
        at=as_utc(change.at),
        kind="move",
        what=what,
        detail=change.reason or "",
        by=change.by,
        order=int(change.id or 0),
    )


def activity_entry(activity: Activity) -> TimelineEntry:
    """A logged or planned activity, as the timeline says it."""
    kind = activity.kind
    planned = activity.status == "planned"
    if kind == "call":
        parts = ["Call"]
        if activity.outcome:
            parts.append(activity.outcome)
        if activity.duration_seconds:
            parts.append(f"{max(1, round(activity.duration_seconds / 60))} min")
        what = ", ".join(parts[:1]) + (": " + ", ".join(parts[1:]) if parts[1:] else "")
    elif kind == "email":
        what = f"Email: {activity.subject}" if activity.subject else "Email"
    elif kind == "note":
        what = "Note"
    else:
        what = kind.capitalize()
    if planned:
        due = format_local(activity.due_at) if activity.due_at else ""
        what = f"Planned {what.lower()}" + (f" (due {due})" if due else "")
    return TimelineEntry(
        at=as_utc(activity.occurred_at),
        kind=kind,
        what=what,
        detail=activity.text,
        by=activity.by,
        order=int(activity.id or 0),
    )


def build_timeline(
    history: Iterable[StageChange], activities: Iterable[Activity]
) -> list[TimelineEntry]:
    """Moves and activities in one list, newest first; of a move and an activity made at
    the same moment the move counts as the earlier (the activity usually follows from it)."""
    entries = [move_entry(change) for change in history]
    entries += [activity_entry(activity) for activity in activities]
    return sorted(entries, key=lambda e: (e.at, e.kind != "move", e.order), reverse=True)
