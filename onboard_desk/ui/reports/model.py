"""A read-only table model over one report section
(:class:`~onboard_desk.services.reports.Table`).

Display text comes from the same formatter the PDF and HTML exports use, and the raw
value is available for sorting, so the screen shows exactly the exported numbers.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from onboard_desk.services.reports import Table, format_value

#: Role holding the unformatted value (numbers stay numbers for sorting and tests).
RAW_ROLE = Qt.ItemDataRole.UserRole + 1


class ReportTableModel(QAbstractTableModel):
    """Rows and columns of one section; replaced wholesale when a new report arrives."""

    def __init__(self, table: Table | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._table = table

    def set_table(self, table: Table | None) -> None:
        self.beginResetModel()
        self._table = table
        self.endResetModel()

    @property
    def table(self) -> Table | None:
        return self._table

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._table is None else len(self._table.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._table is None else len(self._table.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if self._table is None or not index.isValid():
            return None
        value = self._table.rows[index.row()][index.column()]
        kind = self._table.kind_at(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(value, kind)
        if role == RAW_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and kind not in ("text", "month"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if self._table is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._table.columns[section].header
        return None
