"""The import wizard's table models: the file's columns with the field each feeds, the
duplicates found by the dry run (with an action per row), and the preview of the first
rows as they will be stored. Plain Qt models over the import's value types; the pages
(:mod:`.mapping`, :mod:`.review`) show and edit them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from onboard_desk.services.importing import (
    ColumnMapping,
    Duplicate,
    DuplicateAction,
    Field,
    PreviewRow,
)
from onboard_desk.ui.common.status_colors import muted_color, status_color

ModelIndex = QModelIndex | QPersistentModelIndex


class MappingModel(QAbstractTableModel):
    """Columns of the file (rows here): header, sample values, and the chosen field."""

    sig_mapping_changed = Signal()
    HEADERS = ("Column in the file", "Sample values", "Imports into")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns: list[str] = []
        self.samples: list[str] = []
        self.fields: list[Field] = []

    def set_columns(
        self, headers: list[str], sample_rows: list[list[str]], mapping: ColumnMapping
    ) -> None:
        self.beginResetModel()
        self.columns = list(headers)
        self.samples = [
            " · ".join(
                v.replace("\n", " ⏎ ") for v in (row[i] for row in sample_rows if i < len(row)) if v
            )[:120]
            for i in range(len(headers))
        ]
        self.fields = [mapping.get(h, Field.IGNORE) for h in headers]
        self.endResetModel()
        self.sig_mapping_changed.emit()

    def set_mapping(self, mapping: ColumnMapping) -> None:
        self.fields = [mapping.get(h, Field.IGNORE) for h in self.columns]
        if self.columns:
            self.dataChanged.emit(
                self.index(0, 2),
                self.index(len(self.columns) - 1, 2),
                [Qt.ItemDataRole.EditRole, Qt.ItemDataRole.DisplayRole],
            )
        self.sig_mapping_changed.emit()

    def mapping(self) -> ColumnMapping:
        return dict(zip(self.columns, self.fields, strict=True))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return self.columns[row]
            if column == 1:
                return self.samples[row]
            field = self.fields[row]
            return field.value if role == Qt.ItemDataRole.EditRole else field.label
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return muted_color() if self.fields[row] is Field.IGNORE else None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 2 else base

    def setData(self, index: ModelIndex, value: Any, role: int = 2) -> bool:
        if not index.isValid() or index.column() != 2 or role != Qt.ItemDataRole.EditRole:
            return False
        self.fields[index.row()] = Field(value)
        self.dataChanged.emit(index, index)
        self.sig_mapping_changed.emit()
        return True


class DuplicatesModel(QAbstractTableModel):
    """The duplicates of a dry run; the Action column is editable per row."""

    HEADERS = ("Line", "Name", "Email", "Company", "Matches", "Why", "Action")
    sig_actions_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Duplicate] = []
        self.default = DuplicateAction.SKIP
        self.overrides: dict[int, DuplicateAction] = {}

    def set_rows(self, rows: list[Duplicate]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.overrides = {line: a for line, a in self.overrides.items() if line in self.lines()}
        self.endResetModel()

    def lines(self) -> set[int]:
        return {d.line for d in self.rows}

    def set_default(self, action: DuplicateAction) -> None:
        self.default = action
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 6),
                self.index(len(self.rows) - 1, 6),
                [Qt.ItemDataRole.EditRole, Qt.ItemDataRole.DisplayRole],
            )
        self.sig_actions_changed.emit()

    def action(self, line: int) -> DuplicateAction:
        return self.overrides.get(line, self.default)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = 0) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
        ):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 6:
            action = self.action(row.line)
            return action.value if role == Qt.ItemDataRole.EditRole else action.label
        why = row.match.kind.label
        if row.match.score < 100:
            why += f" ({row.match.score:.0f}%)"
        return (row.line, row.name, row.email, row.company, row.existing, why)[column]

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 6 else base

    def setData(self, index: ModelIndex, value: Any, role: int = 2) -> bool:
        if not index.isValid() or index.column() != 6 or role != Qt.ItemDataRole.EditRole:
            return False
        line = self.rows[index.row()].line
        action = DuplicateAction(value)
        if action is self.default:
            self.overrides.pop(line, None)
        else:
            self.overrides[line] = action
        self.dataChanged.emit(index, index)
        self.sig_actions_changed.emit()
        return True


class PreviewModel(QAbstractTableModel):
    """The first rows of the file as they will be stored, with what will happen to each."""

    COLUMNS = (
        ("outcome", "Will be"),
        ("line", "Line"),
        ("name", "Name"),
        ("company", "Company"),
        ("title", "Title"),
        ("email", "Email"),
        ("phone", "Phone"),
        ("channel", "Channel"),
        ("owner", "Owner"),
        ("stage", "Stage"),
        ("tags", "Tags"),
        ("value", "Value"),
        ("created_at", "Added"),
        ("next_action", "Next action"),
        ("next_action_due", "Due"),
        ("notes", "Notes"),
    )
    OUTCOMES: ClassVar[dict[str, str]] = {
        "create": "New",
        "update": "Updates existing",
        "skip": "Skipped (duplicate)",
        "reject": "Rejected",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PreviewRow] = []
        self.outcomes: list[str] = []

    def set_rows(self, rows: list[PreviewRow], outcomes: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.outcomes = list(rows), list(outcomes)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][1]
        return None

    def data(self, index: ModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        outcome = self.outcomes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "outcome":
                return self.OUTCOMES.get(outcome, outcome)
            if key == "line":
                return row.line
            if outcome == "reject":
                return row.reason if key == "name" else ""
            return str(row.values.get(key, "")).replace("\n", " ⏎ ")
        if role == Qt.ItemDataRole.ToolTipRole and outcome == "reject":
            return row.reason
        if role == Qt.ItemDataRole.ForegroundRole and outcome in ("reject", "skip"):
            return status_color("error") if outcome == "reject" else muted_color()
        return None
