"""The wizard's first page: choose the file (and the sheet of a workbook), by browsing,
typing its path or dropping it; its header is read in the background."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from onboard_desk.importing.sources import FILE_DIALOG_FILTER
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.common.status_colors import text_style
from onboard_desk.ui.importing.state import FileInfo, inspect_file

if TYPE_CHECKING:
    from onboard_desk.ui.importing.wizard import ImportWizard


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
        self.import_wizard.context.run(
            lambda: inspect_file(path, sheet),
            guarded(self, lambda info: self._inspected(ticket, info)),
            guarded(self, lambda message: self._failed(ticket, message)),
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
