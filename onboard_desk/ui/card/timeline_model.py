"""The prospect's timeline: stage moves and activities in one list, newest first.

A list model over plain entries read once per refresh (a prospect has tens of events,
not thousands, so one indexed read of each kind is cheap). Each entry says when, what,
the detail and who, so the card's view needs no widget per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from sqlmodel import Session

from onboard_desk.domain.timeutil import as_utc, format_local
from onboard_desk.pipeline import MoveKind, stage_label
from onboard_desk.storage import store
from onboard_desk.storage.models import Activity, StageChange
from onboard_desk.ui.common.status_colors import link_color

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


def load_timeline(session: Session, prospect_id: int) -> list[TimelineEntry]:
    """Moves and activities of one prospect, newest first."""
    entries = [move_entry(c) for c in store.stage_history(session, prospect_id)]
    entries += [
        activity_entry(a) for a in store.activities_of(session, prospect_id, limit=MAX_ACTIVITIES)
    ]
    return sorted(entries, key=lambda e: (e.at, e.kind != "move", e.order), reverse=True)


class TimelineModel(QAbstractTableModel):
    """Columns: when, what, detail, by."""

    HEADERS = ("When", "What", "Details", "By")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []

    def set_entries(self, entries: list[TimelineEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> TimelineEntry:
        return self._entries[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(self.HEADERS[section])
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return format_local(entry.at)
            if column == 1:
                return entry.what
            if column == 2:
                return " ".join(entry.detail.split())  # one line; the tooltip has it all
            return entry.by
        if role == Qt.ItemDataRole.ToolTipRole:
            by = f"({entry.by})" if entry.by else ""
            return "\n".join(p for p in (entry.what, entry.detail, by) if p)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and entry.kind == "move":
            return QBrush(link_color())
        return None
