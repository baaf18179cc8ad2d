"""The prospect's timeline as an item model: stage moves and activities, newest first.

A table model over the plain entries the prospect service reads with the card's details
(:mod:`onboard_desk.services.timeline`: a prospect has tens of events, not thousands).
Each entry says when, what, the detail and who, so the card's view needs no widget per
event.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from onboard_desk.domain.timeutil import format_local
from onboard_desk.services.prospects import TimelineEntry
from onboard_desk.ui.common.status_colors import link_color


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
