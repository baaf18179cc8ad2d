"""File > Import: a wizard that takes a salesperson's file into the database safely.

Pages: the file (with the sheet for workbooks), the column mapping and the options for
every row, duplicates (a choice per import and per row), a preview of the first rows as
they will be stored, the import itself with a progress bar and Cancel, and a summary
that can show the imported prospects. Reading, the dry run and the import run off the
GUI thread (see :mod:`onboard_desk.ui.importing.worker`); nothing is written before the
Import button, and the import is one transaction that Cancel rolls back.

The main window opens it from File > Import and when a file is dropped on it, and
connects :attr:`ImportWizard.sig_show_batch` to show the imported prospects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from onboard_desk.importing import (
    ColumnMapping,
    DuplicateAction,
    ImportOptions,
    ImportResult,
    UndoResult,
    open_table,
    undo_batch,
)
from onboard_desk.importing.sources import FILE_DIALOG_FILTER
from onboard_desk.importing.sources.text import describe_encoding
from onboard_desk.pipeline import Channel, Stage
from onboard_desk.storage import settings_store
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.importing.mapping import MappingPage
from onboard_desk.ui.importing.review import DuplicatesPage, PreviewPage
from onboard_desk.ui.importing.worker import ImportJob

#: Data rows read for the mapping page's sample column.
SAMPLE_ROWS = 5
#: More changed prospects than this are announced as "many" rather than one by one.
MANY_IDS = 1_000


@dataclass
class FileInfo:
    """What inspecting a file found: enough to fill the mapping page."""

    headers: list[str]
    sample_rows: list[list[str]]
    sheets: list[str]
    sheet: str
    description: str


def inspect_file(path: Path, sheet: str | None) -> FileInfo:
    """Open ``path`` and read its header and first rows (off the GUI thread)."""
    with open_table(path, sheet=sheet) as table:
        sample = []
        for _line, cells in table.rows:
            sample.append(cells)
            if len(sample) >= SAMPLE_ROWS:
                break
        parts = [table.file_format.upper()]
        if table.encoding:
            parts.append(describe_encoding(table.encoding))
        names = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}
        if table.delimiter:
            parts.append(f"separated by {names.get(table.delimiter, table.delimiter)}")
        if table.sheet:
            parts.append(f"sheet “{table.sheet}”")
        description = f"{', '.join(parts)}; {len(table.headers)} columns"
        return FileInfo(list(table.headers), sample, list(table.sheets), table.sheet, description)


@dataclass
class WizardState:
    """Everything the pages decide, read by the pages after them."""

    path: Path | None = None
    sheet: str | None = None
    headers: list[str] = field(default_factory=list)
    sample_rows: list[list[str]] = field(default_factory=list)
    mapping: ColumnMapping | None = None
    mapping_for: list[str] = field(default_factory=list)
    channel: Channel | None = None
    owner: str | None = None
    tags: str = ""
    stage: Stage = Stage.OUTREACH
    on_duplicate: DuplicateAction = DuplicateAction.SKIP
    row_actions: dict[int, DuplicateAction] = field(default_factory=dict)
    region: str | None = None
    currency: str = "USD"
    dry_run: Any = None
    result: ImportResult | None = None

    def options(self, *, dry_run: bool = False) -> ImportOptions:
        """The import's options; a dry run skips every duplicate so the choices can be
        counted afterwards without running it again."""
        return ImportOptions(
            mapping=self.mapping,
            channel=self.channel,
            owner=self.owner,
            tags=self.tags,
            stage=self.stage,
            on_duplicate=DuplicateAction.SKIP if dry_run else self.on_duplicate,
            row_actions={} if dry_run else dict(self.row_actions),
            sheet=self.sheet,
            region=self.region,
            currency=self.currency,
        )


class FilePage(QWizardPage):
    """Pick the file (and the sheet of a workbook); shows what was detected."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.import_wizard = wizard
        self.setTitle(self.tr("Choose a file"))
        self.setSubTitle(
            self.tr(
                "A CSV or text export (LinkedIn, HubSpot, Pipedrive, Salesforce, Excel), an "
                "Excel workbook (.xlsx) or contacts from your phone or mail program (.vcf). "
                "You can also drop the file here."
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Path to the file"))
        self.path_edit.editingFinished.connect(self._path_edited)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.sheet = QComboBox()
        self.sheet.activated.connect(lambda _i: self._inspect())
        self.sheet_label = QLabel(self.tr("Sheet:"))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("File:"), row)
        form.addRow(self.sheet_label, self.sheet)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addStretch(1)
        self._set_sheet_visible(False)
        self.setAcceptDrops(True)
        self.file_info: FileInfo | None = None
        self._pending = 0

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a file dragged onto the page (the same as choosing it)."""
        if event.mimeData().hasUrls() and event.mimeData().urls()[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.set_path(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    def _set_sheet_visible(self, visible: bool) -> None:
        self.sheet.setVisible(visible)
        self.sheet_label.setVisible(visible)

    def _browse(self) -> None:
        start = self.path_edit.text() or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import prospects"), start, f"{FILE_DIALOG_FILTER};;All files (*)"
        )
        if name:
            self.set_path(Path(name))

    def _path_edited(self) -> None:
        text = self.path_edit.text().strip()
        current = self.import_wizard.state.path
        if text and (current is None or Path(text) != current):
            self.set_path(Path(text).expanduser())

    def set_path(self, path: Path) -> None:
        """Choose ``path`` and read its header in the background."""
        self.path_edit.setText(str(path))
        self.import_wizard.state.path = path
        self.sheet.clear()
        self._set_sheet_visible(False)
        self._inspect()

    def _inspect(self) -> None:
        state = self.import_wizard.state
        path = state.path
        if path is None:
            return
        sheet = self.sheet.currentText() or None
        self.file_info = None
        self.completeChanged.emit()
        self.info.setText(self.tr("Reading {0}…").format(path.name))
        self._pending += 1
        ticket = self._pending
        self.import_wizard.context.run_task(
            lambda _session: inspect_file(path, sheet),
            lambda info: self._inspected(ticket, info),
            lambda message: self._failed(ticket, message),
        )

    def _inspected(self, ticket: int, info: FileInfo) -> None:
        if ticket != self._pending:
            return  # a newer choice is being read
        self.file_info = info
        state = self.import_wizard.state
        state.sheet = info.sheet or None
        state.headers, state.sample_rows = info.headers, info.sample_rows
        if info.sheets and self.sheet.count() == 0:
            self.sheet.addItems(info.sheets)
            self.sheet.setCurrentText(info.sheet)
        self._set_sheet_visible(len(info.sheets) > 1)
        self.info.setStyleSheet("")
        self.info.setText(
            self.tr("Found: {0}.\nColumns: {1}").format(info.description, ", ".join(info.headers))
        )
        self.completeChanged.emit()
        self.import_wizard.sig_file_ready.emit()

    def _failed(self, ticket: int, message: str) -> None:
        if ticket != self._pending:
            return
        self.file_info = None
        self.info.setStyleSheet(text_style("error"))
        self.info.setText(message)
        self.completeChanged.emit()
        self.import_wizard.sig_file_ready.emit()

    def isComplete(self) -> bool:
        return self.file_info is not None


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

    def _on_progress(self, fraction: float, rows: int) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(self.tr("Imported {0:,} rows…").format(rows))

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

    def _on_failed(self, message: str, _cancelled: bool) -> None:
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

        context.run_task(lambda _s: undo_batch(context.engine, batch_id), done, failed)

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


class ImportWizard(QWizard):
    """The import wizard. ``path`` preselects a file (a file dropped on the window)."""

    #: The batch id and the ids of the prospects it created or updated.
    sig_show_batch = Signal(int, list)
    #: The file page finished reading a file (or failed to).
    sig_file_ready = Signal()
    #: The import finished (the ImportResult) or failed (None).
    sig_import_finished = Signal(object)
    #: The rejected rows were written to a file (its path).
    sig_rejects_saved = Signal(str)
    #: The import just made was undone from the summary page (its batch id).
    sig_import_undone = Signal(int)

    PAGE_FILE, PAGE_MAPPING, PAGE_DUPLICATES, PAGE_PREVIEW, PAGE_RUN, PAGE_RESULT = range(6)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.state = WizardState()
        with context.session() as session:
            region = settings_store.get_setting(session, settings_store.PHONE_REGION)
            self.state.currency = settings_store.default_currency(session)
        self.state.region = region.upper() if isinstance(region, str) and region else None
        self.setWindowTitle(self.tr("Import prospects"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(1000, 680)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.duplicates_page = DuplicatesPage(self)
        self.preview_page = PreviewPage(self)
        self.run_page = RunPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in enumerate(
            (
                self.file_page,
                self.mapping_page,
                self.duplicates_page,
                self.preview_page,
                self.run_page,
                self.result_page,
            )
        ):
            self.setPage(page_id, page)
        self._rejects_job: ImportJob | None = None
        if path is not None:
            self.file_page.set_path(Path(path))

    def reject(self) -> None:
        """Closing while importing cancels the import (it rolls back) before closing."""
        run_page = self.run_page
        if run_page.job is not None and not run_page.finished:
            run_page.cancel()
            return
        dry_run = self.duplicates_page.job
        if dry_run is not None and self.duplicates_page.result is None:
            dry_run.cancel()
        super().reject()

    def save_rejects(self, target: Path) -> None:
        """Write every rejected row (with line and reason) to ``target``, in the background.

        A dry run with the same options produces them, so this works before and after
        the import alike and never holds all rejected rows in memory.
        """
        state = self.state
        assert state.path is not None
        job = ImportJob(
            self.context, state.path, state.options(), dry_run=True, rejects_path=target
        )
        job.signals.sig_finished.connect(lambda _r: self.sig_rejects_saved.emit(str(target)))
        job.signals.sig_failed.connect(
            lambda message, _c: QMessageBox.warning(self, self.tr("Rejected rows"), message)
        )
        self._rejects_job = job
        job.start()
