"""File > Import: a wizard that takes a salesperson's file into the database safely.

Pages: the file (with the sheet for workbooks; :mod:`.file_page`), the column mapping and
the options for every row (:mod:`.mapping`), duplicates with a choice per import and per
row, and a preview of the first rows as they will be stored (:mod:`.review`), the import
itself with a progress bar and Cancel, and a summary that can show the imported prospects
(:mod:`.run_pages`). The pages share a :class:`~.state.WizardState`; their tables are in
:mod:`.models`. Reading, the dry run and the import run off the GUI thread through the
import service (see :mod:`.job`); nothing is written before the Import button, and the
import is one transaction that Cancel rolls back.

The main window opens it from File > Import and when a file is dropped on it, and
connects :attr:`ImportWizard.sig_show_batch` to show the imported prospects.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.importing.file_page import FilePage
from onboard_desk.ui.importing.job import ImportJob
from onboard_desk.ui.importing.mapping import MappingPage
from onboard_desk.ui.importing.review import DuplicatesPage, PreviewPage
from onboard_desk.ui.importing.run_pages import ResultPage, RunPage
from onboard_desk.ui.importing.state import WizardState

__all__ = ["ImportWizard"]


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
        job.signals.sig_finished.connect(
            guarded(self, lambda _result: self.sig_rejects_saved.emit(str(target)))
        )
        job.signals.sig_failed.connect(guarded(self, self._rejects_failed))
        self._rejects_job = job
        job.start()

    def _rejects_failed(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Rejected rows"), message)
