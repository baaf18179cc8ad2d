"""The wizard's review pages: duplicates (with a choice per import and per row) and the
preview of the first rows as they will be stored.

Both show the result of one dry run, made in the background when the duplicates page
opens: the same code path as the import itself, writing nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from onboard_desk.importing import (
    Duplicate,
    DuplicateAction,
    ImportResult,
    PreviewRow,
)
from onboard_desk.ui.common.choice_delegate import ChoiceDelegate
from onboard_desk.ui.common.status_colors import muted_color, status_color

ModelIndex = QModelIndex | QPersistentModelIndex
#: Rows of the file shown on the preview page.
PREVIEW_ROWS = 20
#: Duplicate rows whose Action combo box is always shown (the rest edit on a click).
PERSISTENT_EDITORS = 300


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


class DuplicatesPage(QWizardPage):
    """Runs the dry run, then lets the user decide about each duplicate."""

    def __init__(self, wizard: Any) -> None:
        super().__init__()
        self.import_wizard = wizard
        self.setTitle(self.tr("Check for duplicates"))
        self.setSubTitle(
            self.tr(
                "Rows that match a prospect you already have (same email, same phone, or a "
                "similar name at the same company), or an earlier row of the file."
            )
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.default = QComboBox()
        self.default.setObjectName("default_action")
        for action in DuplicateAction:
            self.default.addItem(action.label, action.value)
        self.model = DuplicatesModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(
            6, ChoiceDelegate([(a.label, a.value) for a in DuplicateAction], self.view)
        )
        self.view.setEditTriggers(
            QTableView.EditTrigger.AllEditTriggers & ~QTableView.EditTrigger.AnyKeyPressed
        )
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((45, 140, 180, 120, 190, 110, 140)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.default.activated.connect(
            lambda _i: self.model.set_default(DuplicateAction(self.default.currentData()))
        )
        choice = QHBoxLayout()
        choice.addWidget(QLabel(self.tr("For every duplicate:")))
        choice.addWidget(self.default)
        choice.addStretch(1)
        choice.addWidget(QLabel(self.tr("Change single rows in the Action column.")))
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(choice)
        layout.addWidget(self.view, 1)
        self.job: Any = None
        self.result: ImportResult | None = None

    def initializePage(self) -> None:
        from onboard_desk.ui.importing.worker import ImportJob

        self.result = None
        self.completeChanged.emit()
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Reading the file and looking for duplicates…"))
        state = self.import_wizard.state
        self.job = ImportJob(
            self.import_wizard.context,
            state.path,
            state.options(dry_run=True),
            dry_run=True,
            preview_rows=PREVIEW_ROWS,
            parent=self,
        )
        self.job.signals.sig_progress.connect(self._on_progress)
        self.job.signals.sig_finished.connect(self._on_finished)
        self.job.signals.sig_failed.connect(self._on_failed)
        self.job.start()

    def _on_progress(self, fraction: float, rows: int) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(self.tr("Checked {0:,} rows…").format(rows))

    def _on_finished(self, result: ImportResult) -> None:
        self.result = result
        self.import_wizard.state.dry_run = result
        self.progress.hide()
        self.model.set_rows(result.duplicates)
        for row in range(min(self.model.rowCount(), PERSISTENT_EDITORS)):
            self.view.openPersistentEditor(self.model.index(row, 6))
        if result.duplicate_count:
            shown = ""
            if result.duplicate_count > len(result.duplicates):
                shown = self.tr(" (the first {0:,} are listed)").format(len(result.duplicates))
            text = self.tr("{0:,} of {1:,} rows match prospects you have{2}.").format(
                result.duplicate_count, result.rows_read, shown
            )
        else:
            text = self.tr("No duplicates among the {0:,} rows.").format(result.rows_read)
        if result.rejected:
            text += " " + self.tr("{0:,} rows cannot be imported (see the next page).").format(
                result.rejected
            )
        self.status.setText(text)
        self.completeChanged.emit()

    def _on_failed(self, message: str, _cancelled: bool) -> None:
        self.progress.hide()
        self.status.setText(message)
        QMessageBox.warning(self, self.tr("Import"), message)

    def isComplete(self) -> bool:
        return self.result is not None

    def validatePage(self) -> bool:
        state = self.import_wizard.state
        state.on_duplicate = self.model.default
        state.row_actions = dict(self.model.overrides)
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


class PreviewPage(QWizardPage):
    """Shows the first rows as they will be stored; rejected rows can be saved to fix."""

    def __init__(self, wizard: Any) -> None:
        super().__init__()
        self.import_wizard = wizard
        self.setTitle(self.tr("Preview"))
        self.setSubTitle(
            self.tr("The first rows of the file, as they will be stored. Nothing is saved yet.")
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = PreviewModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.rejects_button = QPushButton(self.tr("Save rejected rows as CSV…"))
        self.rejects_button.clicked.connect(self._save_rejects)
        self.rejects_list = QLabel()
        self.rejects_list.setWordWrap(True)
        self.rejects_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.rejects_list, 1)
        bottom.addWidget(self.rejects_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.setButtonText(wizard.WizardButton.CommitButton, self.tr("Import"))
        self.setCommitPage(True)

    def initializePage(self) -> None:
        state = self.import_wizard.state
        result: ImportResult = state.dry_run
        actions = state.row_actions
        duplicate_lines = {d.line for d in result.duplicates}
        outcomes = []
        for row in result.preview:
            if row.line in duplicate_lines:
                outcomes.append(actions.get(row.line, state.on_duplicate).value)
            else:
                outcomes.append(row.outcome)
        self.model.set_rows(result.preview, outcomes)
        self.view.clearSpans()
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 220))
        # A rejected row has no values; its reason gets the width of the whole row.
        for number, outcome in enumerate(outcomes):
            if outcome == "reject":
                self.view.setSpan(number, 2, 1, self.model.columnCount() - 2)
        counts = self._counts(result, state)
        self.summary.setText(
            self.tr(
                "{rows:,} rows: {create:,} new, {update:,} to update, {skip:,} skipped as "
                "duplicates, {reject:,} rejected."
            ).format(rows=result.rows_read, **counts)
        )
        self.rejects_button.setVisible(result.rejected > 0)
        lines = [f"Line {r.line}: {r.reason}" for r in result.rejects[:5]]
        if result.rejected > 5:
            lines.append(self.tr("… and {0:,} more.").format(result.rejected - 5))
        self.rejects_list.setText("\n".join(lines))

    @staticmethod
    def _counts(result: ImportResult, state: Any) -> dict[str, int]:
        # The dry run skipped every duplicate; count them by the choices made since.
        counts = {"create": result.created, "update": 0, "skip": 0, "reject": result.rejected}
        for duplicate in result.duplicates:
            counts[state.row_actions.get(duplicate.line, state.on_duplicate).value] += 1
        unlisted = result.duplicate_count - len(result.duplicates)
        counts[state.on_duplicate.value] += unlisted
        return counts

    def _save_rejects(self) -> None:
        from pathlib import Path

        state = self.import_wizard.state
        suggested = str(state.path.with_name(state.path.stem + "-rejected.csv"))
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save rejected rows"), suggested, "CSV (*.csv)"
        )
        if name:
            self.import_wizard.save_rejects(Path(name))
