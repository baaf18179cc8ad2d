"""The wizard's last two pages: the import itself (progress and Cancel), and the summary
(show the imported prospects, save the rejected rows, undo the import)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.importing.job import ImportJob

if TYPE_CHECKING:
    from onboard_desk.services.importing import ImportProgress, ImportResult, UndoResult
    from onboard_desk.ui.importing.wizard import ImportWizard

#: More changed prospects than this are announced as "many" rather than one by one.
MANY_IDS = 1_000


class RunPage(QWizardPage):
    """The import itself: a progress bar and Cancel; nothing else can be done meanwhile."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.import_wizard = wizard
        self.setTitle(self.tr("Importing"))
        self.status = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton(self.tr("Cancel import"))
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.job: ImportJob | None = None
        self.finished = False
        self.failure: str | None = None

    def initializePage(self) -> None:
        state = self.import_wizard.state
        assert state.path is not None
        self.finished, self.failure = False, None
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.status.setText(self.tr("Importing {0}…").format(state.path.name))
        self.job = ImportJob(self.import_wizard.context, state.path, state.options(), dry_run=False)
        self.job.signals.sig_progress.connect(self._on_progress)
        self.job.signals.sig_finished.connect(self._on_finished)
        self.job.signals.sig_failed.connect(self._on_failed)
        self.job.start()

    @Slot()
    def cancel(self) -> None:
        if self.job is not None and not self.finished:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr("Cancelling; nothing will be imported…"))

    def _on_progress(self, progress: ImportProgress) -> None:
        self.progress.setValue(int(progress.fraction * 1000))
        self.status.setText(self.tr("Imported {0:,} rows…").format(progress.rows))

    def _on_finished(self, result: ImportResult) -> None:
        self.import_wizard.state.result = result
        self.finished = True
        self.progress.setValue(1000)
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("Done."))
        context = self.import_wizard.context
        # A long list of ids is "many" (an empty list) for the views: they reload.
        ids = result.prospect_ids
        context.prospects_changed(ids if len(ids) <= MANY_IDS else [])
        self.completeChanged.emit()
        self.import_wizard.sig_import_finished.emit(result)
        self.import_wizard.next()

    def _on_failed(self, message: str) -> None:
        self.finished = True
        self.failure = message
        self.cancel_button.setEnabled(False)
        self.status.setText(message)
        self.completeChanged.emit()
        self.import_wizard.sig_import_finished.emit(None)
        self.import_wizard.next()

    def isComplete(self) -> bool:
        return self.finished


class ResultPage(QWizardPage):
    """What happened, with a way to see the imported prospects."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.import_wizard = wizard
        self.setTitle(self.tr("Import finished"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button = QPushButton(self.tr("Show the imported prospects"))
        self.show_button.clicked.connect(self.show_imported)
        self.rejects_button = QPushButton(self.tr("Save rejected rows as CSV…"))
        self.rejects_button.clicked.connect(self._save_rejects)
        self.undo_button = QPushButton(self.tr("Undo this import"))
        self.undo_button.clicked.connect(self.undo_import)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.rejects_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def initializePage(self) -> None:
        run_page = self.import_wizard.run_page
        result = self.import_wizard.state.result
        if result is None or run_page.failure:
            self.setTitle(self.tr("Nothing was imported"))
            self.summary.setText(run_page.failure or "")
            self.show_button.hide()
            self.rejects_button.hide()
            self.undo_button.hide()
            return
        self.setTitle(self.tr("Import finished"))
        lines = [
            self.tr("Created: {0:,} prospects. Updated: {1:,}.").format(
                result.created, result.updated
            ),
            self.tr("Skipped as duplicates: {0:,}. Rejected: {1:,}.").format(
                result.skipped, result.rejected
            ),
        ]
        if result.referrals_linked or result.referral_codes_unmatched:
            lines.append(
                self.tr(
                    "Referral codes: {0:,} linked to their customer, {1:,} matching no "
                    "customer (imported without a referral)."
                ).format(result.referrals_linked, result.referral_codes_unmatched)
            )
        if result.batch_id is not None:
            lines.append(
                self.tr(
                    "This was import #{0}. It can be undone as a whole here, or later from "
                    "the command line: onboard-desk import-undo {0}"
                ).format(result.batch_id)
            )
        else:
            lines.append(self.tr("Nothing in the database changed."))
        self.summary.setText("\n".join(lines))
        self.show_button.setVisible(result.batch_id is not None and bool(result.prospect_ids))
        self.rejects_button.setVisible(result.rejected > 0)
        self.undo_button.setVisible(result.batch_id is not None)
        self.undo_button.setEnabled(True)

    @Slot()
    def undo_import(self) -> None:
        """Undo the whole import (in the background), then say so."""
        result = self.import_wizard.state.result
        if result is None or result.batch_id is None:
            return
        batch_id = result.batch_id
        context = self.import_wizard.context
        self.undo_button.setEnabled(False)
        self.show_button.setEnabled(False)

        def done(outcome: UndoResult) -> None:
            self.summary.setText(
                self.tr("Import #{0} was undone: {1:,} prospects removed, {2:,} restored.").format(
                    outcome.batch_id, outcome.deleted, outcome.restored
                )
            )
            self.show_button.hide()
            self.undo_button.hide()
            context.prospects_changed([])
            self.import_wizard.sig_import_undone.emit(outcome.batch_id)

        def failed(message: str) -> None:
            self.undo_button.setEnabled(True)
            QMessageBox.warning(self, self.tr("Undo import"), message)

        service = context.desk.importing
        context.run(lambda: service.undo(batch_id), guarded(self, done), guarded(self, failed))

    @Slot()
    def show_imported(self) -> None:
        result = self.import_wizard.state.result
        if result is not None and result.batch_id is not None:
            self.import_wizard.sig_show_batch.emit(result.batch_id, result.prospect_ids)
            self.import_wizard.accept()

    def _save_rejects(self) -> None:
        state = self.import_wizard.state
        assert state.path is not None
        suggested = str(state.path.with_name(state.path.stem + "-rejected.csv"))
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save rejected rows"), suggested, "CSV (*.csv)"
        )
        if name:
            self.import_wizard.save_rejects(Path(name))
