"""The wizard's review pages: duplicates (with a choice per import and per row) and the
preview of the first rows as they will be stored.

Both show the result of one dry run, made in the background when the duplicates page
opens: the same code path as the import itself, writing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
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
    QWizardPage,
)

from onboard_desk.services.importing import DuplicateAction, ImportResult
from onboard_desk.ui.common.choice_delegate import ChoiceDelegate
from onboard_desk.ui.importing.job import ImportJob
from onboard_desk.ui.importing.models import DuplicatesModel, PreviewModel

if TYPE_CHECKING:
    from onboard_desk.services.importing import ImportProgress
    from onboard_desk.ui.importing.wizard import ImportWizard

#: Rows of the file shown on the preview page.
PREVIEW_ROWS = 20
#: Duplicate rows whose Action combo box is always shown (the rest edit on a click).
PERSISTENT_EDITORS = 300


class DuplicatesPage(QWizardPage):
    """Runs the dry run, then lets the user decide about each duplicate."""

    def __init__(self, wizard: ImportWizard) -> None:
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
        self.job: ImportJob | None = None
        self.result: ImportResult | None = None

    def initializePage(self) -> None:
        self.result = None
        self.completeChanged.emit()
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Reading the file and looking for duplicates…"))
        state = self.import_wizard.state
        assert state.path is not None
        self.job = ImportJob(
            self.import_wizard.context,
            state.path,
            state.options(dry_run=True),
            dry_run=True,
            preview_rows=PREVIEW_ROWS,
        )
        self.job.signals.sig_progress.connect(self._on_progress)
        self.job.signals.sig_finished.connect(self._on_finished)
        self.job.signals.sig_failed.connect(self._on_failed)
        self.job.start()

    def _on_progress(self, progress: ImportProgress) -> None:
        self.progress.setValue(int(progress.fraction * 1000))
        self.status.setText(self.tr("Checked {0:,} rows…").format(progress.rows))

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

    def _on_failed(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(message)
        if self.job is not None and self.job.cancelled:
            return  # the wizard was closed meanwhile: nothing to warn about
        QMessageBox.warning(self, self.tr("Import"), message)

    def isComplete(self) -> bool:
        return self.result is not None

    def validatePage(self) -> bool:
        state = self.import_wizard.state
        state.on_duplicate = self.model.default
        state.row_actions = dict(self.model.overrides)
        return True


class PreviewPage(QWizardPage):
    """Shows the first rows as they will be stored; rejected rows can be saved to fix."""

    def __init__(self, wizard: ImportWizard) -> None:
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
        state = self.import_wizard.state
        assert state.path is not None
        suggested = str(state.path.with_name(state.path.stem + "-rejected.csv"))
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save rejected rows"), suggested, "CSV (*.csv)"
        )
        if name:
            self.import_wizard.save_rejects(Path(name))
