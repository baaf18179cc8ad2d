"""The template editor's side panes: the library on the left, the preview on the right.

Each pane is the widgets of one side and the little it does by itself: the library lists
the templates it is given (the dialog acts on its buttons); the preview pane finds the
prospects to preview on, off the GUI thread, and the merge values of the chosen one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.pipeline import Stage
from onboard_desk.services.outreach import SavedTemplate
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.outreach.common import template_label

#: How many of the most recently changed prospects the preview offers.
PREVIEW_PROSPECTS = 200


class LibraryPane(QWidget):
    """Every template, and the buttons that add, copy, delete and restore them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New"))
        self.copy_button = QPushButton(self.tr("Copy"))
        self.delete_button = QPushButton(self.tr("Delete"))
        for button in (self.new_button, self.copy_button, self.delete_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.restore_button = QPushButton(self.tr("Restore starter templates"))
        layout.addWidget(self.restore_button)

    def fill(self, templates: Sequence[SavedTemplate], chosen_id: int | None) -> None:
        """List ``templates`` (item data: the id) and select ``chosen_id``, else the first,
        without announcing the change: the caller shows the selected one."""
        self.list.blockSignals(True)
        self.list.clear()
        chosen = 0
        for index, template in enumerate(templates):
            item = QListWidgetItem(template_label(template))
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            self.list.addItem(item)
            if template.id == chosen_id:
                chosen = index
        self.list.blockSignals(False)
        if self.list.count():
            self.list.blockSignals(True)
            self.list.setCurrentRow(chosen)
            self.list.blockSignals(False)

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select_name(self, name: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).text().split("  (")[0] == name:
                self.list.setCurrentRow(row)
                return
        raise LookupError(name)


class PreviewPane(QWidget):
    """A prospect to preview on, and the template rendered for them."""

    #: The chosen prospect changed (``values`` holds its merge values, or None).
    sig_prospect_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        #: The chosen prospect's merge values; None until one is chosen.
        self.values: dict[str, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Preview</b> for:")))
        self.prospect_combo = QComboBox()
        self.prospect_combo.currentIndexChanged.connect(self._prospect_chosen)
        layout.addWidget(self.prospect_combo)
        self.preview_subject = QLineEdit()
        self.preview_subject.setReadOnly(True)
        layout.addWidget(self.preview_subject)
        self.preview_body = QPlainTextEdit()
        self.preview_body.setReadOnly(True)
        layout.addWidget(self.preview_body, 1)

    def show_text(self, subject: str, body: str) -> None:
        self.preview_subject.setText(subject)
        self.preview_body.setPlainText(body)

    def load_prospects(self) -> None:
        """Offer the prospects changed last (found off the GUI thread)."""
        outreach = self.context.desk.outreach
        self.context.run(lambda: outreach.preview_prospects(PREVIEW_PROSPECTS), self._loaded)

    def _loaded(self, rows: list[tuple[int, str, str, Stage]]) -> None:
        self.prospect_combo.blockSignals(True)
        self.prospect_combo.clear()
        for prospect_id, name, company, stage in rows:
            label = f"{name}{' – ' + company if company else ''} ({stage.label})"
            self.prospect_combo.addItem(label, prospect_id)
        self.prospect_combo.blockSignals(False)
        if rows:
            self._prospect_chosen()
        else:
            self.preview_body.setPlainText(self.tr("Add a prospect to see a preview."))

    def preview_for(self, prospect_id: int) -> None:
        """Preview against this prospect (added to the chooser if it is not listed)."""
        index = self.prospect_combo.findData(prospect_id)
        if index < 0:
            name = self.context.desk.prospects.get(prospect_id).name
            self.prospect_combo.addItem(name, prospect_id)
            index = self.prospect_combo.count() - 1
        self.prospect_combo.setCurrentIndex(index)
        self._prospect_chosen()

    @Slot()
    def _prospect_chosen(self, *_args: Any) -> None:
        prospect_id = self.prospect_combo.currentData()
        self.values = (
            None
            if prospect_id is None
            else self.context.desk.outreach.merge_values(int(prospect_id))
        )
        self.sig_prospect_changed.emit()
