"""The template editor's dialog: the library, the chosen template's form, and its preview.

Problems (unknown fields, syntax errors with their line) show while typing, and Save stays
off until there are none, so a broken template is never stored (the rules are in
:mod:`.state`). Every change goes through the outreach service; the side panes are in
:mod:`.panes`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.pipeline import ORDERED_STAGES, Stage
from onboard_desk.services.outreach import SavedTemplate
from onboard_desk.templates.fields import MERGE_FIELDS
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.outreach.common import ProblemLabel
from onboard_desk.ui.outreach.template_editor.panes import LibraryPane, PreviewPane
from onboard_desk.ui.outreach.template_editor.state import EditorState, PreviewKind


class TemplateEditor(QDialog):
    """The template library: a list on the left, the chosen template in the middle, and
    its preview for a real prospect on the right."""

    sig_templates_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Email templates"))
        self.resize(1200, 720)
        self.state = EditorState()
        self._build()
        self.reload()
        self.preview_pane.load_prospects()

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter)

        self.library = LibraryPane()
        self.list = self.library.list
        self.list.currentItemChanged.connect(self._item_chosen)
        self.new_button = self.library.new_button
        self.new_button.clicked.connect(self.new_template)
        self.copy_button = self.library.copy_button
        self.copy_button.clicked.connect(self.copy_current)
        self.delete_button = self.library.delete_button
        self.delete_button.clicked.connect(self.delete_current)
        self.restore_button = self.library.restore_button
        self.restore_button.clicked.connect(self.restore_starters)
        splitter.addWidget(self.library)

        splitter.addWidget(self._build_form())

        self.preview_pane = PreviewPane(self.context)
        self.prospect_combo = self.preview_pane.prospect_combo
        self.preview_subject = self.preview_pane.preview_subject
        self.preview_body = self.preview_pane.preview_body
        self.preview_pane.sig_prospect_changed.connect(self._prospect_changed)
        splitter.addWidget(self.preview_pane)
        splitter.setSizes([300, 500, 400])

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.validate)

    def _build_form(self) -> QWidget:
        middle = QWidget()
        form = QFormLayout(middle)
        self.name_edit = QLineEdit()
        self.name_edit.textChanged.connect(self._edited)
        form.addRow(self.tr("Name:"), self.name_edit)
        self.stage_combo = QComboBox()
        self.stage_combo.addItem(self.tr("Any stage"), None)
        for stage in (*ORDERED_STAGES, Stage.LOST):
            self.stage_combo.addItem(stage.label, stage.value)
        self.stage_combo.currentIndexChanged.connect(self._edited)
        form.addRow(self.tr("Offer first in:"), self.stage_combo)
        self.subject_edit = QLineEdit()
        self.subject_edit.textChanged.connect(self._edited)
        form.addRow(self.tr("Subject:"), self.subject_edit)
        self.body_edit = QPlainTextEdit()
        self.body_edit.textChanged.connect(self._edited)
        form.addRow(self.tr("Body:"), self.body_edit)
        self.fields_combo = QComboBox()
        self.fields_combo.addItem(self.tr("Insert a field…"), None)
        for merge_field in MERGE_FIELDS:
            self.fields_combo.addItem(
                f"{{{{ {merge_field.name} }}}} – {merge_field.description}", merge_field.name
            )
        self.fields_combo.activated.connect(self._insert_field)
        form.addRow("", self.fields_combo)
        self.problems = ProblemLabel()
        form.addRow("", self.problems)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(self._reload_current)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        return middle

    # --- the library ---------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        """List the templates again and open ``select_id`` (else the one open, else the
        first)."""
        rows = self.context.desk.outreach.templates()
        self.library.fill(rows, select_id if select_id is not None else self.state.current_id)
        if self.list.count():
            self._item_chosen()
        else:
            self._show(None)

    def template_names(self) -> list[str]:
        return [t.name for t in self.context.desk.outreach.templates()]

    def select_template(self, name: str) -> None:
        self.library.select_name(name)

    @Slot()
    def _item_chosen(self, *_args: Any) -> None:
        template_id = self.library.selected_id()
        if template_id is None:
            self._show(None)
            return
        self._show(self.context.desk.outreach.template(template_id))

    def _reload_current(self) -> None:
        self._item_chosen()

    def _show(self, template: SavedTemplate | None) -> None:
        self.state.open(template)
        widgets = (self.name_edit, self.stage_combo, self.subject_edit, self.body_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.name_edit.setText(template.name if template else "")
        stage = template.stage.value if template and template.stage else None
        self.stage_combo.setCurrentIndex(max(0, self.stage_combo.findData(stage)))
        self.subject_edit.setText(template.subject if template else "")
        self.body_edit.setPlainText(template.body if template else "")
        for widget in widgets:
            widget.blockSignals(False)
            widget.setEnabled(template is not None)
        self.copy_button.setEnabled(template is not None)
        self.delete_button.setEnabled(template is not None)
        self.validate()

    # --- editing -------------------------------------------------------------------------

    @Slot()
    def _edited(self, *_args: Any) -> None:
        self.state.dirty = True
        self._timer.start()

    @Slot(int)
    def _insert_field(self, index: int) -> None:
        name = self.fields_combo.itemData(index)
        self.fields_combo.setCurrentIndex(0)
        if name:
            self.body_edit.insertPlainText(f"{{{{ {name} }}}}")
            self.body_edit.setFocus()

    @Slot()
    def validate(self) -> None:
        """Check the source now and refresh the preview (typing triggers it after a pause)."""
        self._timer.stop()
        state = self.state
        if state.current is None:
            self.problems.show_problems([])
            self.save_button.setEnabled(False)
            self.revert_button.setEnabled(False)
            return
        subject, body = self.subject_edit.text(), self.body_edit.toPlainText()
        problems = state.problems(
            self.name_edit.text(), subject, body, unnamed=self.tr("A template needs a name.")
        )
        self.problems.show_problems(problems)
        self.save_button.setEnabled(state.can_save(problems))
        self.revert_button.setEnabled(state.dirty)
        preview = state.preview(subject, body)
        if preview.kind is PreviewKind.NO_PROSPECT:
            self.preview_pane.show_text("", self.tr("Choose a prospect to preview."))
        elif preview.kind is PreviewKind.BROKEN or preview.rendered is None:
            self.preview_pane.show_text("", self.tr("(fix the problems to see the preview)"))
        else:
            self.preview_pane.show_text(preview.rendered.subject, preview.rendered.body)

    @Slot()
    def save(self) -> None:
        current_id = self.state.current_id
        if current_id is None:
            return
        stage_value = self.stage_combo.currentData()
        try:
            saved = self.context.desk.outreach.save_template(
                template_id=current_id,
                name=self.name_edit.text(),
                subject=self.subject_edit.text(),
                body=self.body_edit.toPlainText(),
                stage=Stage(stage_value) if stage_value else None,
            )
        except UserError as exc:
            self.problems.show_problems([str(exc)])
            return
        self.state.dirty = False
        self.reload(saved.id)
        self.sig_templates_changed.emit()

    def _confirm_discard(self) -> bool:
        if not self.state.dirty:
            return True
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            self.tr("Discard the unsaved changes to this template?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def new_template(self) -> None:
        if not self._confirm_discard():
            return
        created = self.context.desk.outreach.new_template(self.tr("New template"))
        self.reload(created.id)
        self.sig_templates_changed.emit()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    @Slot()
    def copy_current(self) -> None:
        current_id = self.state.current_id
        if current_id is None or not self._confirm_discard():
            return
        copy = self.context.desk.outreach.copy_template(current_id)
        self.reload(copy.id)
        self.sig_templates_changed.emit()

    @Slot()
    def delete_current(self, *, confirm: bool = True) -> None:
        current_id = self.state.current_id
        if current_id is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                self.tr(
                    "Delete the template '{}'? Messages already sent keep their record."
                ).format(self.name_edit.text()),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.context.desk.outreach.delete_template(current_id)
        self.state.open(None)
        self.reload()
        self.sig_templates_changed.emit()

    @Slot()
    def restore_starters(self) -> None:
        added = self.context.desk.outreach.restore_starters()
        self.reload()
        if added:
            self.sig_templates_changed.emit()

    # --- preview -------------------------------------------------------------------------

    @Slot()
    def _prospect_changed(self) -> None:
        self.state.values = self.preview_pane.values
        self.validate()

    def preview_for(self, prospect_id: int) -> None:
        """Preview against this prospect (added to the chooser if it is not listed)."""
        self.preview_pane.preview_for(prospect_id)

    def reject(self) -> None:
        if self._confirm_discard():
            super().reject()
